// The notice endpoint and the portal's HTTP surface in-process (app.inject): sealed bytes, 404 and schema, its own
// rate limit, opens counted, ids never logged; pages in both languages with the portal's CSP; assets by name only
// (no traversal), immutable and compressed; the controller's name in /v1/breaches and in the pages, escaped.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleControllerConfig } from '../controller/example.js';
import type { ControllerConfig } from '../controller/types.js';
import { b64uEncode } from '../crypto/encoding.js';
import { deriveNoticeKeys } from '../crypto/hkdf-seal.js';
import { parseNoticeCode } from '../crypto/notice-code.js';
import { openNoticeByCode, type NoticeDocument } from '../lookup/notice.js';
import { createApp, type AppOptions } from './app.js';
import { ASSET_CACHE_CONTROL, bucketOrigin, loadPortalAssets, type PortalAssets } from './portal.js';
import { createFixture, sealNotice, type Fixture } from './test-fixture.js';

let f: Fixture;
let assetsDir: string;
let assets: PortalAssets;
let code: string;
let noticeId: string;
const SCRIPT = 'console.log("the portal bundle");\n'.repeat(40);

const doc: NoticeDocument = {
  v: 1,
  breach: 'labos-2021',
  reference: 'REF-1',
  lang: 'fr',
  issuedAt: '2021-03-15',
  labs: ['LAB01'],
  categories: ['identity', 'nir'],
  masked: { nir: '2 55 08 ** *** *** 38' },
};

beforeAll(async () => {
  f = await createFixture({ count: 4 });
  code = sealNotice(f.store, doc);
  noticeId = (await deriveNoticeKeys(parseNoticeCode(code)!)).noticeId;
  // A build as Vite writes it: a manifest naming the entry, hashed files under assets/.
  assetsDir = mkdtempSync(join(tmpdir(), 'vigie-portal-build-'));
  mkdirSync(join(assetsDir, '.vite'));
  mkdirSync(join(assetsDir, 'assets'));
  writeFileSync(join(assetsDir, '.vite', 'manifest.json'), JSON.stringify({ 'main.ts': { file: 'assets/main-AbC123.js', css: ['assets/main-XyZ789.css'], isEntry: true } }));
  writeFileSync(join(assetsDir, 'assets', 'main-AbC123.js'), SCRIPT);
  writeFileSync(join(assetsDir, 'assets', 'main-XyZ789.css'), 'body{color:#111}');
  writeFileSync(join(assetsDir, 'secret.txt'), 'not an asset');
  assets = loadPortalAssets(assetsDir);
});
afterAll(() => {
  f?.cleanup();
  rmSync(assetsDir, { recursive: true, force: true });
});

function makeApp(options: Partial<AppOptions> = {}) {
  return createApp({ service: f.service, store: f.store, notices: f.store, rateLimit: null, noticeRateLimit: null, portal: assets, ...options });
}

describe('GET /v1/notices/{noticeId}', () => {
  it('answers the sealed bytes, which open under the code in the browser, and counts the opening', async () => {
    const app = makeApp();
    const before = f.store.noticeCounts('labos-2021');
    const response = await app.inject(`/v1/notices/${noticeId}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/octet-stream');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.rawPayload.equals(Buffer.from(f.store.notice(noticeId)!))).toBe(true);
    expect(f.store.noticeCounts('labos-2021')).toEqual({ notices: before.notices, opened: 1 });
    const opened = await openNoticeByCode(code.toLowerCase(), async (id) => new Uint8Array((await app.inject(`/v1/notices/${id}`)).rawPayload));
    expect(opened).toEqual({ status: 'ok', notice: doc });
  });

  it('answers 404 for an id no notice has, and 400 for anything but 22 characters of canonical base64url', async () => {
    const app = makeApp();
    const unknown = await app.inject(`/v1/notices/${b64uEncode(new Uint8Array(16))}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('E_NOT_FOUND');
    for (const bad of [noticeId.slice(1), `${noticeId}A`, `${noticeId.slice(0, 21)}B`, `${noticeId.slice(0, 21)}+`, '%2e%2e%2fx', '']) {
      const response = await app.inject(`/v1/notices/${bad}`);
      expect([400, 404], bad).toContain(response.statusCode);
      expect(response.rawPayload.equals(Buffer.from(f.store.notice(noticeId)!))).toBe(false);
    }
    expect((await app.inject(`/v1/notices/${noticeId.slice(0, 21)}B`)).json().error.code).toBe('E_BAD_REQUEST');
    expect((await app.inject({ method: 'POST', url: `/v1/notices/${noticeId}` })).statusCode).toBe(405);
  });

  it('knows no notice when the server has no notice store', async () => {
    const app = createApp({ service: f.service, store: f.store, rateLimit: null });
    expect((await app.inject(`/v1/notices/${noticeId}`)).statusCode).toBe(404);
  });

  it('is rate-limited per address on its own budget, with Retry-After, leaving evaluations alone', async () => {
    const app = makeApp({ noticeRateLimit: { burst: 2, refillPerSecond: 0.01 }, rateLimit: { burst: 8, refillPerSecond: 0.01 } });
    const get = () => app.inject({ url: `/v1/notices/${noticeId}`, remoteAddress: '198.51.100.7' });
    expect((await get()).statusCode).toBe(200);
    expect((await get()).statusCode).toBe(200);
    const limited = await get();
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('E_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address has its own budget.
    expect((await app.inject({ url: `/v1/notices/${noticeId}`, remoteAddress: '198.51.100.8' })).statusCode).toBe(200);
    // The budget of evaluations is apart: this address may still evaluate.
    const keys = (await app.inject('/v1/keys')).json() as { keys: { keyId: string }[] };
    const evaluation = await app.inject({
      method: 'POST',
      url: '/v1/evaluate',
      remoteAddress: '198.51.100.7',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ keyId: keys.keys[0]!.keyId, blinded: ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'] }),
    });
    expect(evaluation.statusCode).not.toBe(429);
  });

  it('never logs a notice id', async () => {
    const lines: string[] = [];
    const app = makeApp({ logger: pino({ level: 'trace' }, { write: (s: string) => void lines.push(s) }) });
    await app.inject(`/v1/notices/${noticeId}`);
    await app.inject(`/v1/notices/${b64uEncode(new Uint8Array(16))}`);
    await app.inject(`/v1/notices/${noticeId.slice(0, 21)}B`);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const logged = lines.join('\n');
    expect(logged).not.toContain(noticeId.slice(0, 12));
    expect(logged).not.toContain(b64uEncode(new Uint8Array(16)).slice(0, 12));
    expect(logged).toContain('/v1/notices/:noticeId');
  });
});

describe('the portal over HTTP', () => {
  const PAGES: [string, 'fr' | 'en'][] = [
    ['/', 'fr'], ['/avis', 'fr'], ['/message-authentique', 'fr'], ['/technique', 'fr'],
    ['/en/', 'en'], ['/en/notice', 'en'], ['/en/genuine', 'en'], ['/en/technical', 'en'],
  ];

  it.each(PAGES)('serves %s in its language, with the bundle, the CSP and no cookie', async (path, lang) => {
    const app = makeApp({ controller: exampleControllerConfig() });
    const response = await app.inject(path);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toMatch(new RegExp(`^<!doctype html><html lang="${lang}"`));
    expect(response.body).toContain('<script type="module" src="/assets/main-AbC123.js"></script>');
    expect(response.body).toContain('<link rel="stylesheet" href="/assets/main-XyZ789.css">');
    expect(response.body).not.toMatch(/<script>|<script type="module">|style="/);
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.headers['cache-control']).toBe('no-cache');
    // The language switch leads to the same page in the other language.
    expect(response.body).toContain(lang === 'fr' ? 'hreflang="en" lang="en">English</a>' : 'hreflang="fr" lang="fr">Français</a>');
  });

  it('compresses pages for clients that accept it', async () => {
    const app = makeApp();
    const gz = await app.inject({ url: '/', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toContain('<html lang="fr"');
    expect((await app.inject({ url: '/', headers: { 'accept-encoding': 'gzip;q=0, identity' } })).headers['content-encoding']).toBeUndefined();
  });

  it('serves hashed assets from memory, immutable, in the coding asked for', async () => {
    const app = makeApp();
    const plain = await app.inject('/assets/main-AbC123.js');
    expect(plain.statusCode).toBe(200);
    expect(plain.body).toBe(SCRIPT);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe(ASSET_CACHE_CONTROL);
    expect(plain.headers['vary']).toBe('Accept-Encoding');
    const br = await app.inject({ url: '/assets/main-AbC123.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(SCRIPT);
    expect(br.rawPayload.length).toBeLessThan(SCRIPT.length / 5);
  });

  it.each([
    '/assets/../secret.txt',
    '/assets/..%2Fsecret.txt',
    '/assets/%2e%2e%2fsecret.txt',
    '/assets/..%5Csecret.txt',
    '/assets/.vite%2Fmanifest.json',
    '/assets/main-AbC123.js%00.css',
    '/assets/secret.txt',
    '/assets/missing-123.js',
    '/assets/',
    '/secret.txt',
  ])('gives nothing outside the build for %s', async (url) => {
    const app = makeApp();
    const response = await app.inject(url);
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.body).not.toContain('not an asset');
    expect(response.body).not.toContain('isEntry');
  });

  it('redirects /en to the English home page and serves the favicon', async () => {
    const app = makeApp();
    const redirect = await app.inject('/en');
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers['location']).toBe('/en/');
    const icon = await app.inject('/favicon.svg');
    expect(icon.headers['content-type']).toBe('image/svg+xml');
  });

  it('lets the check reach the buckets on a CDN when the index publishes them there, and nothing else', async () => {
    const withCdn = { ...f.store.manifest()!, bucketBaseUrl: 'https://cdn.example.net/vigie/' };
    const app = makeApp({ store: { breaches: () => f.store.breaches(), manifest: () => withCdn } });
    const csp = String((await app.inject('/')).headers['content-security-policy']);
    expect(csp).toContain("connect-src 'self' https://cdn.example.net;");
    expect(csp).toContain("script-src 'self';");
    expect(bucketOrigin('buckets/')).toEqual([]);
    expect(bucketOrigin('javascript:alert(1)')).toEqual([]);
    expect(String((await makeApp().inject('/')).headers['content-security-policy'])).toContain("connect-src 'self';");
  });

  it('answers a browser lost on an unknown address with a page in its language, and a program with JSON', async () => {
    const app = makeApp();
    const page = await app.inject({ url: '/plainte?x=1', headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<html lang="fr"');
    expect(page.body).toContain('Page introuvable');
    expect(String(page.headers['content-security-policy'])).toContain("style-src 'self'");
    const english = await app.inject({ url: '/en/complaint', headers: { accept: 'text/html' } });
    expect(english.body).toContain('Page not found');
    const program = await app.inject({ url: '/plainte', headers: { accept: 'application/json' } });
    expect(program.json().error.code).toBe('E_NOT_FOUND');
    const api = await app.inject({ url: '/v1/nothing', headers: { accept: 'text/html' } });
    expect(api.json().error.code).toBe('E_NOT_FOUND');
  });

  it('serves the API alone without a portal', async () => {
    const app = createApp({ service: f.service, store: f.store, rateLimit: null });
    expect((await app.inject('/')).statusCode).toBe(404);
    expect((await app.inject('/en/notice')).statusCode).toBe(404);
  });

  it('refuses a directory that holds no build, naming it', () => {
    expect(() => loadPortalAssets(join(assetsDir, 'assets'))).toThrow(/not built/);
  });

  it('shows the public key on the technical page', async () => {
    const app = makeApp();
    const body = (await app.inject('/en/technical')).body;
    expect(body).toContain(b64uEncode(f.key.publicKey));
    expect(body).toContain(f.manifest.indexId);
  });
});

describe('the controller', () => {
  it('names the controller in GET /v1/breaches, and null without a configuration', async () => {
    const withConfig = await makeApp({ controller: exampleControllerConfig() }).inject('/v1/breaches');
    expect(withConfig.json().breaches[0].controller).toBe(exampleControllerConfig().controller.name);
    const without = await makeApp().inject('/v1/breaches');
    expect(without.json().breaches[0].controller).toBeNull();
  });

  it('words the pages from controller.json, escaped, and generically without it', async () => {
    const hostile: ControllerConfig = exampleControllerConfig();
    hostile.controller.name = 'Labo <script>alert(1)</script> & Cie';
    hostile.breaches[0]!.summary.fr = 'Résumé </script><img src=x onerror=alert(1)>';
    const page = (await makeApp({ controller: hostile }).inject('/')).body;
    expect(page).toContain('Labo &lt;script&gt;alert(1)&lt;/script&gt; &amp; Cie');
    expect(page).not.toContain('<script>alert(1)');
    expect(page).not.toContain('<img src=x');
    // In the JSON block too: no "</script>" can close it early.
    const json = /<script type="application\/json" id="portal-data">(.*?)<\/script>/.exec(page)![1]!;
    expect(json).not.toContain('<');
    expect(JSON.parse(json).controller.name).toBe(hostile.controller.name);

    const generic = (await makeApp({ controller: null }).inject('/')).body;
    expect(generic).toContain('Fuite de données d’un laboratoire : êtes-vous concerné ?');
    expect(generic).toContain('Ce service est proposé par le laboratoire responsable des données.');
  });
});
