// The CPU-bound work of an ingest and of an index build, written once and run either in worker threads
// (evaluator-pool.ts) or inline: OPRF evaluation of canonical identifiers, bucket prefixes, sealing of entries.

import { createHash, hash as oneShotHash, hkdfSync } from 'node:crypto';
import { createVoprfServer } from '../crypto/voprf-server.js';
import { deriveEntryKeysSync, sealSync } from '../crypto/hkdf-seal-node.js';
import { BUCKET_DOMAIN, bucketOfPrefix } from '../lookup/bucket.js';
import { GCM_TAG_BYTES, TAG_BYTES } from '../lookup/protocol.js';

export const Y_BYTES = 64;

export interface EvaluateJob {
  kind: 'evaluate';
  canonicals: string[];
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
  /** One JSON payload per y, at most plaintextSize bytes once encoded. */
  payloads: string[];
}

export interface SealResult {
  buckets: Uint32Array;
  /** n × entrySize bytes: tag || AES-256-GCM(sealKey, padded payload). */
  entries: Uint8Array;
}

export interface EvaluatorCore {
  evaluate(job: EvaluateJob): EvaluateResult;
  seal(job: SealJob): SealResult;
}

const encoder = new TextEncoder();
const bucketDomain = encoder.encode(BUCKET_DOMAIN);

/**
 * The store keeps each identifier's bucket prefix so that an index can be rebuilt from y alone, but an unkeyed
 * hash prefix of a low-entropy identifier (a NIR) would let a database thief confirm guesses offline. So the prefix
 * is stored XOR a PRF of y under a key derived from the OPRF secret: without the key file it is uniform noise.
 */
function createMasker(secretKey: Uint8Array): (y: Uint8Array) => number {
  const maskKey = Buffer.from(hkdfSync('sha256', secretKey, new Uint8Array(0), 'vigie/v1/store-bucket-mask', 32));
  // SHA-256(key || y) over a fixed-length y is a PRF (length extension needs attacker-chosen lengths); it is
  // about twice as fast as createHmac per call, which matters for millions of identifiers.
  const scratch = Buffer.alloc(maskKey.length + Y_BYTES);
  maskKey.copy(scratch, 0);
  return (y) => {
    if (y.length !== Y_BYTES) throw new RangeError(`"y" expected ${Y_BYTES} bytes, got ${y.length}`);
    scratch.set(y, maskKey.length);
    return sha256(scratch).readUInt32BE(0);
  };
}

const sha256: (data: Uint8Array) => Buffer =
  typeof oneShotHash === 'function' ? (data) => oneShotHash('sha256', data, 'buffer') : (data) => createHash('sha256').update(data).digest();

export async function createEvaluatorCore(secretKey: Uint8Array): Promise<EvaluatorCore> {
  const server = await createVoprfServer(secretKey);
  const maskFor = createMasker(secretKey);

  return {
    evaluate({ canonicals }) {
      const n = canonicals.length;
      const ys = new Uint8Array(n * Y_BYTES);
      const maskedPrefixes = new Uint32Array(n);
      for (let i = 0; i < n; i++) {
        const input = encoder.encode(canonicals[i]!);
        const y = server.evaluate(input);
        ys.set(y, i * Y_BYTES);
        const prefix = sha256(Buffer.concat([bucketDomain, input])).readUInt32BE(0);
        maskedPrefixes[i] = (prefix ^ maskFor(y)) >>> 0;
      }
      return { ys, maskedPrefixes };
    },

    seal({ indexId, bucketBits, plaintextSize, ys, maskedPrefixes, payloads }) {
      const n = payloads.length;
      const entrySize = TAG_BYTES + plaintextSize + GCM_TAG_BYTES;
      const entries = new Uint8Array(n * entrySize);
      const buckets = new Uint32Array(n);
      const padded = Buffer.alloc(plaintextSize);
      for (let i = 0; i < n; i++) {
        const y = ys.subarray(i * Y_BYTES, (i + 1) * Y_BYTES);
        buckets[i] = bucketOfPrefix((maskedPrefixes[i]! ^ maskFor(y)) >>> 0, bucketBits);
        padded.fill(0x20);
        const written = padded.write(payloads[i]!, 0, 'utf8');
        if (Buffer.byteLength(payloads[i]!, 'utf8') !== written) throw new RangeError('payload longer than plaintextSize');
        const { tag, sealKey } = deriveEntryKeysSync(y, indexId);
        entries.set(tag, i * entrySize);
        entries.set(sealSync(sealKey, padded), i * entrySize + TAG_BYTES);
      }
      return { buckets, entries };
    },
  };
}
