// Builds an immutable index version from the identifiers table (DESIGN §4): one entry per distinct y across all
// breaches, sealed under a key only y opens, placed in uniform buckets padded with random dummies, then published
// atomically by the caller's transaction.

import { createCipheriv, randomBytes } from 'node:crypto';
import { VigieError } from '../errors.js';
import { categoriesOf } from '../identifiers/categories.js';
import type { EntryPayload, Manifest } from '../lookup/protocol.js';
import { GCM_TAG_BYTES, TAG_BYTES } from '../lookup/protocol.js';
import { bucketOfPrefix, chooseBucketBits } from '../lookup/bucket.js';
import type { EvaluatorPool } from './evaluator-pool.js';
import type { SealResult } from './evaluator-core.js';
import { createOrderedPipeline } from './ordered-pipeline.js';
import { Y_BYTES } from './evaluator-core.js';
import type { SqliteStore } from './sqlite-store.js';

const SEAL_BATCH = 8192;
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

  // Identifiers come out of SQLite sorted by bucket (its external merge sort, so memory does not grow with their
  // number): the bucket is computed by a SQL function that unmasks the stored prefix with the key (the store alone
  // cannot tell buckets). The function also counts distinct identifiers per bucket while SQLite fills its sorter:
  // the table is scanned in primary-key order (y, breach), so the rows of one y are adjacent. The sort completes
  // before the first row is returned, so the counts, hence the padding, are known before the first bucket is written.
  const counts = new Uint32Array(bucketCount);
  let counted = 0;
  let lastCounted: Buffer | null = null;
  db.function('vigie_bucket', (y: unknown, prefix: unknown) => {
    if (!Buffer.isBuffer(y) || y.length !== Y_BYTES || typeof prefix !== 'number') throw new TypeError('vigie_bucket(y, prefix): bad arguments');
    const bucket = bucketOfPrefix(pool.unmaskPrefix(y, prefix), bucketBits);
    if (lastCounted === null || !y.equals(lastCounted)) {
      counts[bucket]!++;
      counted++;
      lastCounted = y;
    }
    return bucket;
  });
  const sorted = db.prepare('SELECT y, breach, prefix, cats, vigie_bucket(y, prefix) AS b FROM identifiers ORDER BY b, y, breach').raw(true);
  const insertBucket = db.prepare('INSERT INTO buckets (index_id, bucket, data) VALUES (?, ?, ?)');
  let entriesPerBucket = 1;

  // Buckets are written in order as sealed entries come back from the workers, while they seal the next batches:
  // every bucket padded to the fullest one with random dummies, entries in byte order so that position says nothing
  // about which are real.
  let writing = 0;
  let pending: Uint8Array[] = [];
  // Dummies are random bytes (DESIGN §4): an AES-256-CTR keystream under a fresh random key and IV, a CSPRNG
  // construction (as in NIST SP 800-90A's CTR_DRBG) many times faster than a randomBytes call per bucket here.
  const dummyStream = createCipheriv('aes-256-ctr', randomBytes(32), randomBytes(16));
  const writeBucket = (bucket: number, entries: Uint8Array[]): void => {
    if (entries.length > entriesPerBucket) throw new VigieError('E_STORE', `index build: bucket ${bucket} holds more entries than counted`);
    const missing = entriesPerBucket - entries.length;
    if (missing > 0) {
      const dummies = dummyStream.update(Buffer.alloc(missing * entrySize));
      for (let d = 0; d < missing; d++) entries.push(dummies.subarray(d * entrySize, (d + 1) * entrySize));
    }
    // Byte order, compared on the first four bytes first (uniformly random in every entry: a tag or a dummy).
    const keys = entries.map((e) => ((e[0]! << 24) | (e[1]! << 16) | (e[2]! << 8) | e[3]!) >>> 0);
    const order = entries.map((_, i) => i);
    order.sort((a, b) => keys[a]! - keys[b]! || Buffer.compare(entries[a]!, entries[b]!));
    const data = Buffer.allocUnsafe(entriesPerBucket * entrySize);
    order.forEach((i, position) => data.set(entries[i]!, position * entrySize));
    insertBucket.run(indexId, bucket, data);
  };
  const pipeline = createOrderedPipeline<{ sealed: SealResult; expected: Uint32Array }>(
    Math.max(2, pool.threads * 2),
    ({ sealed: { buckets, entries }, expected }) => {
      for (let i = 0; i < buckets.length; i++) {
        const bucket = buckets[i]!;
        // The worker unmasks the prefix on its own: a worker with another key would disagree here.
        if (bucket !== expected[i]) throw new VigieError('E_STORE', 'index build: a worker placed an entry in another bucket');
        if (bucket < writing) throw new VigieError('E_STORE', 'index build: entries out of bucket order');
        while (writing < bucket) {
          writeBucket(writing++, pending);
          pending = [];
        }
        pending.push(entries.subarray(i * entrySize, (i + 1) * entrySize));
      }
    },
  );

  let ys = Buffer.alloc(SEAL_BATCH * Y_BYTES);
  let prefixes = new Uint32Array(SEAL_BATCH);
  let expected = new Uint32Array(SEAL_BATCH);
  let payloads: string[] = [];
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
    const batchExpected = expected.subarray(0, payloads.length);
    ys = Buffer.alloc(SEAL_BATCH * Y_BYTES);
    prefixes = new Uint32Array(SEAL_BATCH);
    expected = new Uint32Array(SEAL_BATCH);
    payloads = [];
    await pipeline.push(pool.seal(job).then((sealed) => ({ sealed, expected: batchExpected })));
  };

  let currentY: Buffer | null = null;
  let currentPrefix = 0;
  let currentBucket = 0;
  let found: { id: string; cats: number }[] = [];
  let foundKey = '';
  // Few distinct (breach, categories) combinations exist: their JSON is computed once.
  const payloadCache = new Map<string, string>();
  const push = async (): Promise<void> => {
    if (currentY === null || found.length === 0) return;
    const i = payloads.length;
    currentY.copy(ys, i * Y_BYTES);
    prefixes[i] = currentPrefix;
    expected[i] = currentBucket;
    let payload = payloadCache.get(foundKey);
    if (payload === undefined) {
      payload = payloadJson(found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
      if (payloadCache.size > 100_000) payloadCache.clear();
      payloadCache.set(foundKey, payload);
    }
    payloads.push(payload);
    if (payloads.length === SEAL_BATCH) await flush();
  };

  // Buckets are inserted while the sorted cursor is open, which better-sqlite3 allows only in its unsafe mode:
  // safe here, since the cursor reads SQLite's sorter (filled before the first row), not the buckets table.
  db.unsafeMode(true);
  try {
    let first = true;
    for (const [y, breachNum, prefix, cats, bucket] of sorted.iterate() as IterableIterator<[Buffer, number, number, number, number]>) {
      if (first) {
        first = false;
        if (counted !== distinct) throw new VigieError('E_STORE', `index build: counted ${counted} identifiers in buckets, expected ${distinct}`);
        for (const c of counts) if (c > entriesPerBucket) entriesPerBucket = c;
      }
      if (currentY === null || !y.equals(currentY)) {
        await push();
        currentY = y;
        currentPrefix = prefix;
        currentBucket = bucket;
        found = [];
        foundKey = '';
      }
      const breach = byNum.get(breachNum);
      if (breach !== undefined && cats !== 0) {
        found.push({ id: breach.id, cats });
        foundKey += `${breachNum}:${cats};`;
      }
    }
    await push();
    await flush();
    await pipeline.drain();
    while (writing < bucketCount) {
      writeBucket(writing++, pending);
      pending = [];
    }
  } finally {
    db.unsafeMode(false);
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
