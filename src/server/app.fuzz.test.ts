// Fuzzing of the HTTP surface (issue 3 "Must hold"): random methods, paths, headers and bodies, JSON or garbage.
// Never a 5xx, always the JSON error shape for an error, and the server still answers afterwards.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64uEncode } from '../crypto/encoding.js';
import { createApp } from './app.js';
import { createFixture, type Fixture } from './test-fixture.js';

let f: Fixture;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  f = await createFixture();
  app = createApp({ service: f.service, store: f.store, rateLimit: { burst: 1_000_000, refillPerSecond: 1_000_000 } });
});
afterAll(async () => {
  await app?.close();
  f?.cleanup();
});

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'SEARCH', 'LOCK'];
const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,80}$/);

const segment = fc.oneof(
  fc.constantFrom('v1', 'keys', 'index', 'evaluate', 'indexes', 'buckets', 'breaches', 'openapi.json', 'healthz', 'metrics', '', '..', '.', '%00', '%ZZ', '%2F'),
  fc.constant('IDX'),
  fc.stringMatching(/^[0-9a-f]{0,40}$/),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
);
const path = fc
  .tuple(fc.array(segment, { maxLength: 7 }), fc.option(fc.string({ maxLength: 40 }).map(encodeURIComponent)))
  .map(([segments, query]) => `/${segments.join('/')}${query === null ? '' : `?${query}`}`);

const element = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(b64uEncode);
const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.record({ keyId: fc.oneof(fc.constant('KEY'), fc.string()), blinded: fc.array(fc.oneof(element, fc.string()), { maxLength: 10 }) }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 6000 }).map((b) => Buffer.from(b)),
);
const contentType = fc.oneof(
  fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/octet-stream', 'multipart/form-data; boundary=x', ''),
  headerValue,
);
const headers = fc.dictionary(
  fc.oneof(fc.constantFrom('x-forwarded-for', 'if-none-match', 'accept', 'origin', 'accept-encoding', 'content-encoding', 'range', 'expect', 'transfer-encoding'), token.map((t) => t.toLowerCase())),
  headerValue,
  { maxKeys: 5 },
);

function expectGoodAnswer(response: { statusCode: number; body: string; headers: Record<string, unknown> }, what: string): void {
  expect(response.statusCode, what).toBeLessThan(500);
  expect(response.headers['x-content-type-options'], what).toBe('nosniff');
  if (response.statusCode >= 400 && !what.startsWith('HEAD ')) {
    const parsed = JSON.parse(response.body) as { error?: { code?: unknown; message?: unknown } };
    expect(Object.keys(parsed), what).toEqual(['error']);
    expect(parsed.error?.code, what).toMatch(/^E_[A-Z_]+$/);
    expect(typeof parsed.error?.message, what).toBe('string');
  }
}

describe('HTTP fuzzing', () => {
  it('answers random requests without a 5xx, errors in the JSON shape', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHODS), path, headers, contentType, body, async (method, rawPath, extra, type, payload) => {
        const url = rawPath.replace('IDX', f.manifest.indexId);
        const hdrs: Record<string, string> = { ...extra };
        delete hdrs['content-length'];
        delete hdrs['transfer-encoding'];
        delete hdrs['host'];
        if (type !== '') hdrs['content-type'] = type;
        const withBody = payload === undefined ? {} : { payload: typeof payload === 'string' ? payload.replace('KEY', f.key.keyId) : payload };
        const response = await app.inject({ method: method as 'GET', url, headers: hdrs, ...withBody });
        expectGoodAnswer(response, `${method} ${url}`);
      }),
      { numRuns: 1500 },
    );
    expect((await app.inject('/healthz')).statusCode).toBe(200);
  });

  it('answers random evaluation bodies with 200 or a 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(element, { minLength: 1, maxLength: 8 }), async (blinded) => {
        const response = await app.inject({
          method: 'POST',
          url: '/v1/evaluate',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ keyId: f.key.keyId, blinded }),
        });
        expectGoodAnswer(response, blinded.join(','));
        expect([200, 400]).toContain(response.statusCode);
      }),
      { numRuns: 300 },
    );
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok', index: true });
  });
});
