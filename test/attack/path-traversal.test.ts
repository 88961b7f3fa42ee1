// Red team, static routes (docs/threat-model.md "operator's files"): the portal's assets, the admin downloads and
// every parameterized route, asked over a raw socket (no client normalizes the path first) with dot-dot in every
// disguise: plain, percent-encoded, double-encoded, overlong UTF-8, backslashes, null bytes. The key file, the
// store and a sentinel beside the portal's build sit one or two directories up; none may ever come back. Assets are
// looked up by name in memory (portal.ts), so what this proves is that no route grew a path to the file system.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64uEncode } from '../../src/crypto/encoding.js';
import { CheckCounter } from '../../src/server/admin.js';
import { loadPortalAssets } from '../../src/server/portal.js';
import { buildTarget, portOf, type Target } from './harness.js';

const SENTINEL = 'SENTINEL-7f3a9c-never-served';
const SCRIPT = 'console.log("portal bundle");';
const TOKEN = 'Yx4-Kp8_vQ2.nM6~rS1+tW3/jD5hF7gL9aZ0cB==';

let target: Target;
let port: number;
/** Bytes that must never be in an answer: the sentinel, the key file and its secret, the store's header. */
let secrets: Buffer[];

beforeAll(async () => {
  target = await buildTarget({ csv: 'NOM;NIR\nMARTIN;255081416802538\n' });
  const build = join(target.dir, 'portal');
  mkdirSync(join(build, '.vite'), { recursive: true });
  mkdirSync(join(build, 'assets'));
  writeFileSync(join(build, '.vite', 'manifest.json'), JSON.stringify({ 'main.ts': { file: 'assets/main-AbC123.js', isEntry: true } }));
  writeFileSync(join(build, 'assets', 'main-AbC123.js'), SCRIPT);
  writeFileSync(join(build, 'secret.txt'), SENTINEL);
  writeFileSync(join(target.dir, 'secret.txt'), SENTINEL);
  const keyFile = readFileSync(join(target.dir, 'vigie.key'));
  secrets = [Buffer.from(SENTINEL), keyFile, Buffer.from(b64uEncode(target.key.secretKey)), Buffer.from('SQLite format 3'), Buffer.from('root:x:0:0')];
  const app = target.app({ rateLimit: null, portal: loadPortalAssets(build), admin: { token: TOKEN, store: target.store, checks: new CheckCounter() } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = portOf(app);
}, 120_000);

afterAll(async () => {
  await target?.close();
});

/** Sends the request line as written, byte for byte, and reads the whole answer (Connection: close). */
function raw(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      const lines = Object.entries({ Host: 'vigie.test', Connection: 'close', ...headers }).map(([k, v]) => `${k}: ${v}\r\n`);
      socket.write(Buffer.concat([Buffer.from('GET ', 'latin1'), Buffer.from(path, 'latin1'), Buffer.from(` HTTP/1.1\r\n${lines.join('')}\r\n`, 'latin1')]));
    });
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(all.toString('latin1'))?.[1] ?? 0);
      resolve({ status, body: all });
    });
  });
}

const TRAVERSALS = [
  '/assets/../secret.txt',
  '/assets/..%2fsecret.txt',
  '/assets/..%2Fsecret.txt',
  '/assets/%2e%2e/secret.txt',
  '/assets/%2e%2e%2fsecret.txt',
  '/assets/.%2e/.%2e/vigie.key',
  '/assets/..%5csecret.txt',
  '/assets/..\\secret.txt',
  '/assets/..\\..\\vigie.key',
  '/assets/%252e%252e%252fsecret.txt',
  '/assets/%c0%ae%c0%ae%c0%afsecret.txt',
  '/assets/%e0%80%ae%e0%80%ae/secret.txt',
  '/assets/%c0%ae%c0%ae/%c0%ae%c0%ae/vigie.key',
  '/assets/....//secret.txt',
  '/assets/main-AbC123.js%00',
  '/assets/main-AbC123.js%00.css',
  '/assets/secret.txt%00.js',
  '/assets/\u0000../secret.txt',
  '/assets/',
  '/assets/.vite/manifest.json',
  '/assets/%2e%2e%2f.vite%2fmanifest.json',
  '/assets/C:%5cWindows%5cwin.ini',
  '/assets//etc/passwd',
  '/../../../../etc/passwd',
  '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
  '//etc/passwd',
  '/secret.txt',
  '/vigie.key',
  '/vigie.db',
  '/.vite/manifest.json',
  '/portal/secret.txt',
  '/en/../vigie.key',
  '/en/%2e%2e/vigie.key',
  '/favicon.svg/../vigie.key',
  '/favicon.svg%2f..%2fvigie.key',
  '/v1/notices/..%2f..%2fvigie.key',
  '/v1/indexes/..%2f..%2f/buckets/0',
  '/admin/../vigie.key',
  '/admin/admin.js/../../vigie.key',
  '/admin/%2e%2e/vigie.key',
];

describe('path traversal on static and parameterized routes', () => {
  it('serves the real asset by its name (the control)', async () => {
    const r = await raw('/assets/main-AbC123.js');
    expect(r.status).toBe(200);
    expect(r.body.toString()).toContain(SCRIPT);
  });

  it.each(TRAVERSALS)('answers %s with 400 or 404 and nothing from the disk', async (path) => {
    for (const headers of [{}, { Accept: 'text/html' }] as Record<string, string>[]) {
      const r = await raw(path, headers);
      expect([400, 404], `${path} -> ${r.status}`).toContain(r.status);
      for (const secret of secrets) expect(r.body.includes(secret), `${path} leaked ${secret.toString().slice(0, 20)}`).toBe(false);
    }
  });

  it('answers the admin downloads, even with the token, only for a known breach and a dossier name', async () => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    for (const path of [
      '/admin/breaches/..%2f..%2fvigie.key/dossier.json',
      '/admin/breaches/labos-2021/..%2f..%2fvigie.key',
      '/admin/breaches/labos-2021/%2e%2e%2fvigie.db',
      '/admin/breaches/%2e%2e/dossier.json',
      '/admin/breaches/labos-2021/dossier.json%00.key',
      '/admin/breaches/labos-2021/..\\..\\vigie.key',
    ]) {
      const r = await raw(path, auth);
      expect([400, 404], `${path} -> ${r.status}`).toContain(r.status);
      for (const secret of secrets) expect(r.body.includes(secret), path).toBe(false);
    }
  });

  it('never reflects the path into a page (no markup injection through a 404)', async () => {
    const r = await raw('/nothing/%3Cscript%3Ealert(1)%3C%2Fscript%3E', { Accept: 'text/html' });
    expect(r.status).toBe(404);
    expect(r.body.toString()).not.toMatch(/<script>alert/i);
  });
});
