// The server side of lookup protocol v1 (DESIGN §4) without HTTP: keys, manifest, batched blind evaluation with
// one proof, buckets. The CLI speaks to it in-process; the HTTP server wraps it.

import { VigieError } from '../errors.js';
import { b64uDecode, b64uEncode } from '../crypto/encoding.js';
import { ELEMENT_BYTES } from '../crypto/suite.js';
import type { VoprfServer } from '../crypto/voprf-server.js';
import { parseBucketHex } from '../lookup/bucket.js';
import {
  MAX_BATCH,
  PROTOCOL_SUITE,
  type EvaluateRequest,
  type EvaluateResponse,
  type KeysResponse,
  type LookupTransport,
  type Manifest,
} from '../lookup/protocol.js';
import type { EvaluatorPool } from './evaluator-pool.js';
import type { MaybePromise, Store } from './store.js';

export interface LookupServiceOptions {
  store: Pick<Store, 'manifest' | 'bucket'>;
  server: VoprfServer;
  keyId: string;
  /**
   * Where blind evaluations run: worker threads (`vigie serve`, so that the event loop answers HTTP while other
   * cores do the scalar work), given the same key as `server`. Default: `server` on the calling thread.
   */
  evaluator?: Pick<EvaluatorPool, 'blindEvaluate'>;
}

export interface LookupService extends LookupTransport {
  /** The manifest of a given index version, or null when it does not exist (kept once read: it never changes). */
  manifestOf(indexId: string): MaybePromise<Manifest | null>;
  /** The bucket bytes of a given index version by hex id, or null when the index or bucket does not exist. */
  bucketOf(indexId: string, hex: string): MaybePromise<Uint8Array | null>;
}

const ELEMENT_B64U = /^[A-Za-z0-9_-]{43}$/;

export function createLookupService(options: LookupServiceOptions): LookupService {
  const { store, server, keyId } = options;
  const pool = options.evaluator ?? null;
  const keys: KeysResponse = {
    keys: [{ keyId, suite: PROTOCOL_SUITE, mode: 'voprf', publicKey: b64uEncode(server.publicKey) }],
  };

  async function currentManifest(): Promise<Manifest> {
    const manifest = await store.manifest();
    if (manifest === null) throw new VigieError('E_NO_INDEX', 'no index has been published yet: run "vigie ingest" first');
    return manifest;
  }

  // An index version never changes once published: its manifest is kept once read (a few, by id).
  const manifests = new Map<string, Manifest>();
  const bucketIn = (manifest: Manifest, hex: string): MaybePromise<Uint8Array | null> => {
    const bucket = parseBucketHex(hex, manifest.bucketBits);
    return bucket === null ? null : store.bucket(manifest.indexId, bucket);
  };

  function manifestOf(indexId: string): MaybePromise<Manifest | null> {
    const known = manifests.get(indexId);
    if (known !== undefined) return known;
    const keep = (manifest: Manifest | null): Manifest | null => {
      if (manifest === null) return null; // unknown ids are not kept: they would let anyone fill memory
      if (manifests.size >= 8) manifests.delete(manifests.keys().next().value!);
      manifests.set(indexId, manifest);
      return manifest;
    };
    const found = store.manifest(indexId);
    return found instanceof Promise ? found.then(keep) : keep(found);
  }

  function bucketOf(indexId: string, hex: string): MaybePromise<Uint8Array | null> {
    const manifest = manifestOf(indexId);
    const then = (m: Manifest | null): MaybePromise<Uint8Array | null> => (m === null ? null : bucketIn(m, hex));
    return manifest instanceof Promise ? manifest.then(then) : then(manifest);
  }

  return {
    keys: async () => keys,
    index: currentManifest,
    manifestOf,
    bucketOf,
    async bucket(manifest, hex) {
      const bytes = await bucketOf(manifest.indexId, hex);
      if (bytes === null) throw new VigieError('E_PROTOCOL', 'no such bucket in this index');
      return bytes;
    },
    async evaluate(request: EvaluateRequest): Promise<EvaluateResponse> {
      if (request.keyId !== keyId) throw new VigieError('E_PROTOCOL', 'unknown keyId');
      const { blinded } = request;
      if (!Array.isArray(blinded) || blinded.length < 1 || blinded.length > MAX_BATCH) {
        throw new VigieError('E_PROTOCOL', `"blinded" must hold 1 to ${MAX_BATCH} elements`);
      }
      const elements = blinded.map((text, i) => {
        const bytes = typeof text === 'string' && ELEMENT_B64U.test(text) ? b64uDecode(text) : null;
        if (bytes === null || bytes.length !== 32) throw new VigieError('E_PROTOCOL', `blinded element ${i} is not 32 bytes of base64url`);
        return bytes;
      });
      // blindEvaluateBatch checks every element (canonical encoding, not the identity) before any scalar work.
      let evaluatedElements: Uint8Array[];
      let proof: Uint8Array;
      try {
        if (pool === null) ({ evaluatedElements, proof } = server.blindEvaluateBatch(elements));
        else {
          const packed = new Uint8Array(elements.length * ELEMENT_BYTES);
          elements.forEach((element, i) => packed.set(element, i * ELEMENT_BYTES));
          const result = await pool.blindEvaluate(packed);
          evaluatedElements = elements.map((_, i) => result.evaluated.subarray(i * ELEMENT_BYTES, (i + 1) * ELEMENT_BYTES));
          proof = result.proof;
        }
      } catch (error) {
        if (error instanceof RangeError) throw new VigieError('E_PROTOCOL', 'a blinded element is not a valid ristretto255 element', { cause: error });
        throw error;
      }
      return { evaluated: evaluatedElements.map(b64uEncode), proof: b64uEncode(proof) };
    },
  };
}
