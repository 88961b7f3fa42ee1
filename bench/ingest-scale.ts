// Ingest at ten times the data (issue 7): the dirty synthetic file of --small rows, then of --large rows, each
// ingested into a fresh PostgreSQL schema by bench/ingest.ts (a child process of its own, so each peak RSS is its
// own run's). Linear means rows/s of the large run ≥ 0.9× the small run's, with peak memory within 1.2×. Each run
// also measures the bare OPRF loop before and after it, so the ratio normalized by the machine's speed at the time
// is printed too (the two runs are tens of minutes apart on a machine whose speed drifts).
//
//   npm run bench:ingest-scale -- [--small 500000] [--large 5000000] [--db postgres://postgres@127.0.0.1:5432/test]

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    small: { type: 'string', default: '500000' },
    large: { type: 'string', default: '5000000' },
    db: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    threads: { type: 'string' },
  },
});

type Run = Record<string, number | string>;

function run(rows: string): Run {
  const script = new URL('./ingest.js', import.meta.url).pathname;
  const args = [script, '--rows', rows, '--db', values.db!, ...(values.threads === undefined ? [] : ['--threads', values.threads])];
  console.error(`ingesting ${rows} rows into PostgreSQL...`);
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) throw new Error(`bench/ingest.js --rows ${rows} failed with status ${child.status}`);
  const lines = child.stdout.trim().split('\n');
  console.error(lines[lines.length - 2]);
  return JSON.parse(lines[lines.length - 1]!) as Run;
}

// The large run first: whatever else the machine does early on then slows the large run, not the baseline.
const large = run(values.large!);
const small = run(values.small!);
const num = (r: Run, k: string): number => Number(r[k]);
const round = (x: number): number => Math.round(x * 1000) / 1000;
const result = {
  small,
  large,
  rowsPerSecondRatio: round(num(large, 'rowsPerSecond') / num(small, 'rowsPerSecond')),
  // Each run's rows/s over the bare PRF loop around it: what is left once the machine's drift is taken out.
  normalizedRatio: round(num(large, 'ratio') / num(small, 'ratio')),
  peakRssRatio: round(num(large, 'peakRssMiB') / num(small, 'peakRssMiB')),
};
console.log(
  `rows/s ${num(small, 'rowsPerSecond')} (${values.small} rows) -> ${num(large, 'rowsPerSecond')} (${values.large} rows): ratio ${result.rowsPerSecondRatio} (goal >= 0.9), normalized by the bare PRF loop ${result.normalizedRatio}; peak RSS ${num(small, 'peakRssMiB')} -> ${num(large, 'peakRssMiB')} MiB: ratio ${result.peakRssRatio} (goal <= 1.2)`,
);
console.log(JSON.stringify(result));
writeFileSync(resolve('bench/out/ingest-scale.json'), `${JSON.stringify(result, null, 2)}\n`);
