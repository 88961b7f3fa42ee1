// Reading leak files (DESIGN §6, src/source/): CSV/TSV in UTF-8 or Windows-1252, or the first sheet
// of an XLSX, streamed as rows with columns mapped to fields and data categories.

export { openSource, openSourceStream, BATCH_SIZE, type OpenedSource } from './source.js';
export { loadMapping } from './mapping.js';
export { normalizeHeader, recogniseHeader, recognisedHeaders } from './headers.js';
export { FIELDS, FIELD_CATEGORY, isField, type Field } from './fields.js';
export type { Mapping, OpenSourceOptions, Source, SourceColumn, SourceInfo, SourceRow } from './types.js';
