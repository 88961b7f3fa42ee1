// The deployment of docs/deploy.md on loopback, for the deploy tests and bench/replicas.ts: a store built by the
// `vigie` command, N `vigie serve` replicas (bin/vigie.js, so dist/ must be built), and nginx started from
// deploy/nginx.conf itself with only its ports and prefix changed. Every process is started here and stopped by
// its own handle.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { b64uEncode } from '../../src/crypto/encoding.js';
import { blind } from '../../src/crypto/voprf-client.js';
import { freePort, NGINX, reachable, waitFor } from './services.js';

/** The checkout: from test/deploy here, or from dist/test/deploy when bench/replicas.ts runs compiled. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'deploy/nginx.conf')) || !existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the checkout (deploy/nginx.conf) above this module');
    dir = parent;
  }
  return dir;
}
const ROOT = findRoot();
const BIN = join(ROOT, 'bin/vigie.js');
export const NGINX_CONF = join(ROOT, 'deploy/nginx.conf');

export interface Workspace {
  dir: string;
  db: string;
  keyFile: string;
  remove(): void;
}

function vigie(env: NodeJS.ProcessEnv, ...args: string[]): string {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`vigie ${args[0]} exited with ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/**
 * A key and a store holding a synthetic leak of `rows` rows, made with the `vigie` command as an operator would:
 * a SQLite file in a temporary directory, or the PostgreSQL store named by `db`. The persons' truth (one JSON
 * object per line) stays in the directory as truth.jsonl.
 */
export function buildStore(rows: number, db?: string): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-deploy-'));
  const store = db ?? join(dir, 'vigie.db');
  const keyFile = join(dir, 'vigie.key');
  const env = { PATH: process.env['PATH'], VIGIE_DB: store, VIGIE_KEY_FILE: keyFile };
  vigie(env, 'keys', 'generate');
  vigie(env, 'synth', '--rows', String(rows), '--seed', 'deploy', '--out', join(dir, 'leak.csv'), '--truth', join(dir, 'truth.jsonl'));
  vigie(env, 'ingest', join(dir, 'leak.csv'), '--breach', 'deploy-test', '--rejects', join(dir, 'rejects.csv'), '--progress', 'none', '--json');
  rmSync(join(dir, 'leak.csv'));
  return { dir, db: store, keyFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `vigie check --server URL ... --json` as a person's machine would run it: no key, no store, blinded elements only. */
export function checkThrough(url: string, ...args: string[]): { found: boolean; matches: { type: string }[] } {
  const out = vigie({ PATH: process.env['PATH'] }, 'check', '--server', url, ...args, '--json');
  return JSON.parse(out) as { found: boolean; matches: { type: string }[] };
}

export interface Replica {
  port: number;
  url: string;
  pid: number;
  /** Its JSON log lines so far. */
  logs(): Record<string, unknown>[];
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Sends `signal` to this replica's process and waits for it to end. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/** Starts `vigie serve` on `port` (a free one by default) and waits until it listens. */
export async function startReplica(ws: Workspace, env: Record<string, string>, port?: number): Promise<Replica> {
  const chosen = port ?? (await freePort());
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve'], {
    env: {
      PATH: process.env['PATH'],
      VIGIE_DB: ws.db,
      VIGIE_KEY_FILE: ws.keyFile,
      VIGIE_HOST: '127.0.0.1',
      VIGIE_PORT: String(chosen),
      VIGIE_PORTAL_DIR: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  await waitFor(`vigie serve on ${chosen}`, () => {
    if (gone) throw new Error(`vigie serve exited before listening: ${err}`);
    return /listening on/.test(err);
  }, 30_000);
  return {
    port: chosen,
    url: `http://127.0.0.1:${chosen}`,
    pid: child.pid!,
    logs: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    exited,
    async stop(signal) {
      if (!gone) child.kill(signal);
      return exited;
    },
  };
}

/** deploy/nginx.conf with its listen port and upstream servers replaced; everything else as shipped. */
export function renderNginxConf(template: string, listenPort: number, upstreamPorts: number[]): string {
  const servers = /^(\s*)server 127\.0\.0\.1:\d+( [^;]*)?;\n/gm;
  const first = servers.exec(template);
  if (first === null) throw new Error('deploy/nginx.conf has no "server 127.0.0.1:PORT" line in its upstream');
  const lines = upstreamPorts.map((p) => `${first[1]}server 127.0.0.1:${p}${first[2] ?? ''};\n`).join('');
  let rendered = template.replace(servers, (_line, _indent, _params, offset: number) => (offset === first.index ? lines : ''));
  if (!/^\s*listen 8080;$/m.test(rendered)) throw new Error('deploy/nginx.conf has no "listen 8080;" line');
  rendered = rendered.replace(/^(\s*)listen 8080;$/m, `$1listen 127.0.0.1:${listenPort};`);
  return rendered;
}

export interface Nginx {
  port: number;
  url: string;
  /** The master process (its workers are its children). */
  pid: number;
  /** The access log written so far (nginx buffers it: flushed within a second). */
  accessLog(): string;
  stop(): Promise<void>;
}

/** nginx from deploy/nginx.conf in a prefix directory of its own, in the foreground (daemon off). */
export async function startNginx(upstreamPorts: number[]): Promise<Nginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'vigie-nginx-'));
  // The workers run as www-data (the config's `user`), so they must be able to enter the prefix.
  chmodSync(prefix, 0o755);
  mkdirSync(join(prefix, 'logs'));
  mkdirSync(join(prefix, 'tmp'));
  const port = await freePort();
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, renderNginxConf(readFileSync(NGINX_CONF, 'utf8'), port, upstreamPorts));
  const child = spawn(NGINX, ['-p', `${prefix}/`, '-c', conf, '-e', 'stderr', '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  let gone = false;
  void exited.then(() => (gone = true));
  await waitFor(`nginx on ${port}`, async () => {
    if (gone) throw new Error(`nginx exited: ${err}`);
    return reachable(port, '127.0.0.1', 200);
  });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    accessLog: () => readFileSync(join(prefix, 'logs/access.log'), 'utf8'),
    async stop() {
      if (!gone) child.kill('SIGQUIT'); // graceful: workers finish their requests
      await exited;
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request on a connection of its own from `localAddress` (any of 127.0.0.0/8 on Linux): nginx sees that
 * address as the client, writes it in X-Forwarded-For, and the replicas count the rate limit against it.
 */
export function send(url: string, options: { method?: string; body?: string; localAddress?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolveAnswer, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        agent: false,
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
        headers: { ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }), ...options.headers },
        timeout: 20_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolveAnswer({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The body of an evaluation of `elements` blinded elements under `keyId` (the same element: the server cannot tell). */
export function evaluateBody(keyId: string, elements = 1): string {
  const element = b64uEncode(blind(new TextEncoder().encode('nir:2550814168025')).blindedElement);
  return JSON.stringify({ keyId, blinded: Array.from({ length: elements }, () => element) });
}

export async function keyIdOf(url: string): Promise<string> {
  const answer = await send(`${url}/v1/keys`);
  return (JSON.parse(answer.body) as { keys: { keyId: string }[] }).keys[0]!.keyId;
}

/** The i-th client address of a block: 127.B.x.y, never a network or broadcast-looking .0 or .255. */
export function clientAddress(block: number, i: number): string {
  return `127.${block}.${Math.floor(i / 250) % 250}.${1 + (i % 250)}`;
}

/** Statuses (and transport errors, as status 0) of `concurrency` loops posting `body` until `until(sent)` says stop. */
export async function load(
  url: string,
  body: string,
  concurrency: number,
  until: (sent: number) => boolean,
  addressOf: (i: number) => string,
): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!until(n)) {
        const i = n++;
        let status = 0;
        try {
          status = (await send(`${url}/v1/evaluate`, { method: 'POST', body, localAddress: addressOf(i) })).status;
        } catch {
          status = 0;
        }
        counts.set(status, (counts.get(status) ?? 0) + 1);
      }
    }),
  );
  return counts;
}
