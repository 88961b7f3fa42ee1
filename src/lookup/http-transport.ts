// The lookup client's HTTP transport (DESIGN §4 "Wire"), for browsers and Node 20 through fetch: what it sends is
// blinded elements and bucket ids only. It waits and retries on 429 as Retry-After says, a bounded number of times.

import { VigieError, type ErrorCode } from '../errors.js';
import { normalizeBucketBaseUrl, type EvaluateRequest, type EvaluateResponse, type KeysResponse, type LookupTransport, type Manifest } from './protocol.js';

export interface HttpTransportOptions {
  /** The API's base URL, e.g. "https://vigie.example.fr" (the /v1 paths are appended). */
  baseUrl: string;
  /** Injectable fetch (tests, instrumented clients); defaults to the global one. */
  fetch?: typeof globalThis.fetch;
  /** Retries after a 429 (or a 503 with Retry-After) before giving up with E_RATE_LIMITED (default 3). */
  maxRetries?: number;
  /** Longest wait honoured for one Retry-After, in seconds (default 60): beyond it, give up at once. */
  maxRetryAfterSeconds?: number;
  /** Injectable sleep (tests); defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

const INDEX_ID = /^[0-9a-f]{32}$/;
const BUCKET_HEX = /^[0-9a-f]{1,8}$/;

/** Server codes passed through as they are; anything else becomes E_PROTOCOL naming the server's code. */
const PASSED_THROUGH = new Set<string>(['E_NO_INDEX', 'E_RATE_LIMITED', 'E_RATE_LIMIT_UNAVAILABLE']);

/** RFC 9110 §10.2.3: Retry-After is delay-seconds or an HTTP-date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export function createHttpTransport(options: HttpTransportOptions): LookupTransport {
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch (error) {
    throw new VigieError('E_CONFIG', 'the server URL is not a valid URL', { cause: error });
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new VigieError('E_CONFIG', 'the server URL must be http: or https:');
  const baseUrl = trimSlash(base.href);
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const maxRetries = options.maxRetries ?? 3;
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 60;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  /** `notFoundIsAnswer`: a 404 is returned to the caller instead of thrown (a bucket host that may lag behind). */
  async function request(url: string, init: RequestInit, notFoundIsAnswer = false): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        // No cookies, no referrer: the server needs to know nothing about who asks beyond the connection itself.
        response = await doFetch(url, { ...init, credentials: 'omit', referrerPolicy: 'no-referrer' });
      } catch (error) {
        throw new VigieError('E_NETWORK', 'the server cannot be reached', { cause: error });
      }
      if (response.ok || (notFoundIsAnswer && response.status === 404)) return response;
      // RFC 6585 §4: a 429 says when to come back; so may a 503 (RFC 9110 §15.6.4), as a server whose shared limits
      // are unreachable does. Wait as Retry-After says (without one, back off 1, 2, 4... seconds after a 429).
      const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
      if (response.status === 429 || (response.status === 503 && retryAfter !== null)) {
        const wait = retryAfter ?? 2 ** attempt;
        if (attempt >= maxRetries || wait > maxRetryAfter) {
          if (response.status === 503) throw await errorOf(response);
          await response.body?.cancel().catch(() => undefined);
          throw new VigieError('E_RATE_LIMITED', `the server limits evaluations: retry in ${wait} s`);
        }
        await response.body?.cancel().catch(() => undefined);
        await sleep(wait * 1000);
        continue;
      }
      throw await errorOf(response);
    }
  }

  async function errorOf(response: Response): Promise<VigieError> {
    let code: string | undefined;
    try {
      const body = (await response.json()) as { error?: { code?: unknown } };
      if (typeof body?.error?.code === 'string' && /^E_[A-Z_]+$/.test(body.error.code)) code = body.error.code;
    } catch {
      // Not our error shape (a proxy's page): the status alone says enough.
    }
    if (code !== undefined && PASSED_THROUGH.has(code)) return new VigieError(code as ErrorCode, `the server answered ${response.status} ${code}`);
    return new VigieError('E_PROTOCOL', `the server answered ${response.status}${code === undefined ? '' : ` ${code}`}`);
  }

  async function json<T>(url: string, init: RequestInit = {}): Promise<T> {
    const response = await request(url, { ...init, headers: { Accept: 'application/json', ...(init.headers ?? {}) } });
    try {
      return (await response.json()) as T;
    } catch (error) {
      throw new VigieError('E_PROTOCOL', 'the server answered malformed JSON', { cause: error });
    }
  }

  function bucketPath(manifest: Manifest, hex: string): string {
    if (!INDEX_ID.test(manifest.indexId) || !BUCKET_HEX.test(hex)) throw new VigieError('E_PROTOCOL', 'malformed index or bucket id');
    return `/v1/indexes/${manifest.indexId}/buckets/${hex}`;
  }

  /** The bucket host the manifest names (a CDN or object store holding `vigie export`'s tree), or null for the API. */
  function bucketHost(manifest: Manifest): string | null {
    if (manifest.bucketBaseUrl === undefined) return null;
    try {
      return normalizeBucketBaseUrl(manifest.bucketBaseUrl);
    } catch (error) {
      throw new VigieError('E_PROTOCOL', `the manifest's ${(error as Error).message}`, { cause: error });
    }
  }

  return {
    keys: () => json<KeysResponse>(`${baseUrl}/v1/keys`),
    index: () => json<Manifest>(`${baseUrl}/v1/index`),
    evaluate: (body: EvaluateRequest) =>
      json<EvaluateResponse>(`${baseUrl}/v1/evaluate`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }),
    async bucket(manifest, hex) {
      // The client checks the size against the manifest (a CDN may compress, so Content-Length proves nothing).
      const path = bucketPath(manifest, hex);
      const host = bucketHost(manifest);
      const init = { headers: { Accept: 'application/octet-stream' } };
      let response = await request(`${host ?? baseUrl}${path}`, init, host !== null);
      if (response.status === 404) {
        // The API publishes an index as soon as it is built, possibly before its export reaches the bucket host: the
        // API holds the same immutable bytes (and sees no more than the bucket host would: the bucket id).
        await response.body?.cancel().catch(() => undefined);
        response = await request(`${baseUrl}${path}`, init);
      }
      try {
        return new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        throw new VigieError('E_NETWORK', 'the bucket download failed', { cause: error });
      }
    },
  };
}
