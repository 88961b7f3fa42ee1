// Builds an immutable index version from the identifiers table (DESIGN §4): one entry per distinct y across all
// breaches, sealed under a key only y opens, placed in uniform buckets padded with random dummies, then published
// atomically by the caller's transaction.

import { randomBytes } from 'node:crypto';
import { categoriesOf } from '../identifiers/categories.js';
import type { EntryPayload, Manifest } from '../lookup/protocol.js';
import { GCM_TAG_BYTES, TAG_BYTES } from '../lookup/protocol.js';
import { chooseBucketBits } from '../lookup/bucket.js';
import type { EvaluatorPool } from './evaluator-pool.js';
import type { SealResult } from './evaluator-core.js';
import { createOrderedPipeline } from './ordered-pipeline.js';
import { Y_BYTES } from './evaluator-core.js';
import { openScratch, type SqliteStore } from './sqlite-store.js';

const SEAL_BATCH = 8192;
const READ_PAGE = 16384;
/** Older index versions kept after a publication, for clients in the middle of a check. */
const KEEP_PREVIOUS = 1;

export interface BuildOptions {
  keyId: string;
  indexId?: string;
  now?: () => Date;
}

interface BreachRef {
  num: number;
  id: string;
  title: string;
  categories: number;
}

/** The sealed plaintext of an entry: breaches sorted by id, categories in their canonical order. */
export function payloadJson(breaches: readonly { id: string; cats: number }[]): string {
  const payload: EntryPayload = { b: breaches.map((b) => ({ id: b.id, c: categoriesOf(b.cats) })) };
  return JSON.stringify(payload);
}

function plaintextSizeFor(breaches: readonly BreachRef[]): number {
  // Upper bound: an identifier found in every breach with every category of each. Rounded to 16 bytes.
  const longest = Buffer.byteLength(payloadJson(breaches.map((b) => ({ id: b.id, cats: b.categories }))), 'utf8');
  return Math.ceil(longest / 16) * 16;
}

/** Must run inside the caller's write transaction; returns the manifest, already marked current. */
export async function buildIndex(store: SqliteStore, pool: EvaluatorPool, options: BuildOptions): Promise<Manifest> {
  const db = store.db;
  const now = options.now ?? (() => new Date());
  const indexId = options.indexId ?? randomBytes(16).toString('hex');
  const breaches = (db.prepare('SELECT num, id, title, categories FROM breaches ORDER BY id').all() as BreachRef[]).filter(
    (b) => b.categories !== 0,
  );
  const byNum = new Map(breaches.map((b) => [b.num, b]));
  const distinct = (db.prepare('SELECT count(DISTINCT y) AS n FROM identifiers').get() as { n: number }).n;
  const bucketBits = chooseBucketBits(distinct);
  const plaintextSize = plaintextSizeFor(breaches);
  const entrySize = TAG_BYTES + plaintextSize + GCM_TAG_BYTES;
  const bucketCount = 2 ** bucketBits;
  const counts = new Uint32Array(bucketCount);

  // Entries are appended to a scratch database, then read back sorted by bucket (SQLite's external merge sort), so
  // that memory does not grow with the number of identifiers.
  const scratch = openScratch();
  scratch.exec('CREATE TABLE staging (bucket INTEGER NOT NULL, entry BLOB NOT NULL)');
  const stage = scratch.prepare('INSERT INTO staging (bucket, entry) VALUES (?, ?)');
  scratch.exec('BEGIN');
  let entriesPerBucket = 1;
  try {

  // Pass 1: seal every distinct identifier (in the worker threads), stage the entries by bucket.
  let ys = Buffer.alloc(SEAL_BATCH * Y_BYTES);
  let prefixes = new Uint32Array(SEAL_BATCH);
  let payloads: string[] = [];
  const pipeline = createOrderedPipeline<SealResult>(Math.max(2, pool.threads * 2), ({ buckets, entries }) => {
    for (let i = 0; i < buckets.length; i++) {
      const bucket = buckets[i]!;
      counts[bucket]!++;
      stage.run(bucket, entries.subarray(i * entrySize, (i + 1) * entrySize));
    }
  });

  const flush = async (): Promise<void> => {
    if (payloads.length === 0) return;
    const job = {
      indexId,
      bucketBits,
      plaintextSize,
      ys: ys.subarray(0, payloads.length * Y_BYTES),
      maskedPrefixes: prefixes.subarray(0, payloads.length),
      payloads,
    };
    ys = Buffer.alloc(SEAL_BATCH * Y_BYTES);
    prefixes = new Uint32Array(SEAL_BATCH);
    payloads = [];
    // Entries are staged in submission order so that the build is deterministic for a given indexId.
    await pipeline.push(pool.seal(job));
  };

  let currentY: Buffer | null = null;
  let currentPrefix = 0;
  let found: { id: string; cats: number }[] = [];
  let foundKey = '';
  // Few distinct (breach, categories) combinations exist: their JSON is computed once.
  const payloadCache = new Map<string, string>();
  const push = async (): Promise<void> => {
    if (currentY === null || found.length === 0) return;
    const i = payloads.length;
    currentY.copy(ys, i * Y_BYTES);
    prefixes[i] = currentPrefix;
    let payload = payloadCache.get(foundKey);
    if (payload === undefined) {
      payload = payloadJson(found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
      if (payloadCache.size > 100_000) payloadCache.clear();
      payloadCache.set(foundKey, payload);
    }
    payloads.push(payload);
    if (payloads.length === SEAL_BATCH) await flush();
  };

  // Keyset pagination: better-sqlite3 cannot write (staging) while a read cursor is open.
  const first = db.prepare('SELECT y, breach, prefix, cats FROM identifiers ORDER BY y, breach LIMIT ?').raw(true);
  const after = db
    .prepare('SELECT y, breach, prefix, cats FROM identifiers WHERE (y, breach) > (?, ?) ORDER BY y, breach LIMIT ?')
    .raw(true);
  let page = first.all(READ_PAGE) as [Buffer, number, number, number][];
  while (page.length > 0) {
    for (const [y, breachNum, prefix, cats] of page) {
      if (currentY === null || !y.equals(currentY)) {
        await push();
        currentY = y;
        currentPrefix = prefix;
        found = [];
        foundKey = '';
      }
      const breach = byNum.get(breachNum);
      if (breach !== undefined && cats !== 0) {
        found.push({ id: breach.id, cats });
        foundKey += `${breachNum}:${cats};`;
      }
    }
    const last = page[page.length - 1]!;
    page = page.length < READ_PAGE ? [] : (after.all(last[0], last[1], READ_PAGE) as [Buffer, number, number, number][]);
  }
  await push();
  await flush();
  await pipeline.drain();

  // Pass 2: every bucket padded to the fullest one with random dummies, entries in byte order so that position
  // says nothing about which are real.
  for (const c of counts) if (c > entriesPerBucket) entriesPerBucket = c;
  const insertBucket = db.prepare('INSERT INTO buckets (index_id, bucket, data) VALUES (?, ?, ?)');
  scratch.exec('COMMIT');
  const staged = scratch.prepare('SELECT bucket, entry FROM staging ORDER BY bucket').raw(true);
  const iterator = staged.iterate() as IterableIterator<[number, Buffer]>;
  let next = iterator.next();
  for (let bucket = 0; bucket < bucketCount; bucket++) {
    const entries: Buffer[] = [];
    while (!next.done && next.value[0] === bucket) {
      entries.push(next.value[1]);
      next = iterator.next();
    }
    const dummies = randomBytes((entriesPerBucket - entries.length) * entrySize);
    for (let d = 0; d < entriesPerBucket - entries.length; d++) entries.push(dummies.subarray(d * entrySize, (d + 1) * entrySize));
    entries.sort(Buffer.compare);
    insertBucket.run(indexId, bucket, Buffer.concat(entries, entriesPerBucket * entrySize));
  }
  } finally {
    scratch.close();
  }

  const manifest: Manifest = {
    indexId,
    keyId: options.keyId,
    bucketBits,
    entrySize,
    entriesPerBucket,
    breaches: breaches.map((b) => ({ id: b.id, title: b.title, categories: categoriesOf(b.categories) })),
    createdAt: now().toISOString(),
  };
  db.prepare('INSERT INTO indexes (id, key_id, manifest, created_at) VALUES (?, ?, ?, ?)').run(
    indexId,
    options.keyId,
    JSON.stringify(manifest),
    manifest.createdAt,
  );
  const previous = store.currentIndexId();
  store.setMeta('current_index', indexId);
  pruneIndexes(store, [indexId, ...(previous === null ? [] : [previous])].slice(0, 1 + KEEP_PREVIOUS));
  return manifest;
}

function pruneIndexes(store: SqliteStore, keep: string[]): void {
  const old = (store.db.prepare('SELECT id FROM indexes').all() as { id: string }[]).map((r) => r.id).filter((id) => !keep.includes(id));
  for (const id of old) {
    store.db.prepare('DELETE FROM buckets WHERE index_id = ?').run(id);
    store.db.prepare('DELETE FROM indexes WHERE id = ?').run(id);
  }
}
