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
  /** Optional base URL of bucket files when they are served elsewhere (a CDN); relative to the API otherwise. */
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
