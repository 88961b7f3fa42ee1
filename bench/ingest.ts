// Ingest benchmark (issue: private index). Ingests the dirty synthetic file of --rows rows and compares the
// evaluations per second of the whole ingest with a bare libsodium OPRF loop on the same number of threads,
// measured in the same run (before and after, averaged), so that machine noise cancels in the ratio. It also
// prints the ratio of CPU time per evaluation (bare loop / whole ingest, every thread counted): it shows how much
// work beyond the PRF the ingest does, and other jobs on the machine disturb it less than the wall-clock ratio.
//
//   npm run bench:ingest -- --rows 491840 [--threads N] [--seed S] [--memory-check] [--db postgres://...]
//
// With --db, the ingest goes into a fresh schema of that PostgreSQL database (dropped afterwards) instead of a
// SQLite file.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { writeNewKeyFile } from '../src/crypto/key-file.js';
import { createEvaluatorPool } from '../src/index/evaluator-pool.js';
import { ingest, type IngestProgress } from '../src/index/ingest.js';
import { PgStore } from '../src/index/pg-store.js';
import { SqliteStore } from '../src/index/sqlite-store.js';
import type { Store } from '../src/index/store.js';
import pg from 'pg';
import { synthesize } from '../src/synth/index.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '491840' },
    seed: { type: 'string', default: 'bench' },
    threads: { type: 'string', default: String(availableParallelism()) },
    'baseline-seconds': { type: 'string', default: '8' },
    'memory-check': { type: 'boolean', default: false },
    child: { type: 'string' },
    file: { type: 'string' },
    db: { type: 'string' },
  },
});
const threads = Number(values.threads);
const outDir = resolve('bench/out');
mkdirSync(outDir, { recursive: true });

async function ingestOnce(file: string): Promise<Record<string, number>> {
  const dir = join(tmpdir(), `vigie-bench-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const key = writeNewKeyFile(join(dir, 'vigie.key'));
  const schema = `vigie_bench_${process.pid}`;
  const store: Store = values.db === undefined ? new SqliteStore(join(dir, 'vigie.db')) : await PgStore.open(`${values.db}?schema=${schema}`);
  const pool = await createEvaluatorPool({ secretKey: key.secretKey, threads });
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  // Phase boundaries: the end of the reading (every evaluation done and stored) and the start of the index build
  // (after the merge of identifiers and persons), with the process's CPU time (every thread) at each.
  let readEnd = { ms: 0, cpu: cpuStart };
  let buildStart = { ms: 0, cpu: cpuStart };
  const onProgress = (p: IngestProgress): void => {
    if (p.phase === 'merging') readEnd = { ms: performance.now() - start, cpu: process.cpuUsage() };
    else if (p.phase === 'building' && buildStart.ms === 0) buildStart = { ms: performance.now() - start, cpu: process.cpuUsage() };
  };
  const summary = await ingest({ store, pool, keyId: key.keyId, breachId: 'bench', files: [file], onProgress });
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (from: NodeJS.CpuUsage, to: NodeJS.CpuUsage): number => (to.user + to.system - from.user - from.system) / 1e6;
  const end = process.cpuUsage();
  await pool.close();
  await store.close();
  if (values.db !== undefined) {
    const admin = new pg.Client({ connectionString: values.db });
    await admin.connect();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
  rmSync(dir, { recursive: true, force: true });
  return {
    rows: summary.rowsRead,
    rejected: summary.rowsRejected,
    evaluations: summary.evaluations,
    seconds: ms / 1000,
    rowsPerSecond: summary.rowsRead / (ms / 1000),
    evaluationsPerSecond: summary.evaluations / (ms / 1000),
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    // Every thread of the process (main, evaluator workers, SQLite's sorter threads).
    cpuMicrosPerEvaluation: (cpu.user + cpu.system) / summary.evaluations,
    readingSeconds: readEnd.ms / 1000,
    readingCpuSeconds: cpuSeconds(cpuStart, readEnd.cpu),
    mergeSeconds: (buildStart.ms - readEnd.ms) / 1000,
    mergeCpuSeconds: cpuSeconds(readEnd.cpu, buildStart.cpu),
    buildSeconds: (ms - buildStart.ms) / 1000,
    buildCpuSeconds: cpuSeconds(buildStart.cpu, end),
  };
}

/** CPU time of the bare loop per evaluation, in µs: with the ingest's, a ratio that a busy machine disturbs less. */
const bareCpuMicros: number[] = [];

async function baseline(seconds: number): Promise<number> {
  const cpuStart = process.cpuUsage();
  const secretKey = writeNewKeyFile(join(tmpdir(), `vigie-bench-baseline-${process.pid}.key`), { force: true }).secretKey;
  const results = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<{ evaluations: number; ms: number }>((res, rej) => {
          const worker = new Worker(new URL('./prf-worker.js', import.meta.url), { workerData: { secretKey, seconds } });
          worker.once('message', (m) => {
            res(m as { evaluations: number; ms: number });
            void worker.terminate();
          });
          worker.once('error', rej);
        }),
    ),
  );
  rmSync(join(tmpdir(), `vigie-bench-baseline-${process.pid}.key`), { force: true });
  const cpu = process.cpuUsage(cpuStart);
  bareCpuMicros.push((cpu.user + cpu.system) / results.reduce((n, r) => n + r.evaluations, 0));
  return results.reduce((sum, r) => sum + (r.evaluations / r.ms) * 1000, 0);
}

function child(file: string): Record<string, number> {
  const args = [new URL(import.meta.url).pathname, '--child', 'ingest', '--file', file, '--threads', String(threads), ...(values.db === undefined ? [] : ['--db', values.db])];
  const run = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  if (run.status !== 0) throw new Error(`ingest child failed with status ${run.status}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, number>;
}

async function synthFile(rows: number): Promise<string> {
  const file = join(outDir, `dirty-${rows}-${values.seed}.csv`);
  if (!existsSync(file)) {
    const start = performance.now();
    await synthesize({ rows, seed: values.seed!, dirty: true, out: file });
    console.error(`synthesized ${rows} rows in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
  return file;
}

if (values.child === 'ingest') {
  console.log(JSON.stringify(await ingestOnce(values.file!)));
} else {
  const rows = Number(values.rows);
  const file = await synthFile(rows);
  const seconds = Number(values['baseline-seconds']);
  const before = await baseline(seconds);
  const run = child(file);
  const after = await baseline(seconds);
  const bare = (before + after) / 2;
  const result: Record<string, unknown> = {
    rows,
    threads,
    store: values.db === undefined ? 'sqlite' : 'postgres',
    bareEvaluationsPerSecond: Math.round(bare),
    bareBefore: Math.round(before),
    bareAfter: Math.round(after),
    ingestSeconds: Math.round(run['seconds']! * 10) / 10,
    rowsPerSecond: Math.round(run['rowsPerSecond']!),
    evaluations: run['evaluations'],
    evaluationsPerSecond: Math.round(run['evaluationsPerSecond']!),
    ratio: Math.round((run['evaluationsPerSecond']! / bare) * 1000) / 1000,
    cpuRatio: Math.round((bareCpuMicros.reduce((a, b) => a + b, 0) / bareCpuMicros.length / run['cpuMicrosPerEvaluation']!) * 1000) / 1000,
    peakRssMiB: Math.round(run['maxRssMiB']!),
    // Wall and CPU (every thread) seconds per phase; the bare loop would take evaluations / bare seconds in all.
    phases: Object.fromEntries(
      (['reading', 'merge', 'build'] as const).map((phase) => [
        phase,
        { seconds: +run[`${phase}Seconds`]!.toFixed(1), cpuSeconds: +run[`${phase}CpuSeconds`]!.toFixed(1) },
      ]),
    ),
    bareSeconds: +((run['evaluations']! / bare)).toFixed(1),
  };
  if (values['memory-check'] === true) {
    const small = child(await synthFile(Math.round(rows / 4)));
    result['peakRssMiBQuarterRows'] = Math.round(small['maxRssMiB']!);
  }
  console.log(`rows/s ${result['rowsPerSecond']}, evaluations/s ${result['evaluationsPerSecond']}, bare PRF loop on ${threads} threads ${result['bareEvaluationsPerSecond']}/s, ratio ${result['ratio']} (CPU time per evaluation: ${result['cpuRatio']}), peak RSS ${result['peakRssMiB']} MiB`);
  console.log(JSON.stringify(result));
}
