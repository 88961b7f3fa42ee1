// Builds an immutable index version from the identifiers table (DESIGN §4): one entry per distinct y across all
// breaches, sealed under a key only y opens, placed in uniform buckets padded with random dummies, then published
// atomically by the caller's transaction. The main thread reads the store and writes buckets; the workers seal
// entries and make buckets.

import { randomBytes } from 'node:crypto';
import { VigieError } from '../errors.js';
import { categoriesOf } from '../identifiers/categories.js';
import type { EntryPayload, Manifest } from '../lookup/protocol.js';
import { GCM_TAG_BYTES, TAG_BYTES } from '../lookup/protocol.js';
import { chooseBucketBits } from '../lookup/bucket.js';
import { createBucketSpill, type BucketSpill } from './bucket-spill.js';
import type { EvaluatorPool } from './evaluator-pool.js';
import type { SealResult } from './evaluator-core.js';
import { createOrderedPipeline } from './ordered-pipeline.js';
import { Y_BYTES } from './evaluator-core.js';
import type { BuildTarget } from './store.js';

const SEAL_BATCH = 8192;
/** Categories are a 12-bit mask: (breach, categories) as one number is breach × CATS_RANGE + categories. */
const CATS_RANGE = 1 << 16;
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
  const window = Math.max(2, pool.threads * 2);

  // First pass: identifiers in key order (y, breach), so the rows of one y are adjacent and no sort is needed; the
  // workers seal each y's entry under the new index id and tell its bucket (only the key can: the store keeps masked
  // prefixes); entries are spilled by bucket group.
  const spill = createBucketSpill(bucketCount, entrySize);
  try {
    const sealing = createOrderedPipeline<SealResult>(window, ({ buckets, entries }) => spill.add(buckets, entries));
    let ys = Buffer.alloc(SEAL_BATCH * Y_BYTES);
    let prefixes = new Uint32Array(SEAL_BATCH);
    let payloadIndex = new Uint16Array(SEAL_BATCH);
    let payloadTable: string[] = [];
    // Per batch: each (breach, categories) key's place in the batch's payload table.
    let tableIndex = new Map<number | string, number>();
    let count = 0;
    const flush = async (): Promise<void> => {
      if (count === 0) return;
      const job = {
        indexId,
        bucketBits,
        plaintextSize,
        ys: ys.subarray(0, count * Y_BYTES),
        maskedPrefixes: prefixes.subarray(0, count),
        payloadTable,
        payloadIndex: payloadIndex.subarray(0, count),
      };
      ys = Buffer.alloc(SEAL_BATCH * Y_BYTES);
      prefixes = new Uint32Array(SEAL_BATCH);
      payloadIndex = new Uint16Array(SEAL_BATCH);
      payloadTable = [];
      tableIndex = new Map();
      count = 0;
      await sealing.push(pool.seal(job));
    };

    // The current y (its rows are adjacent) and what was found for it: (breach, categories) pairs.
    const currentY = Buffer.alloc(Y_BYTES);
    let haveY = false;
    let currentPrefix = 0;
    const foundNums: number[] = [];
    const foundCats: number[] = [];
    let sealed = 0;
    // Few distinct (breach, categories) combinations exist: their JSON is computed once, under a number when the y
    // was found in one breach (the common case), else under a string naming every pair.
    const payloadCache = new Map<number | string, string>();
    const push = async (): Promise<void> => {
      if (!haveY || foundNums.length === 0) return;
      currentY.copy(ys, count * Y_BYTES);
      prefixes[count] = currentPrefix;
      let key: number | string = foundNums[0]! * CATS_RANGE + foundCats[0]!;
      for (let f = 1; f < foundNums.length; f++) key = `${key};${foundNums[f]!}:${foundCats[f]!}`;
      let index = tableIndex.get(key);
      if (index === undefined) {
        let payload = payloadCache.get(key);
        if (payload === undefined) {
          const found = foundNums.map((num, f) => ({ id: byNum.get(num)!.id, cats: foundCats[f]! }));
          payload = payloadJson(found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
          if (payloadCache.size > 100_000) payloadCache.clear();
          payloadCache.set(key, payload);
        }
        index = payloadTable.push(payload) - 1;
        tableIndex.set(key, index);
      }
      payloadIndex[count++] = index;
      sealed++;
      if (count === SEAL_BATCH) await flush();
    };

    for await (const chunk of target.identifiersByY()) {
      for (let i = 0; i < chunk.count; i++) {
        const at = i * Y_BYTES;
        if (!haveY || chunk.ys.compare(currentY, 0, Y_BYTES, at, at + Y_BYTES) !== 0) {
          await push();
          chunk.ys.copy(currentY, 0, at, at + Y_BYTES);
          haveY = true;
          currentPrefix = chunk.prefixes[i]!;
          foundNums.length = 0;
          foundCats.length = 0;
        }
        const cats = chunk.cats[i]!;
        if (byNum.has(chunk.breaches[i]!) && cats !== 0) {
          foundNums.push(chunk.breaches[i]!);
          foundCats.push(cats);
        }
      }
    }
    await push();
    await flush();
    await sealing.drain();
    spill.finish();

    const counted = spill.counts.reduce((n, c) => n + c, 0);
    if (counted !== sealed || sealed > distinct) throw new VigieError('E_STORE', `index build: ${counted} entries placed in buckets, ${sealed} sealed, ${distinct} identifiers`);
    const entriesPerBucket = await writeBuckets(target, pool, spill, { indexId, entrySize, bucketCount, window });

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
  } finally {
    spill.close();
  }
}

/**
 * Second pass of the build: each group's buckets made on a worker (padded to the fullest bucket with random dummies,
 * entries in byte order) and written in bucket order while the workers make the next groups. Returns the padding.
 */
async function writeBuckets(
  target: BuildTarget,
  pool: EvaluatorPool,
  spill: BucketSpill,
  { indexId, entrySize, bucketCount, window }: { indexId: string; entrySize: number; bucketCount: number; window: number },
): Promise<number> {
  let entriesPerBucket = 1;
  for (const c of spill.counts) if (c > entriesPerBucket) entriesPerBucket = c;
  const bucketBytes = entriesPerBucket * entrySize;
  const writing = createOrderedPipeline<{ firstBucket: number; data: Uint8Array }>(window, async ({ firstBucket, data }) => {
    const buckets = data.length / bucketBytes;
    for (let b = 0; b < buckets; b++) {
      const written = target.writeBucket(indexId, firstBucket + b, Buffer.from(data.buffer, data.byteOffset + b * bucketBytes, bucketBytes));
      if (written !== undefined) await written;
    }
  });
  for (let g = 0; g < spill.groups; g++) {
    const firstBucket = g * spill.bucketsPerGroup;
    const buckets = Math.min(spill.bucketsPerGroup, bucketCount - firstBucket);
    if (buckets <= 0) break;
    const records = spill.readGroup(g);
    await writing.push(pool.assemble({ records, firstBucket, buckets, entriesPerBucket, entrySize }).then((data) => ({ firstBucket, data })));
  }
  await writing.drain();
  return entriesPerBucket;
}
