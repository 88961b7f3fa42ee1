// `vigie synth`: a deterministic synthetic leak (never real data) for demos, tests and benchmarks.

import { VigieError } from '../errors.js';
import { synthesize } from '../synth/index.js';
import { println } from './io.js';
import type { Command } from './main.js';

export const synthCommand: Command = {
  name: 'synth',
  summary: 'write a deterministic synthetic leak file (and its truth file)',
  usage: 'vigie synth --rows N --seed S [--dirty] --out FILE [--truth FILE] [--json]',
  options: {
    rows: { type: 'string' },
    seed: { type: 'string' },
    dirty: { type: 'boolean' },
    out: { type: 'string' },
    truth: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const rows = Number(values['rows']);
    if (!Number.isInteger(rows) || rows < 1 || rows > 100_000_000) throw new VigieError('E_USAGE', '--rows expects a whole number from 1 to 100000000');
    if (typeof values['seed'] !== 'string') throw new VigieError('E_USAGE', '--seed is required (the same seed gives the same file)');
    if (typeof values['out'] !== 'string') throw new VigieError('E_USAGE', '--out FILE is required');
    const summary = await synthesize({
      rows,
      seed: values['seed'],
      dirty: values['dirty'] === true,
      out: values['out'],
      ...(typeof values['truth'] === 'string' ? { truth: values['truth'] } : {}),
    });
    if (values['json'] === true) println(io.stdout, JSON.stringify(summary));
    else {
      println(io.stdout, `Synthetic leak written to ${values['out']}: ${summary.rows} rows, ${summary.persons} persons, ${summary.labs} labs, ${summary.encoding}.`);
      if (typeof values['truth'] === 'string') println(io.stdout, `Truth (one JSON object per person) written to ${values['truth']}.`);
    }
    return 0;
  },
};
