// The ingest crash test on PostgreSQL (VIGIE_DB=postgres://..., issue 7): the same scenario as crash-ingest.test.ts
// (support/ingest-crash.ts), where a killed client leaves its transaction, its temporary tables and its ingest lock to
// the server to undo. Runs whenever CI=true (and fails there without the server); elsewhere skips visibly without it.

import { afterAll, beforeAll, describe, it } from 'vitest';
import { PgStore } from '../../src/index/pg-store.js';
import { createWorkspace, type Workspace } from '../helpers.js';
import { freshSchema, postgresAvailable } from '../support/postgres.js';
import { fuzzConfig } from './support/fuzz-config.js';
import { ingestCrashScenario } from './support/ingest-crash.js';
import { requireBuild } from './support/vigie-child.js';

const withPostgres = await postgresAvailable();
const { seed, runs: points, random } = fuzzConfig('crash-ingest-postgres', {
  seed: 'vigie-crash-ingest-postgres-1',
  runs: 20,
  minimum: 20,
  runsVariable: 'VIGIE_CRASH_POINTS',
  unit: 'kill points',
});

let ws: Workspace;
let schema: ReturnType<typeof freshSchema>;

beforeAll(() => {
  if (!withPostgres) return;
  requireBuild();
  ws = createWorkspace();
  schema = freshSchema('vigie_crash');
});
afterAll(async () => {
  await schema?.drop();
  ws?.cleanup();
});

describe.skipIf(!withPostgres)('kill -9 during an ingest (PostgreSQL)', () => {
  it(`at ${points} seeded points: the published index answers as before, a rerun gives the counts of an uninterrupted run`, async () => {
    await ingestCrashScenario({ name: 'crash-ingest-postgres', seed, random, points, ws, db: schema.url, openStore: () => PgStore.open(schema.url) });
  }, 600_000);
});
