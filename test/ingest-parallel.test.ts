// Ingest on several worker threads gives exactly what one thread gives (issue 7): the same summary and statistics,
// the same stored identifiers (y, breach, masked prefix, categories) and the same answer for every person checked.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createVoprfServer } from '../src/crypto/voprf-server.js';
import { createEvaluatorPool } from '../src/index/evaluator-pool.js';
import { ingest, type IngestSummary } from '../src/index/ingest.js';
import { createLookupService } from '../src/index/lookup-service.js';
import { SqliteStore } from '../src/index/sqlite-store.js';
import { createLookupClient, type LookupClient } from '../src/lookup/index.js';
import { createWorkspace, synthLeak, truthQuery, type TruthPerson, type Workspace } from './helpers.js';

const ROWS = 4000; // four batches of 1,000 rows: more batches in flight than threads
const THREADS = [1, 2, 3] as const;
/** Persons checked in every store: enough to meet every kind of row, few enough to stay fast. */
const CHECKED = 100;

interface Run {
  threads: number;
  summary: IngestSummary;
  store: SqliteStore;
  client: LookupClient;
}

let ws: Workspace;
let truth: TruthPerson[];
const runs: Run[] = [];

/** What must not depend on the number of threads: everything but the index's random id, its date and the timing. */
function comparable(summary: IngestSummary): object {
  const { indexId: _id, durationMs: _ms, manifest, ...rest } = summary;
  const { indexId: _mid, createdAt: _at, ...shape } = manifest;
  return { ...rest, manifest: shape };
}

async function identifierRows(store: SqliteStore): Promise<string[]> {
  const rows: string[] = [];
  for await (const r of store.identifierRows()) rows.push(`${Buffer.from(r.y).toString('hex')} ${r.breach} ${r.prefix} ${r.cats}`);
  return rows;
}

beforeAll(async () => {
  ws = createWorkspace();
  let file: string;
  ({ file, truth } = await synthLeak(ws.dir, 'dirty', ROWS, 'ingest-parallel', true));
  const asOf = new Date('2024-06-01T00:00:00Z');
  for (const threads of THREADS) {
    const store = new SqliteStore(join(ws.dir, `threads-${threads}.db`));
    const pool = await createEvaluatorPool({ secretKey: ws.key.secretKey, threads });
    try {
      const summary = await ingest({ store, pool, keyId: ws.key.keyId, breachId: 'labos-2021', title: 'Laboratoires 2021', files: [file], asOf });
      const service = createLookupService({ store, server: await createVoprfServer(ws.key.secretKey), keyId: ws.key.keyId });
      runs.push({ threads, summary, store, client: createLookupClient({ transport: service }) });
    } finally {
      await pool.close();
    }
  }
}, 180_000);

afterAll(() => {
  for (const run of runs) run.store.close();
  ws?.cleanup();
});

describe('ingest with 1, 2 and 3 worker threads', () => {
  it('gives the same summary: counts, identifiers per type, persons, rejects, files, index shape', () => {
    const [one, ...others] = runs;
    expect(one!.summary.rowsRead).toBe(ROWS);
    expect(one!.summary.rowsRejected).toBeGreaterThan(0); // a dirty file: the comparison covers rejects too
    for (const run of others) expect(comparable(run.summary), `${run.threads} threads`).toEqual(comparable(one!.summary));
  });

  it('stores the same breach statistics', async () => {
    const stats = async (run: Run) => {
      const { ingestedAt: _at, ...rest } = (await run.store.breach('labos-2021'))!.stats!;
      return rest;
    };
    const reference = await stats(runs[0]!);
    expect(reference.persons).toBeGreaterThan(0);
    for (const run of runs.slice(1)) expect(await stats(run), `${run.threads} threads`).toEqual(reference);
  });

  it('stores the same identifiers: y, breach, masked prefix and categories, row for row', async () => {
    const reference = await identifierRows(runs[0]!.store);
    const total = Object.values(runs[0]!.summary.identifiers).reduce((a, b) => a + b, 0);
    expect(reference).toHaveLength(total);
    for (const run of runs.slice(1)) expect(await identifierRows(run.store), `${run.threads} threads`).toEqual(reference);
  });

  it('answers every checked person the same, found where the file has them', async () => {
    const people = truth.slice(0, CHECKED);
    let found = 0;
    for (const p of people) {
      const query = truthQuery(p);
      const answers = [];
      for (const run of runs) {
        const result = await run.client.checkQuery(query);
        answers.push(result.results.map(({ type, found: f, breaches }) => ({ type, found: f, breaches })));
      }
      for (let i = 1; i < answers.length; i++) expect(answers[i], `${runs[i]!.threads} threads`).toEqual(answers[0]);
      if (answers[0]!.some((a) => a.found)) found++;
      else expect(p.unusable).toBe(true);
    }
    expect(found).toBeGreaterThan(CHECKED * 0.9);
  });
});
