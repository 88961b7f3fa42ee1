// Crash test of the ingest on the embedded store (issue 8 item 4, DESIGN §1.5): `vigie ingest` killed with SIGKILL at
// seeded points spread over its run, the index build included; after each kill the published index answers as
// before, and the rerun gives the counts of an uninterrupted run (support/ingest-crash.ts). No lost row, no duplicate.

import { afterAll, beforeAll, describe, it } from 'vitest';
import { SqliteStore } from '../../src/index/sqlite-store.js';
import { createWorkspace, type Workspace } from '../helpers.js';
import { fuzzConfig } from './support/fuzz-config.js';
import { ingestCrashScenario } from './support/ingest-crash.js';
import { requireBuild } from './support/vigie-child.js';

const { seed, runs: points, random } = fuzzConfig('crash-ingest', {
  seed: 'vigie-crash-ingest-1',
  runs: 22,
  minimum: 20,
  runsVariable: 'VIGIE_CRASH_POINTS',
  unit: 'kill points',
});

let ws: Workspace;

beforeAll(() => {
  requireBuild();
  ws = createWorkspace();
});
afterAll(() => ws?.cleanup());

describe('kill -9 during an ingest (SQLite)', () => {
  it(`at ${points} seeded points: the published index answers as before, a rerun gives the counts of an uninterrupted run`, async () => {
    await ingestCrashScenario({ name: 'crash-ingest', seed, random, points, ws, db: ws.db, openStore: async () => new SqliteStore(ws.db) });
  }, 600_000);
});
