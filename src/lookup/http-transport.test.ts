// The HTTP transport: the real client against the real routes (fetch served by app.inject), 429 handling with
// Retry-After, bucketBaseUrl, and errors as VigieError codes.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isVigieError } from '../errors.js';
import { createApp } from '../server/app.js';
import { createFixture, type Fixture } from '../server/test-fixture.js';
import { createHttpTransport, parseRetryAfter } from './http-transport.js';
import { createLookupClient } from './index.js';
import type { Manifest } from './protocol.js';

let f: Fixture;
beforeAll(async () => {
  f = await createFixture();
});
afterAll(() => f?.cleanup());

interface Call {
  url: string;
  init: RequestInit | undefined;
}

/** A fetch answered in-process by the app, recording each call. */
function appFetch(app: ReturnType<typeof createApp>, calls: Call[] = []): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input));
    calls.push({ url: url.href, init });
    const r = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers: Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v])),
      ...(init?.body === undefined ? {} : { payload: init.body as string }),
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) headers.set(k, String(v));
    return new Response(r.statusCode === 304 || r.statusCode === 204 ? null : new Uint8Array(r.rawPayload), { status: r.statusCode, headers });
  };
}

function scripted(responses: (() => Response)[], calls: Call[] = []): typeof fetch {
  return async (input, init) => {
    calls.push({ url: String(input), init });
    const next = responses.shift();
    if (next === undefined) throw new Error('no more responses');
    return next();
  };
}

const error = (status: number, code: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ error: { code, message: 'x' } }), { status, headers: { 'content-type': 'application/json', ...headers } });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    if (isVigieError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('HTTP transport', () => {
  it('finds members and only members through the real routes, sending no identifier', async () => {
    const calls: Call[] = [];
    const app = createApp({ service: f.service, store: f.store });
    const client = createLookupClient({ baseUrl: 'https://vigie.example.fr/', fetch: appFetch(app, calls) });
    const result = await client.check([
      { type: 'nir', canonical: f.members[0]! },
      { type: 'nir', canonical: 'nir:1999999999999' },
      { type: 'nir', canonical: f.members[17]! },
    ]);
    expect(result.results.map((r) => r.found)).toEqual([true, false, true]);
    const sent = JSON.stringify(calls);
    for (const id of [f.members[0]!, f.members[17]!, '1999999999999', f.members[0]!.slice(4)]) expect(sent).not.toContain(id);
    expect(calls.every((c) => c.url.startsWith('https://vigie.example.fr/v1/'))).toBe(true);
    expect(calls.every((c) => c.init?.credentials === 'omit' && c.init.referrerPolicy === 'no-referrer')).toBe(true);
  });

  it('waits as Retry-After says on 429, then succeeds', async () => {
    const slept: number[] = [];
    const keys = { keys: [] };
    const transport = createHttpTransport({
      baseUrl: 'https://vigie.example.fr',
      fetch: scripted([() => error(429, 'E_RATE_LIMITED', { 'Retry-After': '3' }), () => error(429, 'E_RATE_LIMITED'), () => Response.json(keys)]),
      sleep: async (ms) => void slept.push(ms),
    });
    expect(await transport.keys()).toEqual(keys);
    expect(slept).toEqual([3000, 2000]); // Retry-After, then exponential backoff without one
  });

  it('waits on a 503 with Retry-After (shared limits unreachable), and passes its code on when it persists', async () => {
    const slept: number[] = [];
    const keys = { keys: [] };
    const unavailable = () => error(503, 'E_RATE_LIMIT_UNAVAILABLE', { 'Retry-After': '5' });
    const recovering = createHttpTransport({
      baseUrl: 'https://vigie.example.fr',
      fetch: scripted([unavailable, () => Response.json(keys)]),
      sleep: async (ms) => void slept.push(ms),
    });
    expect(await recovering.keys()).toEqual(keys);
    expect(slept).toEqual([5000]);
    const down = createHttpTransport({ baseUrl: 'https://vigie.example.fr', fetch: scripted([unavailable, unavailable]), maxRetries: 1, sleep: async () => undefined });
    expect(await codeOf(down.keys())).toBe('E_RATE_LIMIT_UNAVAILABLE');
    // A 503 without Retry-After is not retried.
    const calls: Call[] = [];
    const noHint = createHttpTransport({ baseUrl: 'https://vigie.example.fr', fetch: scripted([() => error(503, 'E_NO_INDEX')], calls), sleep: async () => expect.unreachable() });
    expect(await codeOf(noHint.keys())).toBe('E_NO_INDEX');
    expect(calls).toHaveLength(1);
  });

  it('gives up with E_RATE_LIMITED after maxRetries, or at once when Retry-After is too long', async () => {
    const slept: number[] = [];
    const always429 = () => error(429, 'E_RATE_LIMITED', { 'Retry-After': '1' });
    const transport = createHttpTransport({
      baseUrl: 'https://vigie.example.fr',
      fetch: scripted([always429, always429, always429]),
      maxRetries: 2,
      sleep: async (ms) => void slept.push(ms),
    });
    expect(await codeOf(transport.evaluate({ keyId: 'k', blinded: [] }))).toBe('E_RATE_LIMITED');
    expect(slept).toEqual([1000, 1000]);

    const calls: Call[] = [];
    const impatient = createHttpTransport({
      baseUrl: 'https://vigie.example.fr',
      fetch: scripted([() => error(429, 'E_RATE_LIMITED', { 'Retry-After': '3600' })], calls),
      sleep: async () => expect.unreachable(),
    });
    expect(await codeOf(impatient.keys())).toBe('E_RATE_LIMITED');
    expect(calls).toHaveLength(1);
  });

  it('reports server errors as E_PROTOCOL (E_NO_INDEX passed through), network failures as E_NETWORK', async () => {
    const t = (response: () => Response) => createHttpTransport({ baseUrl: 'https://vigie.example.fr', fetch: scripted([response]) });
    expect(await codeOf(t(() => error(400, 'E_UNKNOWN_KEY')).evaluate({ keyId: 'k', blinded: [] }))).toBe('E_PROTOCOL');
    expect(await codeOf(t(() => error(503, 'E_NO_INDEX')).index())).toBe('E_NO_INDEX');
    expect(await codeOf(t(() => new Response('<html>bad gateway</html>', { status: 502 })).index())).toBe('E_PROTOCOL');
    expect(await codeOf(t(() => new Response('not json', { status: 200 })).keys())).toBe('E_PROTOCOL');
    const offline = createHttpTransport({ baseUrl: 'https://vigie.example.fr', fetch: async () => Promise.reject(new TypeError('fetch failed')) });
    expect(await codeOf(offline.keys())).toBe('E_NETWORK');
  });

  it('fetches buckets at {bucketBaseUrl}/v1/indexes/... when the manifest has one, else from the API', async () => {
    const manifest = { indexId: 'ab'.repeat(16), entrySize: 1, entriesPerBucket: 1 } as Manifest;
    const urls: string[] = [];
    const fetchUrl: typeof fetch = async (input) => {
      urls.push(String(input));
      return new Response(new Uint8Array([7]));
    };
    const t = createHttpTransport({ baseUrl: 'https://api.example.fr/vigie/', fetch: fetchUrl });
    await t.bucket(manifest, '0f');
    await t.bucket({ ...manifest, bucketBaseUrl: 'https://cdn.example.net' }, '0f');
    await t.bucket({ ...manifest, bucketBaseUrl: 'https://cdn.example.net/vigie/' }, '0f');
    expect(urls).toEqual([
      `https://api.example.fr/vigie/v1/indexes/${manifest.indexId}/buckets/0f`,
      `https://cdn.example.net/v1/indexes/${manifest.indexId}/buckets/0f`,
      `https://cdn.example.net/vigie/v1/indexes/${manifest.indexId}/buckets/0f`,
    ]);
    urls.length = 0;
    // Nothing is fetched for a bucketBaseUrl that is not an absolute http(s) URL without query, fragment or credentials.
    for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'data:,x', '/static', '//cdn.example.net', 'https://cdn.example.net/?x=1', 'https://cdn.example.net/#f', 'https://u:p@cdn.example.net']) {
      expect(await codeOf(t.bucket({ ...manifest, bucketBaseUrl: bad }, '0f')), bad).toBe('E_PROTOCOL');
    }
    expect(urls).toEqual([]);
    expect(await codeOf(t.bucket({ ...manifest, indexId: '../x' }, '0f'))).toBe('E_PROTOCOL');
    expect(await codeOf(t.bucket(manifest, '0f/../../keys'))).toBe('E_PROTOCOL');
  });

  it('fetches a bucket the bucket host does not have yet (404) from the API, and nothing else', async () => {
    const manifest = { indexId: 'cd'.repeat(16), entrySize: 1, entriesPerBucket: 1, bucketBaseUrl: 'https://cdn.example.net' } as Manifest;
    const urls: string[] = [];
    const answers: Record<string, number> = { 'cdn.example.net': 404, 'api.example.fr': 200 };
    const t = createHttpTransport({
      baseUrl: 'https://api.example.fr',
      fetch: async (input) => {
        urls.push(String(input));
        const status = answers[new URL(String(input)).host]!;
        return status === 200 ? new Response(new Uint8Array([9])) : error(status, 'E_NOT_FOUND');
      },
    });
    expect([...(await t.bucket(manifest, '0f'))]).toEqual([9]);
    expect(urls).toEqual([`https://cdn.example.net/v1/indexes/${manifest.indexId}/buckets/0f`, `https://api.example.fr/v1/indexes/${manifest.indexId}/buckets/0f`]);
    // Any other failure of the bucket host is an error, not a reason to ask elsewhere.
    answers['cdn.example.net'] = 500;
    urls.length = 0;
    expect(await codeOf(t.bucket(manifest, '0f'))).toBe('E_PROTOCOL');
    expect(urls).toHaveLength(1);
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(() => createHttpTransport({ baseUrl: 'file:///etc/passwd' })).toThrow(/http/);
    expect(() => createHttpTransport({ baseUrl: 'not a url' })).toThrow(/valid URL/);
  });
});

describe('parseRetryAfter (RFC 9110 §10.2.3)', () => {
  it.each([
    ['5', 5],
    [' 120 ', 120],
    ['Wed, 21 Oct 2015 07:28:10 GMT', 10],
    ['Wed, 21 Oct 2015 07:27:00 GMT', 0],
    ['soon', null],
    [null, null],
  ])('%j -> %j', (value, seconds) => {
    expect(parseRetryAfter(value, Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(seconds);
  });
});
