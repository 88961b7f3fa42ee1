// The controller's dashboard: absent without a token, refuses a missing or wrong one (constant-time comparison),
// shows the breach's figures, the 72-hour clock, the campaign and checks per hour, and serves the dossier.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateControllerConfig } from '../controller/config.js';
import { exampleControllerConfig } from '../controller/example.js';
import { writeReport } from '../report/run.js';
import { bearerMatches, CheckCounter, MIN_ADMIN_TOKEN_LENGTH } from './admin.js';
import { createApp } from './app.js';
import { createFixture, type Fixture } from './test-fixture.js';
import { createHash } from 'node:crypto';
import { b64uEncode, blind } from '../crypto/index.js';

const TOKEN = 'k7Qz-3vX_9pLm2.RtY8wN4bH6jK1sD5fG0aZ~cV+eU/o';

describe('/admin', () => {
  let f: Fixture;
  const now = new Date();
  const config = (() => {
    const c = exampleControllerConfig();
    c.regulator!.breaches[0]!.detectedAt = new Date(now.getTime() - 12 * 3_600_000).toISOString();
    c.regulator!.breaches[0]!.awareAt = new Date(now.getTime() - 10 * 3_600_000).toISOString();
    return validateControllerConfig(JSON.parse(JSON.stringify(c)));
  })();

  beforeAll(async () => {
    f = await createFixture({ count: 30 });
  });
  afterAll(() => f?.cleanup());

  const app = (admin = true) =>
    createApp({ service: f.service, store: f.store, controller: config, rateLimit: null, ...(admin ? { admin: { token: TOKEN, store: f.store, checks: new CheckCounter() } } : {}) });

  it('does not exist without a token configured', async () => {
    for (const path of ['/admin', '/en/admin', '/admin/summary.json', '/admin/breaches/labos-2021/dossier.pdf']) {
      expect((await app(false).inject(path)).statusCode, path).toBe(404);
    }
  });

  it('refuses a weak token at startup', () => {
    expect(() => createApp({ service: f.service, store: f.store, admin: { token: 'short', store: f.store, checks: new CheckCounter() } })).toThrow(/at least 32/);
    expect(MIN_ADMIN_TOKEN_LENGTH).toBe(32);
  });

  it('refuses a missing, wrong, truncated, extended or non-Bearer token on every route', async () => {
    const a = app();
    const attempts: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` },
      { authorization: `bearer  ${TOKEN}` },
      { authorization: TOKEN },
      { authorization: `Bearer ${TOKEN.toUpperCase()}` },
    ];
    for (const path of ['/admin', '/en/admin', '/admin/summary.json', '/admin/breaches/labos-2021/dossier.json']) {
      for (const headers of attempts) {
        const response = await a.inject({ url: path, headers });
        expect(response.statusCode, `${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(response.headers['www-authenticate']).toBe('Bearer realm="vigie-admin"');
        expect(response.body).not.toContain('labos-2021');
      }
    }
    // The refusal of a page is the login form, in the page's language.
    const fr = await a.inject('/admin');
    expect(fr.body).toContain('Jeton d’administration');
    expect((await a.inject('/en/admin')).body).toContain('Administration token');
  });

  it('compares in constant time over digests of equal length', () => {
    const expected = createHash('sha256').update(TOKEN).digest();
    expect(bearerMatches(`Bearer ${TOKEN}`, expected)).toBe(true);
    expect(bearerMatches(undefined, expected)).toBe(false);
    expect(bearerMatches('Bearer ', expected)).toBe(false);
    expect(bearerMatches(`Bearer ${'A'.repeat(10_000)}`, expected)).toBe(false);
  });

  it('shows the figures, the clock, the campaign and checks per hour, in French and English', async () => {
    const checks = new CheckCounter();
    const a = createApp({ service: f.service, store: f.store, controller: config, rateLimit: null, admin: { token: TOKEN, store: f.store, checks } });
    const keyId = f.manifest.keyId;
    // Two evaluations counted (a refused one is not).
    const blinded = b64uEncode(blind(new TextEncoder().encode('nir:1550812345678')).blindedElement);
    await a.inject({ method: 'POST', url: '/v1/evaluate', payload: { keyId, blinded: [blinded] } });
    await a.inject({ method: 'POST', url: '/v1/evaluate', payload: { keyId, blinded: [blinded] } });
    await a.inject({ method: 'POST', url: '/v1/evaluate', payload: { keyId, blinded: ['AAAA'] } });
    const auth = { authorization: `Bearer ${TOKEN}` };
    const summary = (await a.inject({ url: '/admin/summary.json', headers: auth })).json() as {
      breaches: { id: string; persons: number; clock: { hoursElapsed: number; late: boolean } }[];
      checksPerHour: { checks: number }[];
    };
    expect(summary.breaches[0]).toMatchObject({ id: 'labos-2021', persons: 30, clock: { late: false } });
    expect(summary.breaches[0]!.clock.hoursElapsed).toBeCloseTo(10, 0);
    expect(summary.checksPerHour).toHaveLength(24);
    expect(summary.checksPerHour.at(-1)!.checks).toBe(2);
    const page = await a.inject({ url: '/admin', headers: auth });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('Délai de 72 heures');
    expect(page.body).toContain('<svg role="img"');
    expect((await a.inject({ url: '/en/admin', headers: auth })).body).toContain('72-hour deadline');
    expect((await a.inject('/admin/admin.js')).statusCode).toBe(200);
  });

  it('serves the latest dossier, and says when there is none', async () => {
    const a = app();
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await a.inject({ url: '/admin/breaches/labos-2021/dossier.pdf', headers: auth })).statusCode).toBe(404);
    await writeReport({ store: f.store, config, breachId: 'labos-2021', outDir: join(f.dir, 'dossier'), phase: 'initial', reference: null, delayReason: null });
    const pdf = await a.inject({ url: '/admin/breaches/labos-2021/dossier.pdf', headers: auth });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const md = await a.inject({ url: '/admin/breaches/labos-2021/dossier.en.md', headers: auth });
    expect(md.body).toContain('Personal data breach notification');
    expect((await a.inject({ url: '/admin/breaches/labos-2021/dossier.json', headers: auth })).json()).toMatchObject({ sequence: 1 });
    expect((await a.inject({ url: '/admin/breaches/labos-2021/..%2F..%2Fvigie.key', headers: auth })).statusCode).toBe(404);
    expect((await a.inject({ url: '/admin/breaches/nope/dossier.json', headers: auth })).statusCode).toBe(404);
  });
});

describe('vigie serve with VIGIE_ADMIN_TOKEN', () => {
  it('serves /admin only when the variable is set, behind the bearer token', async () => {
    const { readConfig } = await import('../config.js');
    const { startServer } = await import('../cli/serve.js');
    const { createServerLogger } = await import('./logging.js');
    const { Writable } = await import('node:stream');
    const f = await createFixture({ count: 5 });
    const sink = new Writable({ write: (_c, _e, done) => done() });
    try {
      const base = { VIGIE_DB: join(f.dir, 'vigie.db'), VIGIE_KEY_FILE: join(f.dir, 'vigie.key'), VIGIE_PORT: '0', VIGIE_PORTAL_DIR: 'off' };
      for (const [env, withToken] of [
        [base, false],
        [{ ...base, VIGIE_ADMIN_TOKEN: TOKEN }, true],
      ] as const) {
        const server = await startServer(readConfig(env), createServerLogger({ stream: sink }).logger);
        try {
          expect((await fetch(`${server.url}/admin`)).status).toBe(withToken ? 401 : 404);
          const ok = await fetch(`${server.url}/admin`, { headers: { Authorization: `Bearer ${TOKEN}` } });
          expect(ok.status).toBe(withToken ? 200 : 404);
        } finally {
          await server.close();
        }
      }
    } finally {
      f.cleanup();
    }
  });
});
