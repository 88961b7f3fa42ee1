// Red team: getting more guesses than the budget of one address (DESIGN §4 "Rate limits": per client address, IPv6
// by /64, a forwarded-for header believed only from configured proxies). Every header a proxy or CDN has ever used
// to name the client is forged; addresses are rotated inside a /64; many connections race for the same tokens; and
// real sockets from several loopback addresses show the budget follows the socket's peer, not what the client says.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryRateLimitStore } from '../../src/server/rate-limit/index.js';
import { blindAll, buildTarget, httpCall, injectEvaluate, portOf, shippedLimits, type Target } from './harness.js';

/** Headers that name "the real client" somewhere on the web; none may be believed from an untrusted peer. */
const CLIENT_HEADERS = [
  'x-forwarded-for',
  'forwarded',
  'x-real-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'fastly-client-ip',
  'x-originating-ip',
  'client-ip',
  'x-forwarded',
] as const;

function forged(i: number): Record<string, string> {
  const address = `192.0.2.${(i % 250) + 1}`;
  const headers: Record<string, string> = {};
  for (const name of CLIENT_HEADERS) headers[name] = name === 'forwarded' ? `for=${address};proto=https` : address;
  return headers;
}

let target: Target;
let body: string;
const burst = shippedLimits().evaluate.burst;

beforeAll(async () => {
  target = await buildTarget({ csv: 'NOM;NIR\nMARTIN;255081416802538\n' });
  body = JSON.stringify({ keyId: target.key.keyId, blinded: blindAll(['nir:2550814168025']).blinded });
}, 120_000);

afterAll(async () => {
  await target?.close();
});

/** Statuses of `n` sequential evaluations of one element each. */
async function statuses(n: number, send: (i: number) => Promise<{ statusCode: number } | { status: number }>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await send(i);
    out.push('statusCode' in r ? r.statusCode : r.status);
  }
  return out;
}

/**
 * The shipped limits on a stopped clock: no token comes back while a test runs, however slow the machine, so the
 * counts below are the budget itself and never the budget plus a refill.
 */
const shipped = () => createMemoryRateLimitStore({ ...shippedLimits().evaluate, now: () => 0 });

const expected = (allowed: number, refused: number) => [...Array<number>(allowed).fill(200), ...Array<number>(refused).fill(429)];

describe('forged client headers', () => {
  it('are ignored from an untrusted peer, whichever header names the client', async () => {
    const app = target.app({ rateLimit: shipped() });
    expect(await statuses(burst + 10, (i) => injectEvaluate(app, body, '203.0.113.9', forged(i)))).toEqual(expected(burst, 10));
  });

  it('behind a trusted proxy, only the right-most X-Forwarded-For hop the proxy wrote counts; Forwarded and the rest are ignored', async () => {
    const app = target.app({ rateLimit: shipped(), trustedProxies: ['10.0.0.0/8'] });
    // The proxy appends the client it saw (198.51.100.4) after whatever the client wrote itself.
    const viaProxy = (i: number) => injectEvaluate(app, body, '10.0.0.2', { ...forged(i), 'x-forwarded-for': `${forged(i)['x-forwarded-for']}, 198.51.100.4` });
    expect(await statuses(burst + 5, viaProxy)).toEqual(expected(burst, 5));
    // A proxy that sends only Forwarded (RFC 7239) is not read: its clients share the proxy's budget (more limiting, never less).
    const forwardedOnly = (i: number) => injectEvaluate(app, body, '10.0.0.3', { forwarded: `for=198.51.100.${i + 1}` });
    expect(await statuses(burst + 5, forwardedOnly)).toEqual(expected(burst, 5));
  });
});

describe('rotating IPv6 addresses', () => {
  it('inside one /64 shares one budget', async () => {
    const app = target.app({ rateLimit: shipped() });
    const random16 = () => Math.floor(Math.random() * 0x10000).toString(16);
    const rotating = () => injectEvaluate(app, body, `2001:db8:aa:bb:${random16()}:${random16()}:${random16()}:${random16()}`);
    expect(await statuses(burst + 10, rotating)).toEqual(expected(burst, 10));
    // The same /64 written in other ways: compressed, IPv4-embedded tail, a zone id.
    for (const spelling of ['2001:db8:aa:bb::1', '2001:0db8:00aa:00bb:0:0:0:2', '2001:db8:aa:bb::192.0.2.1', '2001:db8:aa:bb::3%eth0']) {
      expect((await injectEvaluate(app, body, spelling)).statusCode, spelling).toBe(429);
    }
  });

  it('across /64s is a fresh budget each: a site holding a /48 has 65,536 of them (stated residual risk)', async () => {
    const app = target.app({ rateLimit: shipped() });
    for (let subnet = 0; subnet < 4; subnet++) {
      const from = `2001:db8:cc:${subnet.toString(16)}::1`;
      expect(await statuses(burst + 1, () => injectEvaluate(app, body, from))).toEqual(expected(burst, 1));
    }
  });
});

describe('real sockets', () => {
  let port: number;
  beforeAll(async () => {
    const app = target.app({ rateLimit: shipped() });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = portOf(app);
  });

  const post = (localAddress: string, headers: Record<string, string> = {}) =>
    httpCall({ port, method: 'POST', path: '/v1/evaluate', headers: { 'content-type': 'application/json', ...headers }, body, localAddress });

  it('key the budget on the connection\'s peer address, whatever the headers say', async () => {
    expect(await statuses(burst + 5, (i) => post('127.0.0.5', forged(i)))).toEqual(expected(burst, 5));
    // Another loopback address is another client.
    expect((await post('127.0.0.6')).status).toBe(200);
  });

  it('give many parallel connections from one address exactly one budget between them', async () => {
    const answers = await Promise.all(Array.from({ length: 3 * burst }, (_, i) => post('127.0.0.7', forged(i))));
    const counts = answers.reduce<Record<number, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {});
    expect(counts).toEqual({ 200: burst, 429: 2 * burst });
    for (const a of answers.filter((x) => x.status === 429)) expect(Number(a.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});
