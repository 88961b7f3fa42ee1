// The private-check client (DESIGN §4 "Client"), for browsers and Node: canonicalize, bucket, blind, evaluate,
// verify the proof, finalize, derive tags, match and open. The transport never sees an identifier in clear:
// only blinded elements and bucket ids of a few bits.

import { VigieError } from '../errors.js';
import { CATEGORIES, type Category } from '../identifiers/categories.js';
import { canonicalizeQuery, type IdentifierType, type QueryInput } from '../identifiers/index.js';
import { b64uDecode, b64uEncode } from '../crypto/encoding.js';
import { blind, finalizeBatch, type BlindResult } from '../crypto/voprf-client.js';
import { deriveEntryKeys, open } from '../crypto/hkdf-seal.js';
import { BUCKET_DOMAIN, bucketHex, bucketOfPrefix, prefix32 } from './bucket.js';
import { GCM_TAG_BYTES, MAX_BATCH, TAG_BYTES, normalizeBucketBaseUrl, type EntryPayload, type LookupTransport, type Manifest } from './protocol.js';

export interface IdentifierToCheck {
  type: IdentifierType;
  /** `TYPE:VALUE`, as produced by src/identifiers. */
  canonical: string;
}

export interface BreachMatch {
  id: string;
  categories: Category[];
}

export interface Match {
  type: IdentifierType;
  breaches: BreachMatch[];
}

export interface CheckResult {
  found: boolean;
  /** One per identifier found, in the order checked. */
  matches: Match[];
  /** One per identifier checked, in the order given (breaches empty when not found). */
  results: (Match & { found: boolean })[];
  /** The manifest the answer was computed against (breach titles, index id). */
  manifest: Manifest;
}

export interface LookupClientOptions {
  transport: LookupTransport;
  /** Injectable randomness for the blinds (tests); defaults to WebCrypto. */
  rng?: (n: number) => Uint8Array;
}

export interface LookupClient {
  check(identifiers: readonly IdentifierToCheck[]): Promise<CheckResult>;
  /** Canonicalizes what a person typed, then checks; invalid fields are reported, never sent. */
  checkQuery(input: QueryInput): Promise<CheckResult & { errors: { field: string; reason: string }[] }>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function bucketHexOf(canonicalText: string, bucketBits: number): Promise<string> {
  const input = encoder.encode(canonicalText);
  const data = new Uint8Array(BUCKET_DOMAIN.length + input.length);
  data.set(encoder.encode(BUCKET_DOMAIN));
  data.set(input, BUCKET_DOMAIN.length);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  return bucketHex(bucketOfPrefix(prefix32(digest), bucketBits), bucketBits);
}

function checkManifest(manifest: Manifest): void {
  const ok =
    typeof manifest.indexId === 'string' &&
    /^[0-9a-f]{32}$/.test(manifest.indexId) &&
    Number.isInteger(manifest.bucketBits) &&
    manifest.bucketBits >= 1 &&
    manifest.bucketBits <= 32 &&
    Number.isInteger(manifest.entrySize) &&
    manifest.entrySize > TAG_BYTES + GCM_TAG_BYTES &&
    Number.isInteger(manifest.entriesPerBucket) &&
    manifest.entriesPerBucket >= 1;
  if (!ok) throw new VigieError('E_PROTOCOL', 'the index manifest is malformed');
  if (manifest.bucketBaseUrl !== undefined) {
    try {
      normalizeBucketBaseUrl(manifest.bucketBaseUrl);
    } catch (error) {
      throw new VigieError('E_PROTOCOL', `the index manifest is malformed: ${(error as Error).message}`, { cause: error });
    }
  }
}

/** Finds the entry whose tag matches in a padded bucket and opens it; null when absent. */
async function findEntry(bucket: Uint8Array, manifest: Manifest, y: Uint8Array): Promise<EntryPayload | null> {
  const { tag, sealKey } = await deriveEntryKeys(y, manifest.indexId);
  for (let offset = 0; offset < bucket.length; offset += manifest.entrySize) {
    let equal = true;
    for (let i = 0; i < TAG_BYTES; i++) {
      if (bucket[offset + i] !== tag[i]) {
        equal = false;
        break;
      }
    }
    if (!equal) continue;
    const plaintext = await open(sealKey, bucket.subarray(offset + TAG_BYTES, offset + manifest.entrySize));
    if (plaintext === null) throw new VigieError('E_PROTOCOL', 'an index entry does not authenticate');
    try {
      return JSON.parse(decoder.decode(plaintext).trimEnd()) as EntryPayload;
    } catch (error) {
      throw new VigieError('E_PROTOCOL', 'an index entry holds malformed JSON', { cause: error });
    }
  }
  return null;
}

export function createLookupClient(options: LookupClientOptions): LookupClient {
  const { transport } = options;

  async function check(identifiers: readonly IdentifierToCheck[]): Promise<CheckResult> {
    const [manifest, keys] = await Promise.all([transport.index(), transport.keys()]);
    checkManifest(manifest);
    const key = keys.keys.find((k) => k.keyId === manifest.keyId);
    if (key === undefined) throw new VigieError('E_PROTOCOL', `the server publishes no key ${manifest.keyId} for the current index`);
    const publicKey = b64uDecode(key.publicKey);
    if (identifiers.length === 0) return { found: false, matches: [], results: [], manifest };

    const inputs = identifiers.map((id) => encoder.encode(id.canonical));
    const hexes = await Promise.all(identifiers.map((id) => bucketHexOf(id.canonical, manifest.bucketBits)));
    // Buckets are fetched while the evaluation runs; each distinct bucket once.
    const bucketFetches = new Map<string, Promise<Uint8Array>>();
    for (const hex of hexes) {
      if (!bucketFetches.has(hex)) {
        bucketFetches.set(
          hex,
          transport.bucket(manifest, hex).then((bytes) => {
            if (bytes.length !== manifest.entrySize * manifest.entriesPerBucket) {
              throw new VigieError('E_PROTOCOL', `bucket ${hex} has ${bytes.length} bytes, the manifest says ${manifest.entrySize * manifest.entriesPerBucket}`);
            }
            return bytes;
          }),
        );
        // Awaited below; until then a failure must not surface as an unhandled rejection.
        bucketFetches.get(hex)!.catch(() => undefined);
      }
    }

    const blinds: BlindResult[] = inputs.map((input) => blind(input, options.rng));
    const ys: Uint8Array[] = new Array<Uint8Array>(inputs.length);
    const chunks: Promise<void>[] = [];
    for (let start = 0; start < inputs.length; start += MAX_BATCH) {
      const end = Math.min(start + MAX_BATCH, inputs.length);
      chunks.push(
        (async () => {
          const chunk = blinds.slice(start, end);
          const response = await transport.evaluate({
            keyId: manifest.keyId,
            blinded: chunk.map((b) => b64uEncode(b.blindedElement)),
          });
          if (!Array.isArray(response.evaluated) || response.evaluated.length !== chunk.length || typeof response.proof !== 'string') {
            throw new VigieError('E_PROTOCOL', 'the evaluation response is malformed');
          }
          let outputs: Uint8Array[];
          try {
            outputs = finalizeBatch(
              inputs.slice(start, end),
              chunk.map((b) => b.blind),
              chunk.map((b) => b.blindedElement),
              response.evaluated.map((e) => b64uDecode(e)),
              b64uDecode(response.proof),
              publicKey,
            );
          } catch (error) {
            throw new VigieError('E_PROOF', 'the server proof does not verify against the published key', { cause: error });
          }
          outputs.forEach((y, i) => (ys[start + i] = y));
        })(),
      );
    }
    await Promise.all(chunks);

    const results: CheckResult['results'] = [];
    for (let i = 0; i < identifiers.length; i++) {
      const bucket = await bucketFetches.get(hexes[i]!)!;
      const payload = await findEntry(bucket, manifest, ys[i]!);
      const breaches = payload === null ? [] : payload.b.map((b) => ({ id: b.id, categories: b.c }));
      results.push({ type: identifiers[i]!.type, found: payload !== null, breaches });
    }
    const matches = results.filter((r) => r.found).map(({ type, breaches }) => ({ type, breaches }));
    return { found: matches.length > 0, matches, results, manifest };
  }

  return {
    check,
    async checkQuery(input) {
      const query = canonicalizeQuery(input);
      const result = await check(query.identifiers);
      return { ...result, errors: query.errors };
    },
  };
}

/** Merges matches into one list of breaches with the union of categories, for display. */
export function mergeMatches(matches: readonly Match[]): BreachMatch[] {
  const merged = new Map<string, Set<Category>>();
  for (const match of matches) {
    for (const breach of match.breaches) {
      const set = merged.get(breach.id) ?? new Set<Category>();
      for (const c of breach.categories) set.add(c);
      merged.set(breach.id, set);
    }
  }
  return [...merged].map(([id, set]) => ({ id, categories: CATEGORIES.filter((c) => set.has(c)) }));
}
