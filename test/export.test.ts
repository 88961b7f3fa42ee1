// `vigie export`'s module on a real index: the files are the API's exact bytes and nothing else, hold nothing
// readable, appear in an order a reader can trust, keep the previous index for clients in the middle of a check,
// and refuse what they cannot write faithfully.

import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVoprfServer } from '../src/crypto/voprf-server.js';
import { writeNewKeyFile } from '../src/crypto/key-file.js';
import { createEvaluatorPool, type EvaluatorPool } from '../src/index/evaluator-pool.js';
import { exportIndex, type ExportSource } from '../src/index/export.js';
import { ingest } from '../src/index/ingest.js';
import { createLookupService, type LookupService } from '../src/index/lookup-service.js';
import { SqliteStore } from '../src/index/sqlite-store.js';
import { bucketHex } from '../src/lookup/bucket.js';
import type { KeysResponse, Manifest } from '../src/lookup/protocol.js';
import { createApp } from '../src/server/app.js';
import { codeOf, createWorkspace, synthLeak, type TruthPerson, type Workspace } from './helpers.js';

let ws: Workspace;
let store: SqliteStore;
let pool: EvaluatorPool;
let service: LookupService;
let keys: KeysResponse;
let truth: TruthPerson[];
let leak: string;
let outs = 0;

/** A fresh directory to export into. */
const newOut = (): string => join(ws.dir, `export-${++outs}`);

/** Every file under `dir`, as relative paths. */
function filesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else found.push(relative(dir, path));
    }
  };
  walk(dir);
  return found.sort();
}


async function ingestBreach(breachId: string, file: string): Promise<string> {
  return (await ingest({ store, pool, keyId: ws.key.keyId, breachId, files: [file] })).indexId;
}

beforeAll(async () => {
  ws = createWorkspace();
  ({ file: leak, truth } = await synthLeak(ws.dir, 'leak', 1200, 'export-test', true));
  store = new SqliteStore(ws.db);
  pool = await createEvaluatorPool({ secretKey: ws.key.secretKey, threads: 0 });
  await ingestBreach('labos-2021', leak);
  service = createLookupService({ store, server: await createVoprfServer(ws.key.secretKey), keyId: ws.key.keyId });
  keys = await service.keys();
});

afterAll(async () => {
  await pool?.close();
  store?.close();
  ws?.cleanup();
});

describe('vigie export (module)', () => {
  it('writes what the API answers to the same GETs, byte for byte, and nothing else', async () => {
    const out = newOut();
    const summary = await exportIndex({ store, keys, out });
    const manifest = store.manifest()!;
    const count = 2 ** manifest.bucketBits;
    const app = createApp({ service, store, rateLimit: null });
    const same = async (url: string, path: string): Promise<void> => {
      const answer = await app.inject(url);
      expect(answer.statusCode, url).toBe(200);
      expect(readFileSync(join(out, path)).equals(answer.rawPayload), url).toBe(true);
    };
    await same('/v1/keys', 'v1/keys');
    await same('/v1/index', 'v1/index');
    const expected = ['v1/index', 'v1/keys'];
    for (let b = 0; b < count; b++) {
      const hex = bucketHex(b, manifest.bucketBits);
      expect(hex).toMatch(new RegExp(`^[0-9a-f]{${Math.ceil(manifest.bucketBits / 4)}}$`));
      await same(`/v1/indexes/${manifest.indexId}/buckets/${hex}`, `v1/indexes/${manifest.indexId}/buckets/${hex}`);
      expected.push(`v1/indexes/${manifest.indexId}/buckets/${hex}`);
    }
    expect(filesUnder(out)).toEqual(expected.sort());
    expect(summary).toMatchObject({
      indexId: manifest.indexId,
      buckets: count,
      bucketsWritten: count,
      bucketsPresent: 0,
      previousIndexId: null,
      pruned: [],
      bucketBaseUrl: null,
    });
    const onDisk = filesUnder(out).reduce((n, f) => n + statSync(join(out, f)).size, 0);
    expect(summary.bytesWritten).toBe(onDisk);
    expect(summary.bytesTotal).toBe(onDisk);
    await app.close();
  });

  it('holds nothing readable: no NIR, e-mail, phone or name of the file in any exported byte', async () => {
    const out = newOut();
    await exportIndex({ store, keys, out });
    const bytes = Buffer.concat(filesUnder(out).map((f) => readFileSync(join(out, f))));
    const needles = new Set<string>();
    for (const p of truth) {
      needles.add(p.nir.slice(0, 13));
      if (p.email !== null) needles.add(p.email.toLowerCase());
      if (p.phone !== null) needles.add(p.phone.replace(/\D/g, '').slice(-9));
      for (const name of [p.lastName, p.firstName]) if (name.length >= 5) needles.add(name.toUpperCase());
    }
    expect(needles.size).toBeGreaterThan(1000);
    const text = bytes.toString('latin1');
    const upper = text.toUpperCase();
    const found = [...needles].filter((n) => (/[a-z]/i.test(n) ? upper.includes(n.toUpperCase()) : text.includes(n)));
    expect(found).toEqual([]);
  });

  it('names the bucket host in the manifest when asked, as vigie serve announces it; refuses a bad one before writing', async () => {
    const out = newOut();
    const summary = await exportIndex({ store, keys, out, bucketBaseUrl: 'https://CDN.example.fr/vigie/' });
    expect(summary.bucketBaseUrl).toBe('https://cdn.example.fr/vigie');
    const exported = JSON.parse(readFileSync(join(out, 'v1/index'), 'utf8')) as Manifest;
    expect(exported).toEqual({ ...store.manifest()!, bucketBaseUrl: 'https://cdn.example.fr/vigie' });
    const app = createApp({ service, store, rateLimit: null, bucketBaseUrl: summary.bucketBaseUrl });
    expect(readFileSync(join(out, 'v1/index')).equals((await app.inject('/v1/index')).rawPayload)).toBe(true);
    await app.close();

    for (const bad of ['ftp://cdn.example.fr', '/vigie', 'https://cdn.example.fr/?v=1', 'https://user:secret@cdn.example.fr']) {
      const elsewhere = newOut();
      expect(await codeOf(exportIndex({ store, keys, out: elsewhere, bucketBaseUrl: bad })), bad).toBe('E_USAGE');
      expect(existsSync(elsewhere), bad).toBe(false);
    }
  });

  it('rewrites nothing for an unchanged index, keeps the previous index beside a new one, removes older ones', async () => {
    const out = newOut();
    const first = store.currentIndexId()!;
    await exportIndex({ store, keys, out });
    const sample = join(out, 'v1/indexes', first, 'buckets', bucketHex(0, store.manifest()!.bucketBits));
    const before = statSync(sample).mtimeMs;
    const again = await exportIndex({ store, keys, out });
    expect(again).toMatchObject({ bucketsWritten: 0, bucketsPresent: again.buckets, previousIndexId: first, pruned: [] });
    expect(statSync(sample).mtimeMs).toBe(before);
    // Whatever else lives in the directory is the operator's, and stays.
    writeFileSync(join(out, 'README'), 'served by nginx\n');
    mkdirSync(join(out, 'v1/indexes/not-an-index'));

    const [a, b] = truth.slice(0, 2);
    const second = await ingestBreach('second-2022', smallLeak('second', a!));
    const afterSecond = await exportIndex({ store, keys, out });
    expect(afterSecond).toMatchObject({ indexId: second, previousIndexId: first, pruned: [] });
    expect(readdirSync(join(out, 'v1/indexes')).sort()).toEqual([first, second, 'not-an-index'].sort());

    const third = await ingestBreach('third-2023', smallLeak('third', b!));
    const afterThird = await exportIndex({ store, keys, out });
    expect(afterThird).toMatchObject({ indexId: third, previousIndexId: second, pruned: [first] });
    expect(readdirSync(join(out, 'v1/indexes')).sort()).toEqual([second, third, 'not-an-index'].sort());
    expect(JSON.parse(readFileSync(join(out, 'v1/index'), 'utf8')).indexId).toBe(third);
    expect(readFileSync(join(out, 'README'), 'utf8')).toBe('served by nginx\n');
  });

  it('never shows a manifest before all its buckets: a failure mid-way leaves the announced export as it was', async () => {
    const out = newOut();
    const old = store.currentIndexId()!;
    await exportIndex({ store, keys, out });
    const announced = readFileSync(join(out, 'v1/index'));
    const newest = await ingestBreach('fourth-2024', smallLeak('fourth', truth[2]!));
    const count = 2 ** store.manifest()!.bucketBits;
    let served = 0;
    const failing: ExportSource = {
      currentIndexId: () => store.currentIndexId(),
      manifest: (id) => store.manifest(id),
      bucket: async (id, n) => {
        if (++served > count / 2) throw new Error('disk went away');
        return store.bucket(id, n);
      },
    };
    await expect(exportIndex({ store: failing, keys, out, concurrency: 1 })).rejects.toThrow('disk went away');
    expect(readFileSync(join(out, 'v1/index')).equals(announced)).toBe(true);
    expect(readdirSync(join(out, 'v1/indexes'))).toContain(old);
    const partial = readdirSync(join(out, 'v1/indexes', newest, 'buckets'));
    expect(partial.length).toBe(Math.floor(count / 2));
    expect(partial.filter((name) => name.endsWith('.tmp'))).toEqual([]);
    // Running it again finishes the job, writing only what was missing.
    const resumed = await exportIndex({ store, keys, out });
    expect(resumed).toMatchObject({ indexId: newest, bucketsWritten: count - partial.length, previousIndexId: old });
  });

  it('refuses: no index, a key file of another key, a bucket of the wrong size, an --out that is a file', async () => {
    const empty = new SqliteStore(join(ws.dir, 'empty.db'));
    expect(await codeOf(exportIndex({ store: empty, keys, out: newOut() }))).toBe('E_NO_INDEX');
    empty.close();

    const otherKey = writeNewKeyFile(join(ws.dir, 'other.key'));
    const otherKeys = await createLookupService({ store, server: await createVoprfServer(otherKey.secretKey), keyId: otherKey.keyId }).keys();
    expect(await codeOf(exportIndex({ store, keys: otherKeys, out: newOut() }))).toBe('E_KEY_FILE');

    const short: ExportSource = { ...storeSource(), bucket: (id, n) => store.bucket(id, n)?.subarray(1) ?? null };
    expect(await codeOf(exportIndex({ store: short, keys, out: newOut() }))).toBe('E_STORE');

    const file = join(ws.dir, 'a-file');
    writeFileSync(file, 'x');
    expect(await codeOf(exportIndex({ store, keys, out: file }))).toBe('E_CONFIG');
  });
});

function storeSource(): ExportSource {
  return { currentIndexId: () => store.currentIndexId(), manifest: (id) => store.manifest(id), bucket: (id, n) => store.bucket(id, n) };
}

/** A one-row leak of another breach, so that an ingest publishes a new index quickly. */
function smallLeak(name: string, person: TruthPerson): string {
  const file = join(ws.dir, `${name}.csv`);
  writeFileSync(file, `NOM;PRENOM;DATE_NAISSANCE;NIR\n${person.lastName};${person.firstName};${person.birthDate};${person.nir}\n`);
  return file;
}
