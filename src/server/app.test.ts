// The HTTP surface in-process (app.inject, no socket): every route, its headers, its errors and its limits.

import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64uDecode, b64uEncode } from '../crypto/encoding.js';
import { blind, finalizeBatch } from '../crypto/voprf-client.js';
import { createLookupClient } from '../lookup/client.js';
import { bucketHexOf } from '../lookup/client.js';
import type { LookupTransport } from '../lookup/protocol.js';
import { BUCKET_CACHE_CONTROL, createApp, type AppOptions } from './app.js';
import { createMetrics } from './metrics.js';
import { createFixture, type Fixture } from './test-fixture.js';

const enc = new TextEncoder();
let f: Fixture;

beforeAll(async () => {
  f = await createFixture();
});
afterAll(() => f?.cleanup());

function makeApp(options: Partial<AppOptions> = {}) {
  return createApp({ service: f.service, store: f.store, rateLimit: null, ...options });
}

function blindedOf(...canonicals: string[]) {
  const blinds = canonicals.map((c) => blind(enc.encode(c)));
  return { blinds, blinded: blinds.map((b) => b64uEncode(b.blindedElement)) };
}

const evaluate = (app: ReturnType<typeof makeApp>, body: unknown, headers: Record<string, string> = {}, remoteAddress?: string) =>
  app.inject({
    method: 'POST',
    url: '/v1/evaluate',
    payload: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
    ...(remoteAddress === undefined ? {} : { remoteAddress }),
  });

/** A transport over app.inject, so the real client runs against the real routes without a socket. */
function injectTransport(app: ReturnType<typeof makeApp>): LookupTransport {
  const json = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const response = await app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
    expect(response.statusCode, url).toBe(200);
    return response.json();
  };
  return {
    keys: () => json('GET', '/v1/keys'),
    index: () => json('GET', '/v1/index'),
    evaluate: (request) => json('POST', '/v1/evaluate', request),
    bucket: async (manifest, hex) => (await app.inject({ url: `/v1/indexes/${manifest.indexId}/buckets/${hex}` })).rawPayload,
  };
}

describe('the protocol routes', () => {
  it('publishes the key and the manifest of the current index', async () => {
    const app = makeApp();
    const keys = (await app.inject('/v1/keys')).json();
    expect(keys).toEqual({ keys: [{ keyId: f.key.keyId, suite: 'ristretto255-SHA512', mode: 'voprf', publicKey: b64uEncode(f.key.publicKey) }] });
    const manifest = (await app.inject('/v1/index')).json();
    expect(manifest).toEqual(f.manifest);
  });

  it('evaluates a batch with one proof that the client verifies, giving the outputs of the secret key', async () => {
    const app = makeApp();
    const inputs = [f.members[0]!, 'email:nobody@example.fr', f.members[1]!];
    const { blinds, blinded } = blindedOf(...inputs);
    const response = await evaluate(app, { keyId: f.key.keyId, blinded });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const { evaluated, proof } = response.json() as { evaluated: string[]; proof: string };
    expect(evaluated).toHaveLength(3);
    expect(b64uDecode(proof)).toHaveLength(64);
    const ys = finalizeBatch(
      inputs.map((i) => enc.encode(i)),
      blinds.map((b) => b.blind),
      blinds.map((b) => b.blindedElement),
      evaluated.map(b64uDecode),
      b64uDecode(proof),
      f.key.publicKey,
    );
    ys.forEach((y, i) => expect(Buffer.from(y).toString('hex')).toBe(Buffer.from(f.server.evaluate(enc.encode(inputs[i]!))).toString('hex')));
  });

  it('lets the real client find members and only members', async () => {
    const client = createLookupClient({ transport: injectTransport(makeApp()) });
    const result = await client.check([
      { type: 'nir', canonical: f.members[3]! },
      { type: 'nir', canonical: 'nir:1999999999999' },
      { type: 'nir', canonical: f.members[39]! },
    ]);
    expect(result.results.map((r) => r.found)).toEqual([true, false, true]);
    expect(result.matches[0]!.breaches).toEqual([{ id: 'labos-2021', categories: ['identity', 'nir', 'health_comment'] }]);
  });

  it('serves buckets as immutable octets with a strong ETag and answers 304 to If-None-Match', async () => {
    const app = makeApp();
    const hex = await bucketHexOf(f.members[0]!, f.manifest.bucketBits);
    const url = `/v1/indexes/${f.manifest.indexId}/buckets/${hex}`;
    const first = await app.inject(url);
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('application/octet-stream');
    expect(first.headers['cache-control']).toBe(BUCKET_CACHE_CONTROL);
    expect(first.rawPayload).toHaveLength(f.manifest.entrySize * f.manifest.entriesPerBucket);
    expect(Buffer.compare(first.rawPayload, Buffer.from((await f.service.bucketOf(f.manifest.indexId, hex))!))).toBe(0);
    const etag = first.headers['etag'] as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/); // strong: no W/ prefix

    for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await app.inject({ url, headers: { 'if-none-match': inm } });
      expect(again.statusCode, inm).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers['etag']).toBe(etag);
      expect(again.headers['cache-control']).toBe(BUCKET_CACHE_CONTROL);
    }
    expect((await app.inject({ url, headers: { 'if-none-match': '"other"' } })).statusCode).toBe(200);
    const head = await app.inject({ method: 'HEAD', url });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    // Every bucket has the same size.
    for (let b = 0; b < 2 ** f.manifest.bucketBits; b++) {
      const r = await app.inject(`/v1/indexes/${f.manifest.indexId}/buckets/${b.toString(16)}`);
      expect(r.rawPayload).toHaveLength(f.manifest.entrySize * f.manifest.entriesPerBucket);
    }
  });

  it('describes breaches with counts in CNIL bands only', async () => {
    const body = (await makeApp().inject('/v1/breaches')).json();
    expect(body).toEqual({
      breaches: [
        {
          id: 'labos-2021',
          title: 'Laboratoires 2021',
          controller: null,
          firstIngestAt: expect.any(String),
          lastIngestAt: expect.any(String),
          categories: ['identity', 'nir', 'health_comment'],
          persons: '6-50',
        },
      ],
    });
    // The exact count (40 persons) appears nowhere; the ingest timestamps are left out, as they may hold "40".
    const { firstIngestAt: _first, lastIngestAt: _last, ...rest } = (body as { breaches: Record<string, unknown>[] }).breaches[0]!;
    expect(JSON.stringify(rest)).not.toMatch(/\b40\b/);
  });

  it('answers /healthz', async () => {
    expect((await makeApp().inject('/healthz')).json()).toEqual({ status: 'ok', index: true });
  });
});

describe('errors', () => {
  const expectError = async (response: { statusCode: number; json(): unknown; headers: Record<string, unknown> }, status: number, code: string) => {
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({ error: { code, message: expect.any(String) } });
  };

  it('refuses the identity element and non-canonical encodings before any scalar work', async () => {
    const app = makeApp();
    const good = blindedOf(f.members[0]!).blinded[0]!;
    const identity = b64uEncode(new Uint8Array(32));
    const odd = new Uint8Array(32);
    odd[0] = 1; // s = 1 is "negative" (odd): not a canonical ristretto255 encoding (RFC 9496 §4.3.1)
    const p = new Uint8Array(32).fill(0xff); // s = p = 2^255 - 19, little-endian: not reduced
    p[31] = 0x7f;
    p[0] = 0xed;
    const topBit = b64uDecode(good);
    topBit[31]! |= 0x80; // the unused top bit set
    for (const bad of [identity, b64uEncode(odd), b64uEncode(p), b64uEncode(topBit)]) {
      await expectError(await evaluate(app, { keyId: f.key.keyId, blinded: [good, bad] }), 400, 'E_PROTOCOL');
    }
  });

  it.each([
    ['9 elements', (b: string) => ({ blinded: Array(9).fill(b) })],
    ['0 elements', () => ({ blinded: [] })],
    ['a short element', () => ({ blinded: ['AAAA'] })],
    ['a non-canonical base64url (trailing bits)', (b: string) => ({ blinded: [`${b.slice(0, 42)}B`] })],
    ['standard base64', (b: string) => ({ blinded: [`${b.slice(0, 41)}+/`.slice(0, 43)] })],
    ['a number', () => ({ blinded: [42] })],
    ['an extra property', (b: string) => ({ blinded: [b], extra: 1 })],
    ['no keyId', (b: string) => ({ keyId: undefined, blinded: [b] })],
    ['a keyId of the wrong type', (b: string) => ({ keyId: 7, blinded: [b] })],
  ])('refuses %s with 400 E_BAD_REQUEST', async (_name, make) => {
    const b = blindedOf(f.members[0]!).blinded[0]!;
    const body = { keyId: f.key.keyId, ...make(b) };
    await expectError(await evaluate(makeApp(), body), 400, 'E_BAD_REQUEST');
  });

  it('refuses an unknown keyId with E_UNKNOWN_KEY', async () => {
    const { blinded } = blindedOf(f.members[0]!);
    await expectError(await evaluate(makeApp(), { keyId: '0000000000000000', blinded }), 400, 'E_UNKNOWN_KEY');
  });

  it('refuses other media types, malformed JSON and large bodies', async () => {
    const app = makeApp();
    const { blinded } = blindedOf(f.members[0]!);
    const body = JSON.stringify({ keyId: f.key.keyId, blinded });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'application/jsonx']) {
      await expectError(await evaluate(app, body, { 'content-type': type }), 415, 'E_UNSUPPORTED_MEDIA_TYPE');
    }
    expect((await evaluate(app, body, { 'content-type': 'Application/JSON; charset="UTF-8"' })).statusCode).toBe(200);
    await expectError(await app.inject({ method: 'POST', url: '/v1/evaluate' }), 415, 'E_UNSUPPORTED_MEDIA_TYPE');
    await expectError(await evaluate(app, '{"keyId":'), 400, 'E_BAD_REQUEST');
    await expectError(await evaluate(app, '{"__proto__":{"x":1},"keyId":"a","blinded":[]}'), 400, 'E_BAD_REQUEST');
    await expectError(await evaluate(app, JSON.stringify({ keyId: f.key.keyId, blinded, pad: 'x'.repeat(5000) })), 413, 'E_PAYLOAD_TOO_LARGE');
  });

  it('refuses bad bucket ids with 400, unknown indexes and buckets with 404', async () => {
    const app = makeApp();
    const id = f.manifest.indexId;
    await expectError(await app.inject(`/v1/indexes/${id}/buckets/ZZ`), 400, 'E_BAD_REQUEST');
    await expectError(await app.inject(`/v1/indexes/${id}/buckets/123456789`), 400, 'E_BAD_REQUEST');
    await expectError(await app.inject(`/v1/indexes/${id.toUpperCase()}/buckets/0`), 400, 'E_BAD_REQUEST');
    await expectError(await app.inject(`/v1/indexes/${'0'.repeat(32)}/buckets/0`), 404, 'E_UNKNOWN_INDEX');
    await expectError(await app.inject(`/v1/indexes/${id}/buckets/00`), 404, 'E_NOT_FOUND');
    await expectError(await app.inject(`/v1/indexes/${id}/buckets/%ZZ`), 400, 'E_BAD_REQUEST');
  });

  it('answers unknown routes with 404 and known ones with another method with 405 and Allow', async () => {
    const app = makeApp();
    await expectError(await app.inject('/v1/nothing'), 404, 'E_NOT_FOUND');
    await expectError(await app.inject('/'), 404, 'E_NOT_FOUND');
    await expectError(await app.inject('/v1/keys/'), 404, 'E_NOT_FOUND');
    const r = await app.inject({ method: 'DELETE', url: '/v1/keys' });
    await expectError(r, 405, 'E_METHOD_NOT_ALLOWED');
    expect(r.headers['allow']).toBe('GET, HEAD, OPTIONS');
    const g = await app.inject('/v1/evaluate');
    await expectError(g, 405, 'E_METHOD_NOT_ALLOWED');
    expect(g.headers['allow']).toBe('POST, OPTIONS');
  });

  it('answers 503 E_NO_INDEX before any index is published, and stays healthy', async () => {
    const app = createApp({
      service: { ...f.service, index: async () => Promise.reject(new (await import('../errors.js')).VigieError('E_NO_INDEX', 'none at /secret/path')) },
      store: { breaches: () => [], manifest: () => null },
    });
    const r = await app.inject('/v1/index');
    await expectError(r, 503, 'E_NO_INDEX');
    expect(r.body).not.toContain('/secret/path');
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok', index: false });
  });

  it('turns an unexpected failure into 500 E_INTERNAL without its message', async () => {
    const lines: string[] = [];
    const app = createApp({
      service: { ...f.service, keys: async () => Promise.reject(new Error('boom nir:2550814168025')) },
      store: f.store,
      logger: pino({}, { write: (s: string) => void lines.push(s) }),
    });
    const r = await app.inject('/v1/keys');
    await expectError(r, 500, 'E_INTERNAL');
    expect(r.body).not.toContain('boom');
    expect(lines.join('')).toContain('internal error');
    expect(lines.join('')).not.toContain('2550814168025');
  });
});

describe('headers', () => {
  it('sets the security headers on every answer, errors included', async () => {
    const app = makeApp({ hsts: 31536000 });
    for (const url of ['/v1/keys', '/v1/index', '/v1/nothing', '/healthz', '/metrics', '/nothing', `/v1/indexes/${f.manifest.indexId}/buckets/0`]) {
      const r = await app.inject(url);
      expect(r.headers['x-content-type-options'], url).toBe('nosniff');
      expect(r.headers['referrer-policy'], url).toBe('no-referrer');
      expect(r.headers['strict-transport-security'], url).toBe('max-age=31536000');
      expect(r.headers['cross-origin-resource-policy'], url).toBe(url.startsWith('/v1/') ? 'cross-origin' : 'same-origin');
      expect(r.headers['access-control-allow-origin'], url).toBe(url.startsWith('/v1/') ? '*' : undefined);
      expect(r.headers['access-control-allow-credentials'], url).toBeUndefined();
    }
    expect((await makeApp().inject('/v1/keys')).headers['strict-transport-security']).toBeUndefined();
  });

  it('answers the CORS preflight of a cross-origin evaluation', async () => {
    const r = await makeApp().inject({
      method: 'OPTIONS',
      url: '/v1/evaluate',
      headers: { origin: 'https://portal.insurer.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(r.statusCode).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(r.headers['access-control-allow-methods']).toContain('POST');
    expect(String(r.headers['access-control-allow-headers']).toLowerCase()).toContain('content-type');
  });
});

describe('rate limits on /v1/evaluate', () => {
  const burst = { burst: 8, refillPerSecond: 0.001 };
  const one = () => ({ keyId: f.key.keyId, blinded: blindedOf(f.members[0]!).blinded });

  it('limits a burst from one address after its budget, with Retry-After, spoofed X-Forwarded-For or not', async () => {
    const metrics = createMetrics();
    const app = makeApp({ rateLimit: burst, metrics });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const spoof: Record<string, string> = i % 2 === 0 ? { 'x-forwarded-for': `198.51.100.${i}` } : {};
      const r = await evaluate(app, one(), spoof, '203.0.113.9');
      statuses.push(r.statusCode);
      if (r.statusCode === 429) {
        expect(r.json()).toEqual({ error: { code: 'E_RATE_LIMITED', message: expect.any(String) } });
        expect(r.headers['retry-after']).toMatch(/^[1-9]\d*$/);
        expect(r.headers['access-control-expose-headers']).toContain('Retry-After');
      }
    }
    expect(statuses).toEqual([...Array(8).fill(200), ...Array(4).fill(429)]);
    // Another address still has its budget.
    expect((await evaluate(app, one(), {}, '203.0.113.10')).statusCode).toBe(200);
    expect((await app.inject('/metrics')).body).toContain('vigie_rate_limited_total{route="/v1/evaluate"} 4');
  });

  it('charges a batch of n elements n tokens', async () => {
    const app = makeApp({ rateLimit: burst });
    const eight = { keyId: f.key.keyId, blinded: blindedOf(...f.members.slice(0, 8)).blinded };
    expect((await evaluate(app, eight, {}, '203.0.113.20')).statusCode).toBe(200);
    expect((await evaluate(app, one(), {}, '203.0.113.20')).statusCode).toBe(429);
  });

  it('gives distinct forwarded clients of a trusted proxy distinct budgets', async () => {
    const app = makeApp({ rateLimit: burst, trustedProxies: ['127.0.0.0/8', '::1'] });
    for (let i = 0; i < 8; i++) expect((await evaluate(app, one(), { 'x-forwarded-for': '192.0.2.1' }, '127.0.0.1')).statusCode).toBe(200);
    expect((await evaluate(app, one(), { 'x-forwarded-for': '192.0.2.1' }, '127.0.0.1')).statusCode).toBe(429);
    // A client forging its own X-Forwarded-For behind the proxy is still itself (the right-most untrusted).
    expect((await evaluate(app, one(), { 'x-forwarded-for': '192.0.2.77, 192.0.2.1' }, '127.0.0.1')).statusCode).toBe(429);
    expect((await evaluate(app, one(), { 'x-forwarded-for': '192.0.2.2' }, '127.0.0.1')).statusCode).toBe(200);
    expect((await evaluate(app, one(), { 'x-forwarded-for': '192.0.2.1' }, '::1')).statusCode).toBe(429);
  });

  it('makes IPv6 addresses of one /64 share a budget, and IPv4-mapped peers count as IPv4', async () => {
    const app = makeApp({ rateLimit: burst });
    for (let i = 0; i < 8; i++) expect((await evaluate(app, one(), {}, `2001:db8:1:2::${i + 1}`)).statusCode).toBe(200);
    expect((await evaluate(app, one(), {}, '2001:db8:1:2:ffff::9')).statusCode).toBe(429);
    expect((await evaluate(app, one(), {}, '2001:db8:1:3::1')).statusCode).toBe(200);
    for (let i = 0; i < 8; i++) expect((await evaluate(app, one(), {}, '192.0.2.50')).statusCode).toBe(200);
    expect((await evaluate(app, one(), {}, '::ffff:192.0.2.50')).statusCode).toBe(429);
  });

  it('does not charge requests refused before evaluation', async () => {
    const app = makeApp({ rateLimit: burst });
    for (let i = 0; i < 20; i++) await evaluate(app, { keyId: f.key.keyId, blinded: Array(9).fill(one().blinded[0]) }, {}, '203.0.113.30');
    expect((await evaluate(app, one(), {}, '203.0.113.30')).statusCode).toBe(200);
  });
});

describe('metrics and logs', () => {
  it('exposes Prometheus metrics labelled by route pattern, never by URL', async () => {
    const app = makeApp();
    const hex = await bucketHexOf(f.members[5]!, f.manifest.bucketBits);
    await app.inject(`/v1/indexes/${f.manifest.indexId}/buckets/${hex}`);
    await app.inject('/v1/nothing?x=nir:2550814168025');
    await evaluate(app, { keyId: f.key.keyId, blinded: blindedOf(f.members[0]!, f.members[1]!).blinded });
    const r = await app.inject('/metrics');
    expect(r.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = r.body;
    expect(text).toContain('vigie_http_requests_total{method="GET",route="/v1/indexes/:indexId/buckets/:hex",status="200"} 1');
    expect(text).toContain('vigie_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toContain('vigie_http_requests_total{method="POST",route="/v1/evaluate",status="200"} 1');
    expect(text).toMatch(/vigie_http_request_duration_seconds_bucket\{route="\/v1\/evaluate",le="\+Inf"\} 1/);
    expect(text).toContain('vigie_evaluations_total 2');
    expect(text).not.toContain(f.manifest.indexId);
    expect(text).not.toContain('2550814168025');
    // Every sample line is well-formed.
    for (const line of text.trim().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) .+|[a-z_]+(\{[^}]*\})? [0-9.e+-]+)$/);
  });

  it('logs request id, route pattern, status and duration, and nothing the client sent', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (s: string) => void lines.push(s) });
    const app = makeApp({ logger, rateLimit: { burst: 8, refillPerSecond: 0.001 } });
    const secrets: string[] = [f.manifest.indexId, 'nir:2550814168025', '2550814168025', 'marker-query-value'];
    for (const member of f.members.slice(0, 12)) {
      const { blinded } = blindedOf(member);
      secrets.push(member, member.slice(4), ...blinded);
      const response = await evaluate(app, { keyId: f.key.keyId, blinded }, { 'x-forwarded-for': '192.0.2.99' }, '203.0.113.40');
      if (response.statusCode === 200) secrets.push(...(response.json() as { evaluated: string[]; proof: string }).evaluated);
      const hex = await bucketHexOf(member, f.manifest.bucketBits);
      await app.inject(`/v1/indexes/${f.manifest.indexId}/buckets/${hex}?q=marker-query-value`);
      secrets.push(`buckets/${hex}`);
    }
    await app.inject(`/v1/nothing/nir:2550814168025?nir=2550814168025`);
    await app.inject(`/v1/indexes/${f.manifest.indexId}/buckets/%ZZ2550814168025`);
    await evaluate(app, '{"keyId":"nir:2550814168025"');
    await evaluate(app, { keyId: 'nir:2550814168025', blinded: ['nir:2550814168025'] });
    await app.inject({ method: 'POST', url: '/v1/evaluate', payload: 'nir:2550814168025', headers: { 'content-type': 'text/plain' } });
    secrets.push('192.0.2.99', '203.0.113.40');

    const text = lines.join('');
    expect(lines.length).toBeGreaterThan(24);
    for (const secret of secrets) expect(text, secret).not.toContain(secret);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = entries.filter((e) => e['msg'] === 'request');
    expect(requests.length).toBe(24 + 5);
    for (const e of requests) {
      expect(Object.keys(e).sort()).toEqual(['level', 'method', 'ms', 'msg', 'pid', 'hostname', 'reqId', 'route', 'status', 'time'].sort());
      expect(e['reqId']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(new Set(requests.map((e) => e['route']))).toEqual(new Set(['/v1/evaluate', '/v1/indexes/:indexId/buckets/:hex', 'unmatched']));
    expect(new Set(requests.map((e) => e['status']))).toEqual(new Set([200, 429, 404, 400, 415]));
  });
});
