// `vigie serve` end to end on a loopback port: config, key and store opened as the CLI does, the address logged,
// a check through `createServerLookupClient` (what `vigie check --server URL` uses), and a clean shutdown.

import { writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { writeNewKeyFile } from '../../src/crypto/key-file.js';
import { codeOf } from '../helpers.js';
import { createServerLookupClient, defaultPortalDir, serve, serveCommand, startServer } from '../../src/cli/serve.js';
import { exampleControllerConfig } from '../../src/controller/example.js';
import { createServerLogger } from '../../src/server/logging.js';
import { createFixture, type Fixture } from '../../src/server/test-fixture.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

let f: Fixture;
beforeAll(async () => {
  f = await createFixture();
});
afterAll(() => f?.cleanup());

const envOf = (extra: Record<string, string> = {}) => ({
  VIGIE_DB: join(f.dir, 'vigie.db'),
  VIGIE_KEY_FILE: join(f.dir, 'vigie.key'),
  VIGIE_PORT: '0',
  VIGIE_HOST: '127.0.0.1',
  ...extra,
});


describe('vigie serve', () => {
  it('listens, logs its address as JSON, answers checks, and stops cleanly', async () => {
    const stdout = new Sink();
    const stderr = new Sink();
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const config = readConfig(envOf({ VIGIE_HSTS: 'on' }));
    const done = serve(config, { stdout, stderr, env: {} }, () => stopped);
    await expect.poll(() => stderr.text, { timeout: 10_000 }).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    const url = /listening on (\S+)/.exec(stderr.text)![1]!;

    const health = await fetch(`${url}/healthz`);
    expect(health.headers.get('strict-transport-security')).toBe('max-age=31536000');
    const client = createServerLookupClient(url);
    expect((await client.check([{ type: 'nir', canonical: f.members[0]! }])).found).toBe(true);
    expect((await client.check([{ type: 'nir', canonical: 'nir:1999999999999' }])).found).toBe(false);

    stop();
    expect(await done).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    const logs = stdout.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs.find((l) => l['msg'] === 'vigie serve listening')?.['url']).toBe(url);
    expect(logs.find((l) => l['msg'] === 'vigie serve listening')?.['evalThreads']).toBeGreaterThanOrEqual(1); // one per core
    expect(logs.filter((l) => l['msg'] === 'request').length).toBeGreaterThanOrEqual(7);
    expect(logs.at(-1)?.['msg']).toBe('stopped');
    expect(stdout.text).not.toContain(f.members[0]!.slice(4));
  });

  it('refuses a key that did not build the store, a missing store, and a port in use', async () => {
    const otherKey = join(f.dir, 'other.key');
    writeNewKeyFile(otherKey);
    const { logger } = createServerLogger({ stream: new Sink() });
    expect(await codeOf(startServer(readConfig(envOf({ VIGIE_KEY_FILE: otherKey })), logger))).toBe('E_KEY_FILE');
    expect(await codeOf(startServer(readConfig(envOf({ VIGIE_DB: join(f.dir, 'none.db') })), logger))).toBe('E_NO_INDEX');
    const first = await startServer(readConfig(envOf()), logger);
    try {
      const port = new URL(first.url).port;
      expect(await codeOf(startServer(readConfig(envOf({ VIGIE_PORT: port })), logger))).toBe('E_CONFIG');
    } finally {
      await first.close();
    }
  });

  it('reads the controller file and serves the portal (or the API alone), refusing a bad controller.json or build', async () => {
    const { logger } = createServerLogger({ stream: new Sink() });
    const controllerFile = join(f.dir, 'controller.json');
    writeFileSync(controllerFile, JSON.stringify(exampleControllerConfig()));
    const withPortal = await startServer(readConfig(envOf({ VIGIE_CONTROLLER: controllerFile })), logger);
    try {
      const breaches = (await (await fetch(`${withPortal.url}/v1/breaches`)).json()) as { breaches: { controller: string | null }[] };
      expect(breaches.breaches[0]!.controller).toBe(exampleControllerConfig().controller.name);
      if (defaultPortalDir() !== null) {
        expect(withPortal.portal).toBe(true);
        const page = await fetch(`${withPortal.url}/en/`);
        expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(await page.text()).toContain(exampleControllerConfig().controller.name);
      }
    } finally {
      await withPortal.close();
    }
    const apiOnly = await startServer(readConfig(envOf({ VIGIE_PORTAL_DIR: 'off' })), logger);
    try {
      expect(apiOnly.portal).toBe(false);
      expect((await fetch(`${apiOnly.url}/`)).status).toBe(404);
      expect(((await (await fetch(`${apiOnly.url}/v1/breaches`)).json()) as { breaches: { controller: unknown }[] }).breaches[0]!.controller).toBeNull();
    } finally {
      await apiOnly.close();
    }
    writeFileSync(join(f.dir, 'bad.json'), '{"version": 2}');
    expect(await codeOf(startServer(readConfig(envOf({ VIGIE_CONTROLLER: join(f.dir, 'bad.json') })), logger))).toBe('E_CONFIG');
    expect(await codeOf(startServer(readConfig(envOf({ VIGIE_PORTAL_DIR: f.dir })), logger))).toBe('E_CONFIG');
  });

  it('evaluates on the event loop with VIGIE_EVAL_THREADS=0, as with worker threads', async () => {
    const stdout = new Sink();
    const stderr = new Sink();
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const done = serve(readConfig(envOf({ VIGIE_EVAL_THREADS: '0' })), { stdout, stderr, env: {} }, () => stopped);
    await expect.poll(() => stderr.text, { timeout: 10_000 }).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    const url = /listening on (\S+)/.exec(stderr.text)![1]!;
    const client = createServerLookupClient(url);
    expect((await client.check([{ type: 'nir', canonical: f.members[1]! }])).found).toBe(true);
    stop();
    expect(await done).toBe(0);
    const listening = stdout.text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'vigie serve listening');
    expect(listening?.['evalThreads']).toBe(0);
  });

  it('refuses a bad --port or --eval-threads as a usage error and a bad --server URL', async () => {
    const io = { stdout: new Sink(), stderr: new Sink(), env: envOf() };
    expect(await codeOf(serveCommand.run({ values: { port: 'eighty' }, positionals: [] }, io))).toBe('E_USAGE');
    expect(await codeOf(serveCommand.run({ values: { 'eval-threads': 'many' }, positionals: [] }, io))).toBe('E_USAGE');
    expect(() => createServerLookupClient('ftp://example.org')).toThrow(/http/);
  });
});

describe('configuration of the server', () => {
  it('reads port, host, trusted proxies, rate limit and HSTS, with defaults', () => {
    expect(readConfig({})).toMatchObject({ port: 8080, host: '127.0.0.1', trustedProxies: [], rateLimit: { burst: 20, refillPerSecond: 1 }, hsts: null });
    expect(
      readConfig({ VIGIE_PORT: '9000', VIGIE_HOST: '::1', VIGIE_TRUSTED_PROXIES: '10.0.0.0/8, fd00::/8,192.0.2.1', VIGIE_RATE_LIMIT: '30/0.5', VIGIE_HSTS: '600' }),
    ).toMatchObject({ port: 9000, host: '::1', trustedProxies: ['10.0.0.0/8', 'fd00::/8', '192.0.2.1'], rateLimit: { burst: 30, refillPerSecond: 0.5 }, hsts: 600 });
    expect(readConfig({ VIGIE_RATE_LIMIT: 'off', VIGIE_HSTS: 'off' })).toMatchObject({ rateLimit: null, hsts: null });
    expect(readConfig({}).evalThreads).toBeNull(); // one per core
    expect(readConfig({ VIGIE_EVAL_THREADS: '0' }).evalThreads).toBe(0);
    expect(readConfig({ VIGIE_EVAL_THREADS: ' 4 ' }).evalThreads).toBe(4);
  });

  it('reads the notice rate limit, the controller file and the portal build, with defaults', () => {
    expect(readConfig({})).toMatchObject({ noticeRateLimit: { burst: 10, refillPerSecond: 0.1 }, controllerFile: null, portal: 'default' });
    expect(readConfig({ VIGIE_NOTICE_RATE_LIMIT: '3/0.5', VIGIE_CONTROLLER: 'c.json', VIGIE_PORTAL_DIR: '/srv/web' })).toMatchObject({
      noticeRateLimit: { burst: 3, refillPerSecond: 0.5 },
      controllerFile: 'c.json',
      portal: { dir: '/srv/web' },
    });
    expect(readConfig({ VIGIE_NOTICE_RATE_LIMIT: 'off', VIGIE_PORTAL_DIR: 'OFF' })).toMatchObject({ noticeRateLimit: null, portal: 'off' });
  });

  it.each([
    ['VIGIE_PORT', '70000'],
    ['VIGIE_PORT', 'http'],
    ['VIGIE_TRUSTED_PROXIES', '10.0.0.0/33'],
    ['VIGIE_TRUSTED_PROXIES', 'proxy.internal'],
    ['VIGIE_RATE_LIMIT', '20'],
    ['VIGIE_RATE_LIMIT', '4/1'],
    ['VIGIE_RATE_LIMIT', '20/0'],
    ['VIGIE_HSTS', 'yes'],
    ['VIGIE_NOTICE_RATE_LIMIT', '0/1'],
    ['VIGIE_NOTICE_RATE_LIMIT', 'ten'],
    ['VIGIE_CONTROLLER', ''],
    ['VIGIE_HOST', ' '],
    ['VIGIE_EVAL_THREADS', 'all'],
    ['VIGIE_EVAL_THREADS', '65'],
    ['VIGIE_EVAL_THREADS', '-1'],
  ])('fails fast on %s=%j, naming the variable', (name, value) => {
    expect(() => readConfig({ [name]: value })).toThrow(name);
  });
});
