// Wire types of lookup protocol v1 (DESIGN §4), shared by the client, the local service and the HTTP server.

import type { Category } from '../identifiers/categories.js';

export const PROTOCOL_SUITE = 'ristretto255-SHA512';
export const MAX_BATCH = 8;
/** Entry layout sizes (DESIGN §4), defined once with the derivations that produce them. */
export { GCM_TAG_BYTES, TAG_BYTES } from '../crypto/hkdf-seal-params.js';

export interface KeyInfo {
  keyId: string;
  suite: typeof PROTOCOL_SUITE;
  mode: 'voprf';
  /** b64u of the 32-byte ristretto255 public key. */
  publicKey: string;
}

export interface KeysResponse {
  keys: KeyInfo[];
}

export interface BreachSummary {
  id: string;
  title: string;
  categories: Category[];
}

export interface Manifest {
  indexId: string;
  keyId: string;
  bucketBits: number;
  entrySize: number;
  entriesPerBucket: number;
  breaches: BreachSummary[];
  createdAt: string;
  /**
   * Where the buckets are served when not by the API itself (a CDN, an object store holding `vigie export`'s tree):
   * an absolute http(s) URL without query or fragment; a bucket is at
   * `${bucketBaseUrl}/v1/indexes/{indexId}/buckets/{hex}`, as it is at `${baseUrl}/v1/...` on the API.
   */
  bucketBaseUrl?: string;
}

export interface EvaluateRequest {
  keyId: string;
  /** b64u of 32-byte blinded elements, 1..MAX_BATCH. */
  blinded: string[];
}

export interface EvaluateResponse {
  evaluated: string[];
  /** b64u of the batched DLEQ proof, c || s (64 bytes), RFC 9497 §2.2.1. */
  proof: string;
}

/** What an entry's sealed plaintext holds: the breaches an identifier is in and the categories found with it. */
export interface EntryPayload {
  b: { id: string; c: Category[] }[];
}

/** The transport a lookup client speaks through: HTTP for browsers and partners, in-process for the CLI and tests. */
export interface LookupTransport {
  keys(): Promise<KeysResponse>;
  index(): Promise<Manifest>;
  evaluate(request: EvaluateRequest): Promise<EvaluateResponse>;
  bucket(manifest: Manifest, hex: string): Promise<Uint8Array>;
}

/**
 * Checks a bucketBaseUrl (docs/protocol.md §3) and returns it without trailing slashes, ready for
 * `${base}/v1/indexes/...`. Absolute http: or https: only: a relative or other-scheme URL (javascript:, file:,
 * data:) could send the bucket request somewhere the person did not choose; credentials, a query or a fragment
 * have no place in a public, cacheable URL. Throws a TypeError saying why (the value is public, not personal).
 */
export function normalizeBucketBaseUrl(value: string): string {
  if (typeof value !== 'string') throw new TypeError('bucketBaseUrl must be a string');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError('bucketBaseUrl must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('bucketBaseUrl must be an http: or https: URL');
  if (url.username !== '' || url.password !== '') throw new TypeError('bucketBaseUrl must not hold credentials');
  // `new URL` drops an empty "?" or "#": look at the text itself.
  if (value.includes('?') || value.includes('#')) throw new TypeError('bucketBaseUrl must have no query and no fragment');
  return url.href.replace(/\/+$/, '');
}
