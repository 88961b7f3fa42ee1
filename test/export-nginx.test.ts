// docs/static-export.md's nginx example, run as written (only its port, root and upstream changed) in front of an
// export and `vigie serve`: every GET of the protocol is a file with the right headers, POST /v1/evaluate is the
// only request that reaches vigie serve, and the lookup client finds members and only members through it.

import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/cli/serve.js';
import { readConfig } from '../src/config.js';
import { createVoprfServer } from '../src/crypto/voprf-server.js';
import { createEvaluatorPool } from '../src/index/evaluator-pool.js';
import { exportIndex } from '../src/index/export.js';
import { ingest } from '../src/index/ingest.js';
import { createLookupService } from '../src/index/lookup-service.js';
import { SqliteStore } from '../src/index/sqlite-store.js';
import { bucketHex } from '../src/lookup/bucket.js';
import { createLookupClient } from '../src/lookup/index.js';
import type { Manifest } from '../src/lookup/protocol.js';
import { createServerLogger } from '../src/server/logging.js';
import { NGINX, freePort, missingNginx, reachable, servicesPresent, waitFor } from './deploy/services.js';
import { createWorkspace, synthLeak, type TruthPerson, type Workspace } from './helpers.js';

const DOC = new URL('../docs/static-export.md', import.meta.url);

/** The doc's nginx server block, made to listen on loopback, serve `root` and pass the rest to `upstream`. */
function serverBlockFromDoc(port: number, root: string, upstream: number): string {
  const block = /```nginx\n([\s\S]*?)```/.exec(readFileSync(DOC, 'utf8'))?.[1];
  if (block === undefined) throw new Error('docs/static-export.md has no nginx example');
  const replace = (text: string, pattern: RegExp, by: string): string => {
    if (!pattern.test(text)) throw new Error(`the nginx example has no ${pattern}`);
    return text.replace(pattern, by);
  };
  let conf = replace(block, /listen 443 ssl;/, `listen 127.0.0.1:${port};`);
  conf = replace(conf, /root \/srv\/vigie\/export;/, `root ${root};`);
  return replace(conf, /proxy_pass http:\/\/127\.0\.0\.1:8080;/, `proxy_pass http://127.0.0.1:${upstream};`);
}

class Sink extends Writable {
  override _write(_chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    done();
  }
}

/** Requests vigie serve answered, by route pattern, from its metrics. */
async function apiRoutes(server: RunningServer): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const line of (await (await fetch(`${server.url}/metrics`)).text()).split('\n')) {
    const m = /^vigie_http_requests_total\{method="(\w+)",route="([^"]+)",status="\d+"\} (\d+)$/.exec(line);
    if (m !== null && m[2] !== '/metrics') counts[`${m[1]} ${m[2]}`] = (counts[`${m[1]} ${m[2]}`] ?? 0) + Number(m[3]);
  }
  return counts;
}

const run = servicesPresent('the nginx example of docs/static-export.md', missingNginx());

describe.skipIf(!run)('the nginx example of docs/static-export.md', () => {
  let ws: Workspace;
  let truth: TruthPerson[];
  let exportDir: string;
  let prefix: string;
  let nginx: ChildProcess | null = null;
  let nginxUrl: string;
  let api: RunningServer;
  let manifest: Manifest;

  beforeAll(async () => {
    ws = createWorkspace();
    let file: string;
    ({ file, truth } = await synthLeak(ws.dir, 'leak', 800, 'export-nginx', false));
    const store = new SqliteStore(ws.db);
    try {
      const pool = await createEvaluatorPool({ secretKey: ws.key.secretKey, threads: 0 });
      try {
        await ingest({ store, pool, keyId: ws.key.keyId, breachId: 'labos-2021', files: [file] });
      } finally {
        await pool.close();
      }
      // The export where nginx's workers (another user when started as root) can read it.
      exportDir = mkdtempSync(join(tmpdir(), 'vigie-export-'));
      chmodSync(exportDir, 0o755);
      const service = createLookupService({ store, server: await createVoprfServer(ws.key.secretKey), keyId: ws.key.keyId });
      await exportIndex({ store, keys: await service.keys(), out: exportDir });
      manifest = (await store.manifest())!;
    } finally {
      store.close();
    }
    api = await startServer(
      readConfig({ VIGIE_DB: ws.db, VIGIE_KEY_FILE: ws.keyFile, VIGIE_PORT: '0', VIGIE_PORTAL_DIR: 'off', VIGIE_RATE_LIMIT: 'off', VIGIE_TRUSTED_PROXIES: '127.0.0.1' }),
      createServerLogger({ stream: new Sink() }).logger,
    );
    prefix = mkdtempSync(join(tmpdir(), 'vigie-nginx-export-'));
    chmodSync(prefix, 0o755);
    mkdirSync(join(prefix, 'tmp'));
    const port = await freePort();
    const upstream = Number(new URL(api.url).port);
    writeFileSync(
      join(prefix, 'nginx.conf'),
      [
        'worker_processes 1;',
        'pid nginx.pid;',
        'error_log stderr warn;',
        'events { worker_connections 256; }',
        'http {',
        '  access_log off;',
        '  client_body_temp_path tmp/client_body; proxy_temp_path tmp/proxy; fastcgi_temp_path tmp/fastcgi;',
        '  uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;',
        serverBlockFromDoc(port, exportDir, upstream),
        '}',
      ].join('\n'),
    );
    const child = spawn(NGINX, ['-p', `${prefix}/`, '-c', join(prefix, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
    nginx = child;
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    await waitFor(`nginx on ${port}`, async () => {
      if (child.exitCode !== null) throw new Error(`nginx exited: ${err}`);
      return reachable(port, '127.0.0.1', 200);
    });
    nginxUrl = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    const child = nginx;
    if (child !== null && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGQUIT');
      await exited;
    }
    await api?.close();
    if (prefix !== undefined) rmSync(prefix, { recursive: true, force: true });
    if (exportDir !== undefined) rmSync(exportDir, { recursive: true, force: true });
    ws?.cleanup();
  });

  it('serves the files with the headers the doc promises', async () => {
    const expectations: [string, string, string][] = [
      ['/v1/keys', 'application/json', 'public, max-age=300'],
      ['/v1/index', 'application/json', 'public, max-age=60'],
      [`/v1/indexes/${manifest.indexId}/buckets/${bucketHex(0, manifest.bucketBits)}`, 'application/octet-stream', 'public, max-age=31536000, immutable'],
    ];
    for (const [path, type, cache] of expectations) {
      const answer = await fetch(`${nginxUrl}${path}`);
      expect(answer.status, path).toBe(200);
      expect(answer.headers.get('content-type'), path).toBe(type);
      expect(answer.headers.get('cache-control'), path).toBe(cache);
      expect(answer.headers.get('access-control-allow-origin'), path).toBe('*');
      expect(answer.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(Buffer.from(await answer.arrayBuffer()).equals(readFileSync(join(exportDir, path))), path).toBe(true);
    }
    expect((await fetch(`${nginxUrl}/v1/index`, { method: 'POST' })).status).toBe(403);
    expect(await apiRoutes(api)).toEqual({});
  });

  it('lets the lookup client find members and only members, vigie serve answering evaluations alone', async () => {
    const client = createLookupClient({ baseUrl: nginxUrl });
    const members = truth.filter((p) => !p.unusable).slice(0, 10);
    for (const p of members) expect((await client.checkQuery({ nir: p.nir, lastName: p.lastName, firstName: p.firstName, birthDate: p.birthDate })).found).toBe(true);
    expect((await client.checkQuery({ email: 'personne@exemple.invalid' })).found).toBe(false);
    const routes = await apiRoutes(api);
    expect(Object.keys(routes)).toEqual(['POST /v1/evaluate']);
    expect(routes['POST /v1/evaluate']).toBeGreaterThanOrEqual(members.length + 1);
  });
});
