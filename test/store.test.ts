// The store suite, run against both engines (issue 7): SQLite (embedded) and PostgreSQL (scale-out) must give the
// same answers on the same input. The PostgreSQL half needs the local server; on CI it always runs.

import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVoprfServer } from '../src/crypto/voprf-server.js';
import { createEvaluatorPool, type EvaluatorPool } from '../src/index/evaluator-pool.js';
import { ingest, type IngestSummary } from '../src/index/ingest.js';
import { createLookupService } from '../src/index/lookup-service.js';
import { PgStore, parsePostgresUrl } from '../src/index/pg-store.js';
import { SqliteStore } from '../src/index/sqlite-store.js';
import type { IdentifierRow, Store } from '../src/index/store.js';
import { createLookupClient, type LookupClient } from '../src/lookup/client.js';
import { main } from '../src/cli/main.js';
import { PassThrough } from 'node:stream';
import { createWorkspace, synthLeak, truthQuery, type TruthPerson, type Workspace } from './helpers.js';
import { freshSchema, postgresAvailable } from './support/postgres.js';

const ROWS = 1500;
const withPostgres = await postgresAvailable();

interface Engine {
  name: 'sqlite' | 'postgres';
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

let ws: Workspace;
let pool: EvaluatorPool;
let files: { a: string; b: string; truthA: TruthPerson[]; truthB: TruthPerson[] };

beforeAll(async () => {
  ws = createWorkspace();
  pool = await createEvaluatorPool({ secretKey: ws.key.secretKey, threads: 1 });
  const a = await synthLeak(ws.dir, 'a', ROWS, 'store-a', true);
  const b = await synthLeak(ws.dir, 'b', 400, 'store-b', false);
  files = { a: a.file, b: b.file, truthA: a.truth, truthB: b.truth };
});

afterAll(async () => {
  await pool?.close();
  ws?.cleanup();
});

function engines(): Engine[] {
  const list: Engine[] = [];
  let n = 0;
  list.push({
    name: 'sqlite',
    open: async () => new SqliteStore(join(ws.dir, `store-${n++}.db`)),
    cleanup: async () => undefined,
  });
  if (withPostgres) {
    const schemas: (() => Promise<void>)[] = [];
    list.push({
      name: 'postgres',
      open: async () => {
        const schema = freshSchema();
        schemas.push(schema.drop);
        return PgStore.open(schema.url);
      },
      cleanup: async () => {
        for (const drop of schemas) await drop();
      },
    });
  }
  return list;
}

async function rowsOf(store: Store): Promise<IdentifierRow[]> {
  const rows: IdentifierRow[] = [];
  for await (const row of store.identifierRows()) rows.push({ ...row, y: Buffer.from(row.y) });
  return rows;
}

async function clientOf(store: Store): Promise<LookupClient> {
  const server = await createVoprfServer(ws.key.secretKey);
  return createLookupClient({ transport: createLookupService({ store, server, keyId: ws.key.keyId }) });
}

/** What a person sees for each truth person: found or not, and per type the breaches and categories. */
async function answers(client: LookupClient, people: TruthPerson[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of people) {
    const result = await client.checkQuery(truthQuery(p));
    out.push(JSON.stringify(result.matches.map((m) => [m.type, m.breaches.map((b) => [b.id, [...b.categories].sort()])])));
  }
  return out;
}

const comparable = (s: IngestSummary): unknown => ({ ...s, indexId: undefined, manifest: { ...s.manifest, indexId: undefined, createdAt: undefined }, durationMs: undefined });

for (const engine of engines()) {
  describe(`store: ${engine.name}`, () => {
    let store: Store;
    let first: IngestSummary;

    beforeAll(async () => {
      store = await engine.open();
      first = await ingest({ store, pool, keyId: ws.key.keyId, breachId: 'lab-a', title: 'Lab A', files: [files.a] });
    });
    afterAll(async () => {
      await store?.close();
      await engine.cleanup();
    });

    it('accounts for every row and publishes an index', async () => {
      expect(first.rowsRead).toBe(ROWS);
      expect(first.rowsIndexed + first.rowsRejected).toBe(ROWS);
      expect(await store.currentIndexId()).toBe(first.indexId);
      const manifest = (await store.manifest())!;
      expect(manifest.indexId).toBe(first.indexId);
      const bucket = (await store.bucket(manifest.indexId, 0))!;
      expect(bucket.byteLength).toBe(manifest.entrySize * manifest.entriesPerBucket);
      expect(await store.bucket(manifest.indexId, 2 ** manifest.bucketBits)).toBeNull();
      expect(await store.bucket('0'.repeat(32), 0)).toBeNull();
      const breach = (await store.breach('lab-a'))!;
      expect(breach.title).toBe('Lab A');
      expect(breach.stats?.rowsRead).toBe(ROWS);
    });

    it('finds members and only members', async () => {
      const client = await clientOf(store);
      const found = await answers(client, files.truthA.slice(0, 40));
      expect(found.filter((a) => a !== '[]').length).toBeGreaterThan(30);
      const strangers = await answers(client, files.truthB.slice(0, 10));
      expect(strangers.every((a) => a === '[]')).toBe(true);
    });

    it('refuses a second key', async () => {
      await expect(Promise.resolve().then(() => store.bindKey('another-key'))).rejects.toThrow(/built with key/);
      await store.bindKey(ws.key.keyId);
    });

    it('answers for every breach after a second one, and replaces a breach on re-ingest', async () => {
      const before = (await rowsOf(store)).length;
      const second = await ingest({ store, pool, keyId: ws.key.keyId, breachId: 'lab-b', title: 'Lab B', files: [files.b] });
      expect((await store.breaches()).map((b) => b.id)).toEqual(['lab-a', 'lab-b']);
      const client = await clientOf(store);
      expect((await answers(client, files.truthB.slice(0, 10))).some((a) => a.includes('lab-b'))).toBe(true);
      expect((await answers(client, files.truthA.slice(0, 10))).some((a) => a.includes('lab-a'))).toBe(true);
      const again = await ingest({ store, pool, keyId: ws.key.keyId, breachId: 'lab-b', title: 'Lab B again', files: [files.b] });
      expect(again.identifiers).toEqual(second.identifiers);
      expect((await rowsOf(store)).length).toBe(before + Object.values(second.identifiers).reduce((n, c) => n + c, 0));
      expect((await store.breach('lab-b'))!.title).toBe('Lab B again');
      // The previous version stays for clients in the middle of a check; older ones are pruned.
      expect(await store.manifest(second.indexId)).not.toBeNull();
      expect(await store.manifest(first.indexId)).toBeNull();
    });

    it('leaves the published index as it was when an ingest fails', async () => {
      const current = await store.currentIndexId();
      const rows = (await rowsOf(store)).length;
      const broken = join(ws.dir, `broken-${engine.name}.csv`);
      // A header the reader cannot map to any identifier: the ingest fails before publishing anything.
      writeFileSync(broken, 'colonne;autre\nx;y\n');
      await expect(ingest({ store, pool, keyId: ws.key.keyId, breachId: 'lab-a', files: [files.a, broken] })).rejects.toThrow();
      expect(await store.currentIndexId()).toBe(current);
      expect((await rowsOf(store)).length).toBe(rows);
      expect((await store.breach('lab-a'))!.stats?.rowsRead).toBe(ROWS);
    });

    it('stores notices by id, refuses another breach’s id, counts openings', async () => {
      const sealed = (n: number) => ({ noticeId: randomBytes(16).toString('base64url'), sealed: randomBytes(40 + n) });
      const notices = [sealed(1), sealed(2), sealed(3)];
      expect(await store.replaceNotices('lab-a', notices)).toBe(3);
      expect(Buffer.from((await store.notice(notices[0]!.noticeId))!)).toEqual(Buffer.from(notices[0]!.sealed));
      expect(await store.notice(randomBytes(16).toString('base64url'))).toBeNull();
      await store.markNoticeOpened(notices[1]!.noticeId);
      await store.markNoticeOpened(notices[1]!.noticeId);
      expect(await store.noticeCounts('lab-a')).toEqual({ notices: 3, opened: 1 });
      await expect(Promise.resolve().then(() => store.putNotices('lab-b', [notices[2]!]))).rejects.toThrow(/collision/);
      await expect(Promise.resolve().then(() => store.replaceNotices('lab-b', [notices[2]!]))).rejects.toThrow(/collision/);
      // A rerun of the campaign replaces the breach's notices: the old codes stop opening anything.
      const rerun = [sealed(4)];
      expect(await store.replaceNotices('lab-a', rerun)).toBe(1);
      expect(await store.notice(notices[0]!.noticeId)).toBeNull();
      expect(await store.putNotices('lab-a', rerun)).toBe(1);
      expect(await store.noticeCounts('lab-a')).toEqual({ notices: 1, opened: 0 });
    });

    it('keeps meta values', async () => {
      await store.setMeta('probe', 'one');
      await store.setMeta('probe', 'two');
      expect(await store.getMeta('probe')).toBe('two');
      expect(await store.getMeta('absent')).toBeNull();
    });
  });
}

describe('SQLite store file', () => {
  it('creates new stores with 16 KiB pages and buckets in a rowid table, and opens an older store with 4 KiB pages as it is', async () => {
    const fresh = new SqliteStore(join(ws.dir, 'pages-new.db'));
    expect(fresh.db.pragma('page_size', { simple: true })).toBe(16384);
    // Buckets in a rowid table, where one fits a page (a WITHOUT ROWID cell overflows beyond ~4 KB).
    const bucketsSql = fresh.db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'buckets'").pluck().get() as string;
    expect(bucketsSql).not.toMatch(/WITHOUT ROWID/);
    await fresh.close();

    // A store created before the change: SQLite's default pages, already in WAL mode, with a meta row.
    const oldPath = join(ws.dir, 'pages-old.db');
    const old = new Database(oldPath);
    old.pragma('page_size = 4096');
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID');
    old.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema_version', '1');
    old.close();
    const reopened = new SqliteStore(oldPath);
    expect(reopened.db.pragma('page_size', { simple: true })).toBe(4096);
    expect(reopened.getMeta('schema_version')).toBe('1');
    await reopened.close();
  });
});

describe.skipIf(!withPostgres)('SQLite and PostgreSQL on the same input', () => {
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
  });

  it('give identical summaries, identifier rows and answers', async () => {
    const sqlite = new SqliteStore(join(ws.dir, 'same.db'));
    const schema = freshSchema();
    drops.push(schema.drop);
    const postgres = await PgStore.open(schema.url);
    try {
      const summaries: unknown[] = [];
      for (const store of [sqlite, postgres]) {
        const a = await ingest({ store, pool, keyId: ws.key.keyId, breachId: 'lab-a', files: [files.a], asOf: new Date('2026-11-01'), now: () => new Date('2026-11-20T10:00:00Z') });
        const b = await ingest({ store, pool, keyId: ws.key.keyId, breachId: 'lab-b', files: [files.b], asOf: new Date('2026-11-01'), now: () => new Date('2026-11-20T10:00:00Z') });
        summaries.push([comparable(a), comparable(b)]);
      }
      expect(summaries[1]).toEqual(summaries[0]);
      const [rowsS, rowsP] = [await rowsOf(sqlite), await rowsOf(postgres)];
      expect(rowsP.length).toBe(rowsS.length);
      expect(rowsP).toEqual(rowsS);
      expect((await postgres.breaches()).map((b) => b.stats)).toEqual(sqlite.breaches().map((b) => b.stats));
      const people = [...files.truthA.slice(0, 60), ...files.truthB.slice(0, 20)];
      expect(await answers(await clientOf(postgres), people)).toEqual(await answers(await clientOf(sqlite), people));
    } finally {
      sqlite.close();
      await postgres.close();
    }
  });
});

describe.skipIf(!withPostgres)('PostgreSQL store', () => {
  it('migrates once, even when opened twice at the same time', async () => {
    const schema = freshSchema();
    try {
      const [one, two] = await Promise.all([PgStore.open(schema.url), PgStore.open(schema.url)]);
      await one.setMeta('x', '1');
      expect(await two.getMeta('x')).toBe('1');
      await one.close();
      await two.close();
    } finally {
      await schema.drop();
    }
  });

  it('hides the password of its URL and refuses a bad schema name', () => {
    expect(parsePostgresUrl('postgres://vigie:s3cret@db.example:5432/vigie?schema=prod').display).not.toContain('s3cret');
    expect(() => parsePostgresUrl('postgres://db/vigie?schema=a;drop')).toThrow(/schema/);
  });

  it('names the store it cannot reach, without its password', async () => {
    await expect(PgStore.open('postgres://vigie:s3cret@127.0.0.1:1/vigie')).rejects.toThrow(/cannot open the store postgres:\/\/vigie:\*\*\*@127\.0\.0\.1:1\/vigie/);
  });
});

describe.skipIf(!withPostgres)('vigie notices publish', () => {
  it('copies a breach’s sealed notices from the campaign’s SQLite store into PostgreSQL, and refuses mismatches', async () => {
    const campaignFile = join(ws.dir, 'campaign.db');
    const campaign = new SqliteStore(campaignFile);
    const schema = freshSchema();
    const target = await PgStore.open(schema.url);
    try {
      await ingest({ store: campaign, pool, keyId: ws.key.keyId, breachId: 'lab-b', files: [files.b] });
      await ingest({ store: target, pool, keyId: ws.key.keyId, breachId: 'lab-b', files: [files.b] });
      const notices = Array.from({ length: 5 }, (_, i) => ({ noticeId: randomBytes(16).toString('base64url'), sealed: randomBytes(60 + i) }));
      campaign.replaceNotices('lab-b', notices);
      const run = async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
        const stdout = new PassThrough();
        const stderr = new PassThrough();
        let out = '';
        let err = '';
        stdout.on('data', (d: Buffer) => (out += d.toString()));
        stderr.on('data', (d: Buffer) => (err += d.toString()));
        const code = await main(argv, { stdout, stderr, env: { VIGIE_DB: schema.url, VIGIE_KEY_FILE: ws.keyFile } });
        return { code, out, err };
      };
      const published = await run('notices', 'publish', '--breach', 'lab-b', '--from', campaignFile, '--json');
      expect(published.err).toBe('');
      expect(JSON.parse(published.out)).toEqual({ breachId: 'lab-b', published: 5 });
      for (const n of notices) expect(Buffer.from((await target.notice(n.noticeId))!)).toEqual(Buffer.from(n.sealed));
      // A breach the target does not hold, and a campaign store that does not exist, are refused with one line.
      expect((await run('notices', 'publish', '--breach', 'lab-a', '--from', campaignFile)).code).not.toBe(0);
      const missing = await run('notices', 'publish', '--breach', 'lab-b', '--from', join(ws.dir, 'absent.db'));
      expect(missing.code).not.toBe(0);
      expect(missing.err).toMatch(/no store at/);
      // The commands that need the SQLite store say so with a PostgreSQL VIGIE_DB.
      const status = await run('notices', 'status', '--breach', 'lab-b');
      expect(status.code).not.toBe(0);
      expect(status.err).toMatch(/SQLite store only/);
    } finally {
      campaign.close();
      await target.close();
      await schema.drop();
    }
  });
});
