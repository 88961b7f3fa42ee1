// Public surface of the synthetic-leak generator (`vigie synth`): the CLI and tests import from here.

export { synthesize, type SynthOptions, type SynthSummary, type TruthRecord } from './synthesize.js';
export { COLUMNS, COLUMN_CATEGORY, type Column } from './columns.js';
export { encodeWindows1252 } from './windows-1252.js';
