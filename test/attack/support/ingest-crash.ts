// The ingest crash scenario (issue 8 item 4, DESIGN §1.5), run against each store engine by the crash-ingest tests:
// `vigie ingest --threads 1` on a synthetic leak, killed with SIGKILL at seeded random moments spread over its run,
// some aimed at the index build (announced by its `--progress json` line). After each kill the published index is
// exactly the one before (manifest, every bucket byte, the breach's statistics, the answers of a private check), or,
// killed after its commit, the new one whole; a rerun ends with the counts of an uninterrupted run.

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createVoprfServer } from '../../../src/crypto/voprf-server.js';
import { createLookupService } from '../../../src/index/lookup-service.js';
import type { Store } from '../../../src/index/store.js';
import { createLookupClient } from '../../../src/lookup/client.js';
import type { Manifest } from '../../../src/lookup/protocol.js';
import type { Random } from '../../../src/synth/random.js';
import { synthLeak, truthQuery, type TruthPerson, type Workspace } from '../../helpers.js';
import { spawnVigie, type Exit, type VigieChild } from './vigie-child.js';

/**
 * A few seconds of ingest on one evaluator thread (3-4 s on a busy 2-core machine, a third of it the process
 * starting); the 20-40k rows take 12-20 s there, which 20 kills and reruns would multiply past the time limit.
 */
export const CRASH_ROWS = Number(process.env['VIGIE_CRASH_ROWS'] ?? 3000);
/** Share of the kill points aimed at the index build (after the last row was read). */
const BUILD_SHARE = 0.25;
const BREACH = 'labos-crash';

export interface IngestCrashOptions {
  /** How the test is named in its log. */
  name: string;
  seed: string;
  random: Random;
  points: number;
  /** The workspace: its key file, and the directory for the leak and the reject report. */
  ws: Workspace;
  /** VIGIE_DB for the children: a SQLite file or a postgres:// URL. */
  db: string;
  /** Opens the same store in this process, as a fresh process would after the crash. */
  openStore: () => Promise<Store>;
}

/** What an uninterrupted run reports (and keeps in the breach's statistics), and a rerun must report again. */
function counts(summary: object): Record<string, unknown> {
  const { rowsRead, rowsIndexed, rowsRejected, identifiers, persons, nirKeyMissing, nirKeyWrong, rejectReasons } = summary as Record<string, unknown>;
  return { rowsRead, rowsIndexed, rowsRejected, identifiers, persons, nirKeyMissing, nirKeyWrong, rejectReasons };
}

interface Snapshot {
  manifest: Manifest | null;
  /** The counts kept in the store with the breach (its statistics), null before the first ingest. */
  stored: Record<string, unknown> | null;
  /** SHA-256 over every bucket of the current index, in order. */
  buckets: string | null;
  /** The private check's answer for each sampled person, and for someone absent. */
  answers: string[];
}

/** Resolves once the child has reported `phase`, or has exited. */
function phaseReached(child: VigieChild, phase: string): Promise<void> {
  return new Promise((resolvePhase) => {
    if (child.progress.some((p) => p.phase === phase)) return resolvePhase();
    child.onProgress((p) => p.phase === phase && resolvePhase());
    void child.exited.then(() => resolvePhase());
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function ingestCrashScenario(options: IngestCrashOptions): Promise<void> {
  const { ws, random } = options;
  const { file, truth } = await synthLeak(ws.dir, 'leak', CRASH_ROWS, options.seed, true);
  const usable = truth.filter((p) => !p.unusable);
  const sample: TruthPerson[] = Array.from({ length: 8 }, () => random.pick(usable));
  const env = { ...process.env, VIGIE_DB: options.db, VIGIE_KEY_FILE: ws.keyFile };
  const rejects = join(ws.dir, 'rejects.csv');
  const ingestChild = (): VigieChild =>
    spawnVigie(['ingest', file, '--breach', BREACH, '--title', 'Laboratoires (crash test)', '--threads', '1', '--rejects', rejects, '--progress', 'json', '--json'], env);

  let snapshotMs = 0;
  const snapshot = async (): Promise<Snapshot> => {
    const started = performance.now();
    const store = await options.openStore();
    try {
      const manifest = await store.manifest();
      if (manifest === null) return { manifest, stored: null, buckets: null, answers: [] };
      const stats = (await store.breach(BREACH))?.stats;
      const stored = stats === undefined || stats === null ? null : counts(stats);
      const hash = createHash('sha256');
      for (let b = 0; b < 2 ** manifest.bucketBits; b++) {
        const bucket = await store.bucket(manifest.indexId, b);
        if (bucket === null) throw new Error(`bucket ${b} of the published index is missing`);
        hash.update(bucket);
      }
      const service = createLookupService({ store, server: await createVoprfServer(ws.key.secretKey), keyId: ws.key.keyId });
      const client = createLookupClient({ transport: service });
      const answers: string[] = [];
      for (const p of sample) {
        const result = await client.checkQuery(truthQuery(p));
        answers.push(JSON.stringify({ found: result.found, matches: result.matches }));
      }
      answers.push(JSON.stringify((await client.checkQuery({ email: 'personne.absente@example.org' })).found));
      return { manifest, stored, buckets: hash.digest('hex'), answers };
    } finally {
      await store.close();
      snapshotMs += performance.now() - started;
    }
  };

  const log: string[] = [];
  const outcome = (exit: Exit, child: VigieChild): string =>
    exit.signal === 'SIGKILL'
      ? `killed at ${Math.round(child.killed!.ms)} ms (${child.killed!.phase ?? 'starting'}, ${Number(child.progress.at(-1)?.line['rows'] ?? 0)} rows reported)`
      : `ended by itself (${exit.code}) in ${Math.round(exit.ms)} ms`;

  // 1. A first ingest killed before it could publish anything: still no index, and nothing half-published.
  const first = ingestChild();
  await phaseReached(first, 'ingest');
  await sleep(random.range(0, 1500));
  first.kill();
  const firstExit = await first.exited;
  log.push(`first ingest: ${outcome(firstExit, first)}`);
  let killed = firstExit.signal === 'SIGKILL' ? 1 : 0;
  if (killed === 1) expect((await snapshot()).manifest).toBeNull();

  // 2. The uninterrupted reference run: its counts, its index and its answers.
  const reference = ingestChild();
  const referenceExit = await reference.exited;
  expect(referenceExit.code, referenceExit.stderr).toBe(0);
  const referenceSummary = JSON.parse(referenceExit.stdout) as Record<string, unknown>;
  const expected = counts(referenceSummary);
  expect(expected['rowsRead']).toBe(CRASH_ROWS);
  expect((expected['rowsIndexed'] as number) + (expected['rowsRejected'] as number)).toBe(CRASH_ROWS);
  const runMs = referenceExit.ms;
  const buildAt = reference.progress.find((p) => p.phase === 'building index')?.ms ?? runMs * 0.8;
  log.push(`reference run: ${Math.round(runMs)} ms, index build from ${Math.round(buildAt)} ms; ${JSON.stringify(expected)}`);
  let before = await snapshot();
  expect(before.manifest?.indexId).toBe(referenceSummary['indexId']);
  expect(before.stored).toEqual(expected);
  expect(before.answers.slice(0, -1).every((a) => (JSON.parse(a) as { found: boolean }).found)).toBe(true);

  // 3. Reruns of the same ingest (replacing the breach), each killed at a seeded point.
  let attempts = 0;
  while (killed < options.points && attempts < options.points + 10) {
    attempts++;
    const inBuild = random.chance(BUILD_SHARE);
    const child = ingestChild();
    if (inBuild) {
      // The build phase, announced by its progress line: kill early in it (it lasted runMs - buildAt in the reference run).
      await phaseReached(child, 'building index');
      await sleep(random.next() * 0.6 * Math.max(50, runMs - buildAt));
    } else {
      await sleep(random.next() * 0.98 * runMs);
    }
    child.kill();
    const exit = await child.exited;
    log.push(`point ${attempts}${inBuild ? ' (aimed at the build)' : ''}: ${outcome(exit, child)}`);
    const after = await snapshot();
    if (exit.signal === 'SIGKILL') {
      killed++;
      if (after.manifest?.indexId !== before.manifest?.indexId) {
        // Killed after its commit (while closing down): the new index was published whole, with the counts of an
        // uninterrupted run. It is the one later kills must leave intact.
        log[log.length - 1] += ', after the commit: the new index is published whole';
        expect(after.stored, `after ${log.at(-1)}`).toEqual(expected);
      } else {
        expect(after.manifest, `after ${log.at(-1)}`).toEqual(before.manifest);
        expect(after.buckets, `after ${log.at(-1)}`).toBe(before.buckets);
        expect(after.stored, `after ${log.at(-1)}`).toEqual(before.stored);
      }
    } else {
      // It finished before the kill: a complete run, which must count as the reference did.
      expect(exit.code, exit.stderr).toBe(0);
      expect(counts(JSON.parse(exit.stdout) as object)).toEqual(expected);
      expect(after.stored).toEqual(expected);
    }
    expect(after.answers, `after ${log.at(-1)}`).toEqual(before.answers);
    before = after;
  }
  console.log(`${options.name} (${CRASH_ROWS} rows; checking the index took ${Math.round(snapshotMs)} ms in all):\n  ${log.join('\n  ')}`);
  expect(killed).toBeGreaterThanOrEqual(options.points);

  // 4. The rerun after the last crash: exactly the counts of the uninterrupted run, and the same answers.
  const rerunExit = await ingestChild().exited;
  expect(rerunExit.code, rerunExit.stderr).toBe(0);
  const rerunSummary = JSON.parse(rerunExit.stdout) as Record<string, unknown>;
  expect(counts(rerunSummary)).toEqual(expected);
  const final = await snapshot();
  expect(final.manifest?.indexId).toBe(rerunSummary['indexId']);
  expect(final.stored).toEqual(expected);
  expect(final.answers).toEqual(before.answers);

  // The reject report of the rerun names line and reason for each rejected row, never a value.
  const report = readFileSync(rejects, 'utf8').trim().split('\n');
  expect(report[0]).toBe('file,line,column,reason,action');
  const rejected = report.slice(1).filter((l) => l.endsWith(',row rejected'));
  expect(rejected).toHaveLength(expected['rowsRejected'] as number);
  for (const line of rejected) expect(line).toMatch(/^leak\.csv,\d+,[^,]*,("[^"]*"|[^,"]*),row rejected$/);
  // The leak is streamed, never copied: nothing but the store, the key, the report and the test's own files.
  const files = readdirSync(ws.dir).filter((f) => !/^(vigie\.db(-wal|-shm)?|vigie\.key|leak\.csv|leak\.truth\.jsonl|rejects\.csv)$/.test(f));
  expect(files).toEqual([]);
}
