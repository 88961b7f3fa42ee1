// Red team, the controller's dashboard (docs/threat-model.md "admin token"): the bearer token guards the breach's
// figures and the regulator dossier. A wrong token must learn nothing from how long the refusal took: every attempt,
// missing, short, long or of the right length, is hashed to 32 bytes and compared with crypto.timingSafeEqual
// (admin.ts bearerMatches), which this file watches happen. Refusals are 401 with RFC 6750 §3's challenge, and
// neither the token nor any attempt ever reaches the logs.

import * as nodeCrypto from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CheckCounter } from '../../src/server/admin.js';
import { buildTarget, type Target } from './harness.js';

// Every call of timingSafeEqual in the code under test passes through this spy (and the real function).
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const TOKEN = 'Zq8-Lk2_vW9.mN4~rT7+pX1/hB5jC3dF6gH0sA==';
const spy = vi.mocked(nodeCrypto.timingSafeEqual);

let target: Target;
const lines: string[] = [];
let app: ReturnType<Target['app']>;

beforeAll(async () => {
  target = await buildTarget({ csv: 'NOM;NIR\nMARTIN;255081416802538\n' });
  app = target.app({
    rateLimit: null,
    logger: pino({ level: 'trace' }, { write: (s: string) => void lines.push(s) }),
    admin: { token: TOKEN, store: target.store, checks: new CheckCounter() },
  });
}, 120_000);

afterAll(async () => {
  await target?.close();
});

const sameLength = (i: number) => [...TOKEN].map((ch, j) => (j === i ? (ch === 'A' ? 'B' : 'A') : ch)).join('');
const ATTEMPTS: [string, Record<string, string>][] = [
  ['no header', {}],
  ['an empty bearer', { authorization: 'Bearer ' }],
  ['the right length, first character wrong', { authorization: `Bearer ${sameLength(0)}` }],
  ['the right length, last character wrong', { authorization: `Bearer ${sameLength(TOKEN.length - 1)}` }],
  ['one character short', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
  ['one character long', { authorization: `Bearer ${TOKEN}A` }],
  ['10,000 characters', { authorization: `Bearer ${'A'.repeat(10_000)}` }],
  ['the token in Basic', { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` }],
  ['the token without a scheme', { authorization: TOKEN }],
  ['the token in a query string only', {}],
];

describe('the admin token', () => {
  it.each(ATTEMPTS)('refuses %s with 401, after one constant-time comparison of two 32-byte digests', async (name, headers) => {
    for (const url of ['/admin/summary.json', '/admin/breaches/labos-2021/dossier.json', '/admin']) {
      spy.mockClear();
      const path = name.includes('query') ? `${url}?token=${encodeURIComponent(TOKEN)}` : url;
      const r = await app.inject({ url: path, headers });
      expect(r.statusCode, url).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Bearer realm="vigie-admin"');
      expect(r.body).not.toContain(TOKEN);
      // Exactly one comparison, always on equal-length digests: the time says nothing of how close the guess was.
      expect(spy).toHaveBeenCalledTimes(1);
      const [a, b] = spy.mock.calls[0]!;
      expect([a.byteLength, b.byteLength]).toEqual([32, 32]);
    }
  });

  it('lets the right token in (the control), through the same comparison', async () => {
    spy.mockClear();
    const r = await app.inject({ url: '/admin/summary.json', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.statusCode).toBe(200);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('never writes the token or an attempt into the logs', () => {
    const text = lines.join('');
    expect(lines.length).toBeGreaterThan(20);
    expect(text).not.toContain(TOKEN);
    for (const [, headers] of ATTEMPTS) {
      const value = headers.authorization;
      if (value !== undefined && value.length > 8) expect(text).not.toContain(value.replace(/^\w+ /, ''));
    }
    expect(text).not.toContain('authorization');
  });
});
