// The CPU-bound work of an ingest and of an index build, written once and run either in worker threads
// (evaluator-pool.ts) or inline: OPRF evaluation of canonical identifiers, bucket prefixes, sealing of entries.

import { hkdfSync, randomFillSync } from 'node:crypto';
import { ELEMENT_BYTES } from '../crypto/suite.js';
import { createVoprfServer } from '../crypto/voprf-server.js';
import { finish, SHA256_IV } from '../crypto/sha256-blocks.js';
import { sodiumHashes, type SodiumHashes } from '../crypto/sodium-sha256.js';
import { BUCKET_DOMAIN, bucketOfPrefix } from '../lookup/bucket.js';
import { RECORD_HEADER } from './bucket-spill.js';
import { GCM_TAG_BYTES, TAG_BYTES } from '../lookup/protocol.js';

export const Y_BYTES = 64;

export interface EvaluateJob {
  kind: 'evaluate';
  /**
   * The canonical identifiers joined by line feeds: one string crosses to a worker as one copy, where an array of
   * strings is cloned item by item, and is encoded once. Canonical forms never hold a line feed (checked: `count`).
   */
  canonicals: string;
  count: number;
}

export interface EvaluateResult {
  /** n × 64 bytes: the OPRF output y of each canonical (DESIGN §4). */
  ys: Uint8Array;
  /** The bucket prefix of each canonical, masked with a keyed PRF of y (see maskFor). */
  maskedPrefixes: Uint32Array;
}

export interface SealJob {
  kind: 'seal';
  indexId: string;
  bucketBits: number;
  plaintextSize: number;
  /** n × 64 bytes. */
  ys: Uint8Array;
  maskedPrefixes: Uint32Array;
  /** The distinct JSON payloads of the batch, each at most plaintextSize bytes once encoded. */
  payloadTable: string[];
  /** Per y, its payload's index in payloadTable. */
  payloadIndex: Uint16Array;
}

export interface SealResult {
  buckets: Uint32Array;
  /** n × entrySize bytes: tag || AES-256-GCM(sealKey, padded payload). */
  entries: Uint8Array;
}

/** A server's BlindEvaluateBatch (RFC 9497 §3.3.2), for `vigie serve` off its event loop. */
export interface BlindJob {
  kind: 'blind';
  /** n × 32 bytes: the blinded elements, as received (checked by the worker before any scalar work). */
  elements: Uint8Array;
}

export interface BlindResult {
  /** n × 32 bytes: the evaluated elements, in order. */
  evaluated: Uint8Array;
  /** The batch's one DLEQ proof (RFC 9497 §2.2.1), 64 bytes. */
  proof: Uint8Array;
}

/** Makes a group of consecutive buckets from its spilled records (bucket-spill.ts): pads and orders each one. */
export interface AssembleJob {
  kind: 'assemble';
  /** Records of RECORD_HEADER + entrySize bytes: the bucket number (little-endian), then the sealed entry. */
  records: Uint8Array;
  firstBucket: number;
  buckets: number;
  entriesPerBucket: number;
  entrySize: number;
}

export interface EvaluatorCore {
  evaluate(job: EvaluateJob): EvaluateResult;
  seal(job: SealJob): SealResult;
  /**
   * `buckets` × `entriesPerBucket` × `entrySize` bytes: each bucket's real entries and random dummies (DESIGN §4:
   * dummies are random bytes of the same size), in byte order, so that a position says nothing about which are real.
   */
  assemble(job: AssembleJob): Uint8Array;
  /** Throws RangeError when an element is not a canonical, non-identity ristretto255 encoding. */
  blindEvaluate(job: BlindJob): BlindResult;
}

const encoder = new TextEncoder();
const bucketDomain = encoder.encode(BUCKET_DOMAIN);

/**
 * The store keeps each identifier's bucket prefix so that an index can be rebuilt from y alone, but an unkeyed
 * hash prefix of a low-entropy identifier (a NIR) would let a database thief confirm guesses offline. So the prefix
 * is stored XOR a PRF of y under a key derived from the OPRF secret: without the key file it is uniform noise.
 */
export function createMasker(secretKey: Uint8Array, hashes: SodiumHashes): (y: Uint8Array) => number {
  const maskKey = new Uint8Array(hkdfSync('sha256', secretKey, new Uint8Array(0), 'vigie/v1/store-bucket-mask', 32));
  // SHA-256(key || y) over a fixed-length y is a PRF (length extension needs attacker-chosen lengths); two
  // compressions, on libsodium's WebAssembly (sodium-sha256.ts: 0.7 µs, against 0.9 µs in JavaScript and more for a
  // node:crypto call).
  const scratch = new Uint8Array(maskKey.length + Y_BYTES);
  scratch.set(maskKey, 0);
  maskKey.fill(0);
  const digest = new Uint8Array(32);
  return (y) => {
    if (y.length !== Y_BYTES) throw new RangeError(`"y" expected ${Y_BYTES} bytes, got ${y.length}`);
    scratch.set(y, 32);
    hashes.sha256Into(scratch, digest, 0);
    scratch.fill(0, 32);
    return readUint32(digest);
  };
}

const readUint32 = (bytes: Uint8Array): number => ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;

/**
 * First 32 bits of SHA-256("vigie/v1/bucket" || canonical) (DESIGN §4), reusing one buffer. In JavaScript
 * (sha256-blocks.ts): most canonical forms fit one block, 0.5 µs, where a call into libsodium costs 0.7 µs.
 */
function createBucketPrefixer(): (input: Uint8Array) => number {
  let scratch = new Uint8Array(256);
  scratch.set(bucketDomain, 0);
  const digest = new Uint8Array(32);
  return (input) => {
    const n = bucketDomain.length + input.length;
    if (n > scratch.length) {
      scratch = new Uint8Array(2 * n);
      scratch.set(bucketDomain, 0);
    }
    scratch.set(input, bucketDomain.length);
    finish(SHA256_IV, 0, scratch.subarray(0, n), digest, 0);
    scratch.fill(0, bucketDomain.length, n);
    return readUint32(digest);
  };
}

export async function createEvaluatorCore(secretKey: Uint8Array): Promise<EvaluatorCore> {
  const server = await createVoprfServer(secretKey);
  const hashes = await sodiumHashes();
  const maskFor = createMasker(secretKey, hashes);
  const bucketPrefix = createBucketPrefixer();

  return {
    evaluate({ canonicals, count }) {
      const n = count;
      const ys = new Uint8Array(n * Y_BYTES);
      const maskedPrefixes = new Uint32Array(n);
      const bytes = encoder.encode(canonicals);
      if (n === 0 && bytes.length > 0) throw new RangeError('evaluate: more canonical forms than counted');
      let start = 0;
      for (let i = 0; i < n; i++) {
        // Forms 0..n-2 end at a line feed, the last one at the end: a line feed missing or left over is a miscount.
        const last = i === n - 1;
        const end = last ? bytes.length : bytes.indexOf(0x0a, start);
        if (end === -1) throw new RangeError('evaluate: fewer canonical forms than counted');
        if (last && bytes.indexOf(0x0a, start) !== -1) throw new RangeError('evaluate: more canonical forms than counted (one holds a line feed)');
        const input = bytes.subarray(start, end);
        start = end + 1;
        const y = server.evaluate(input);
        ys.set(y, i * Y_BYTES);
        const prefix = bucketPrefix(input);
        maskedPrefixes[i] = (prefix ^ maskFor(y)) >>> 0;
      }
      bytes.fill(0); // identifiers should not linger in memory longer than needed
      return { ys, maskedPrefixes };
    },

    seal({ indexId, bucketBits, plaintextSize, ys, maskedPrefixes, payloadTable, payloadIndex }) {
      const n = payloadIndex.length;
      const entrySize = TAG_BYTES + plaintextSize + GCM_TAG_BYTES;
      const entries = new Uint8Array(n * entrySize);
      const buckets = new Uint32Array(n);
      // A batch holds a few distinct payloads (one per combination of breaches and categories): each is padded once.
      const plaintexts = payloadTable.map((payload) => {
        const padded = Buffer.alloc(plaintextSize, 0x20);
        const written = padded.write(payload, 0, 'utf8');
        if (Buffer.byteLength(payload, 'utf8') !== written) throw new RangeError('payload longer than plaintextSize');
        return padded;
      });
      for (let i = 0; i < n; i++) {
        const y = ys.subarray(i * Y_BYTES, (i + 1) * Y_BYTES);
        buckets[i] = bucketOfPrefix((maskedPrefixes[i]! ^ maskFor(y)) >>> 0, bucketBits);
        const plaintext = plaintexts[payloadIndex[i]!];
        if (plaintext === undefined) throw new RangeError(`payload ${payloadIndex[i]} is not in the table`);
        hashes.sealEntryInto(y, indexId, plaintext, entries, i * entrySize);
      }
      return { buckets, entries };
    },

    assemble({ records, firstBucket, buckets, entriesPerBucket, entrySize }) {
      const recordSize = RECORD_HEADER + entrySize;
      if (records.length % recordSize !== 0) throw new RangeError('assemble: records are not whole');
      const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
      const n = records.length / recordSize;
      const bucketBytes = entriesPerBucket * entrySize;
      const out = new Uint8Array(buckets * bucketBytes);
      const filled = new Uint32Array(buckets);
      for (let r = 0; r < n; r++) {
        const b = view.getUint32(r * recordSize, true) - firstBucket;
        if (b < 0 || b >= buckets) throw new RangeError(`assemble: an entry of bucket ${b + firstBucket} is in another group`);
        if (filled[b]! >= entriesPerBucket) throw new RangeError(`assemble: bucket ${b + firstBucket} holds more than ${entriesPerBucket} entries`);
        const start = r * recordSize + RECORD_HEADER;
        out.set(records.subarray(start, start + entrySize), b * bucketBytes + filled[b]! * entrySize);
        filled[b]!++;
      }
      const scratch = new Uint8Array(bucketBytes);
      const order = new Array<number>(entriesPerBucket);
      const keys = new Uint32Array(entriesPerBucket);
      for (let b = 0; b < buckets; b++) {
        const base = b * bucketBytes;
        const bucket = out.subarray(base, base + bucketBytes);
        if (filled[b]! < entriesPerBucket) randomFillSync(bucket, filled[b]! * entrySize);
        // Byte order, compared on the first four bytes first (uniformly random in every entry: a tag or a dummy).
        for (let e = 0; e < entriesPerBucket; e++) {
          order[e] = e;
          keys[e] = ((bucket[e * entrySize]! << 24) | (bucket[e * entrySize + 1]! << 16) | (bucket[e * entrySize + 2]! << 8) | bucket[e * entrySize + 3]!) >>> 0;
        }
        order.sort(
          (x, y) =>
            keys[x]! - keys[y]! ||
            Buffer.compare(bucket.subarray(x * entrySize, (x + 1) * entrySize), bucket.subarray(y * entrySize, (y + 1) * entrySize)),
        );
        for (let e = 0; e < entriesPerBucket; e++) scratch.set(bucket.subarray(order[e]! * entrySize, (order[e]! + 1) * entrySize), e * entrySize);
        bucket.set(scratch);
      }
      return out;
    },

    blindEvaluate({ elements }) {
      if (elements.length === 0 || elements.length % ELEMENT_BYTES !== 0) throw new RangeError('blinded elements: expected n x 32 bytes');
      const blinded: Uint8Array[] = [];
      for (let o = 0; o < elements.length; o += ELEMENT_BYTES) blinded.push(elements.subarray(o, o + ELEMENT_BYTES));
      const { evaluatedElements, proof } = server.blindEvaluateBatch(blinded);
      const evaluated = new Uint8Array(evaluatedElements.length * ELEMENT_BYTES);
      evaluatedElements.forEach((element, i) => evaluated.set(element, i * ELEMENT_BYTES));
      return { evaluated, proof: Uint8Array.from(proof) };
    },
  };
}
