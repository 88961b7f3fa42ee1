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
import type { BuildTarget } from './store.js';

const SEAL_BATCH = 8192;
/** Older index versions kept after a publication, for clients in the middle of a check. */
export const KEEP_PREVIOUS = 1;

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

/** Must run inside the caller's write transaction (the target); returns the manifest, already marked current. */
export async function buildIndex(target: BuildTarget, pool: EvaluatorPool, options: BuildOptions): Promise<Manifest> {
  const now = options.now ?? (() => new Date());
  const indexId = options.indexId ?? randomBytes(16).toString('hex');
  const breaches = (await target.breaches()).filter((b) => b.categories !== 0);
  const byNum = new Map(breaches.map((b) => [b.num, b]));
  const distinct = await target.distinctIdentifiers();
  const bucketBits = chooseBucketBits(distinct);
  const plaintextSize = plaintextSizeFor(breaches);
  const entrySize = TAG_BYTES + plaintextSize + GCM_TAG_BYTES;
  const bucketCount = 2 ** bucketBits;

  // The target yields identifiers sorted by bucket, which only the key tells (the store keeps masked prefixes), and
  // counts distinct identifiers per bucket before the first row, so the padding is known before the first bucket.
  const counts = new Uint32Array(bucketCount);
  const bucketOf = (y: Buffer, prefix: number): number => bucketOfPrefix(pool.unmaskPrefix(y, prefix), bucketBits);
  let entriesPerBucket = 1;

  // Buckets are written in order as sealed entries come back from the workers, while they seal the next batches:
  // every bucket padded to the fullest one with random dummies, entries in byte order so that position says nothing
  // about which are real.
  let writing = 0;
  let pending: Uint8Array[] = [];
  // Dummies are random bytes (DESIGN §4): an AES-256-CTR keystream under a fresh random key and IV, a CSPRNG
  // construction (as in NIST SP 800-90A's CTR_DRBG) many times faster than a randomBytes call per bucket here.
  const dummyStream = createCipheriv('aes-256-ctr', randomBytes(32), randomBytes(16));
  const writeBucket = (bucket: number, entries: Uint8Array[]): void | Promise<void> => {
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
    return target.writeBucket(indexId, bucket, data);
  };
  const pipeline = createOrderedPipeline<{ sealed: SealResult; expected: Uint32Array }>(
    Math.max(2, pool.threads * 2),
    async ({ sealed: { buckets, entries }, expected }) => {
      for (let i = 0; i < buckets.length; i++) {
        const bucket = buckets[i]!;
        // The worker unmasks the prefix on its own: a worker with another key would disagree here.
        if (bucket !== expected[i]) throw new VigieError('E_STORE', 'index build: a worker placed an entry in another bucket');
        if (bucket < writing) throw new VigieError('E_STORE', 'index build: entries out of bucket order');
        while (writing < bucket) {
          const written = writeBucket(writing++, pending);
          if (written !== undefined) await written;
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

  let first = true;
  for await (const chunk of target.sortedByBucket(bucketOf, counts)) {
    if (first) {
      first = false;
      const counted = counts.reduce((n, c) => n + c, 0);
      if (counted !== distinct) throw new VigieError('E_STORE', `index build: counted ${counted} identifiers in buckets, expected ${distinct}`);
      for (const c of counts) if (c > entriesPerBucket) entriesPerBucket = c;
    }
    for (const [y, breachNum, prefix, cats, bucket] of chunk) {
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
  }
  await push();
  await flush();
  await pipeline.drain();
  while (writing < bucketCount) {
    await writeBucket(writing++, pending);
    pending = [];
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
  await target.publish(manifest, KEEP_PREVIOUS);
  return manifest;
}
