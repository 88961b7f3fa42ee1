// The exported index behind a plain static server (node:http serving the directory, as nginx or an object store
// would) and `vigie serve` for the one dynamic route: the lookup client, `vigie check --server` and the portal in
// Chromium find members and only members, with the buckets fetched from the static host.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/cli/serve.js';
import { readConfig } from '../src/config.js';
import { createVoprfServer } from '../src/crypto/voprf-server.js';
import { isVigieError } from '../src/errors.js';
import { canonicalizeQuery } from '../src/identifiers/index.js';
import { createEvaluatorPool } from '../src/index/evaluator-pool.js';
import { exportIndex } from '../src/index/export.js';
import { ingest } from '../src/index/ingest.js';
import { createLookupService } from '../src/index/lookup-service.js';
import { SqliteStore } from '../src/index/sqlite-store.js';
import { bucketHexOf, createLookupClient, type CheckResult, type LookupClient } from '../src/lookup/index.js';
import type { Manifest } from '../src/lookup/protocol.js';
import { createApp } from '../src/server/app.js';
import { createServerLogger } from '../src/server/logging.js';
import { launchBrowser } from '../src/server/portal-fixture.js';
import { codeOf, createWorkspace, synthLeak, truthQuery, type TruthPerson, type Workspace } from './helpers.js';
import { browserAvailable } from './portal/harness.js';

const run = promisify(execFile);
const BIN = resolve('bin/vigie.js');
const BUCKET_PATH = /^\/v1\/indexes\/[0-9a-f]{32}\/buckets\/[0-9a-f]{1,8}$/;
const BUCKET_ROUTE = 'route="/v1/indexes/:indexId/buckets/:hex"';

interface StaticHost {
  url: string;
  /** Every request, as "METHOD path". */
  requests: string[];
  /** Bucket paths answered 404, as a host that has not received them yet. */
  missing: Set<string>;
  /** Bucket paths answered one byte short. */
  truncated: Set<string>;
  close(): Promise<void>;
}

/**
 * A static host serving `root` as docs/static-export.md says (content types per path, CORS, immutable buckets), and,
 * when `evaluateTo` is set, passing POST /v1/evaluate to that server as a reverse proxy would: nothing else is dynamic.
 */
async function startStaticHost(root: string, evaluateTo: () => string | null): Promise<StaticHost> {
  const requests: string[] = [];
  const missing = new Set<string>();
  const truncated = new Set<string>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    requests.push(`${req.method} ${path}`);
    void (async () => {
      const upstream = evaluateTo();
      if (req.method === 'POST' && path === '/v1/evaluate' && upstream !== null) {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const answer = await fetch(`${upstream}/v1/evaluate`, {
          method: 'POST',
          headers: { 'Content-Type': String(req.headers['content-type']) },
          body: Buffer.concat(chunks),
        });
        res.writeHead(answer.status, { 'Content-Type': answer.headers.get('content-type') ?? 'application/json', 'Access-Control-Allow-Origin': '*' });
        res.end(Buffer.from(await answer.arrayBuffer()));
        return;
      }
      const kind = path === '/v1/index' || path === '/v1/keys' ? 'json' : BUCKET_PATH.test(path) ? 'bucket' : null;
      if (req.method !== 'GET' || kind === null || missing.has(path)) {
        res.writeHead(404, { 'Access-Control-Allow-Origin': '*' }).end();
        return;
      }
      let body = readFileSync(join(root, path));
      if (truncated.has(path)) body = body.subarray(1);
      res.writeHead(200, {
        'Content-Type': kind === 'json' ? 'application/json' : 'application/octet-stream',
        'Cache-Control': kind === 'json' ? 'public, max-age=60' : 'public, max-age=31536000, immutable',
        'Access-Control-Allow-Origin': '*',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(body);
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    missing,
    truncated,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

class Sink extends Writable {
  override _write(_chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    done();
  }
}

/** GETs of buckets `vigie serve` has answered, from its own metrics. */
async function apiBucketGets(server: RunningServer): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('vigie_http_requests_total{') && line.includes(BUCKET_ROUTE))
    .reduce((n, line) => n + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}


const queryOf = truthQuery;
const strangers = Array.from({ length: 12 }, (_, i) => ({ email: `personne.${i}@exemple.invalid`, phone: `06 00 00 00 ${String(i).padStart(2, '0')}` }));
const answers = (r: CheckResult) => r.results.map(({ type, found, breaches }) => ({ type, found, breaches }));

let ws: Workspace;
let truth: TruthPerson[];
let members: TruthPerson[];
let out: string;
let host: StaticHost;
let api: RunningServer;
let local: LookupClient;
let localStore: SqliteStore;
let manifest: Manifest;
/** Where the static host passes POST /v1/evaluate (null: it does not). */
let evaluateUpstream: string | null = null;

beforeAll(async () => {
  ws = createWorkspace();
  let file: string;
  ({ file, truth } = await synthLeak(ws.dir, 'leak', 1500, 'export-static', true));
  members = truth.filter((p) => !p.unusable).slice(0, 25);
  const store = new SqliteStore(ws.db);
  const pool = await createEvaluatorPool({ secretKey: ws.key.secretKey, threads: 0 });
  try {
    await ingest({ store, pool, keyId: ws.key.keyId, breachId: 'labos-2021', title: 'Laboratoires 2021', files: [file] });
  } finally {
    await pool.close();
  }
  const service = createLookupService({ store, server: await createVoprfServer(ws.key.secretKey), keyId: ws.key.keyId });
  out = join(ws.dir, 'export');
  host = await startStaticHost(out, () => evaluateUpstream);
  await exportIndex({ store, keys: await service.keys(), out, bucketBaseUrl: host.url });
  manifest = store.manifest()!;
  localStore = store;
  local = createLookupClient({ transport: service });
  api = await startServer(
    readConfig({
      VIGIE_DB: ws.db,
      VIGIE_KEY_FILE: ws.keyFile,
      VIGIE_PORT: '0',
      VIGIE_RATE_LIMIT: 'off',
      VIGIE_PORTAL_DIR: 'off',
      VIGIE_BUCKET_BASE_URL: `${host.url}/`,
    }),
    createServerLogger({ stream: new Sink() }).logger,
  );
});

afterAll(async () => {
  await api?.close();
  await host?.close();
  localStore?.close();
  ws?.cleanup();
});

describe('static buckets with vigie serve for evaluations', () => {
  it('GET /v1/index announces the bucket host; the portal lets the check connect to that origin and no other', async () => {
    const served = (await (await fetch(`${api.url}/v1/index`)).json()) as Manifest;
    expect(served).toEqual({ ...manifest, bucketBaseUrl: host.url });
    expect(served).toEqual(JSON.parse(readFileSync(join(out, 'v1/index'), 'utf8')));
    const portal = { page: { script: '/assets/main-AbC123.js', styles: [] }, files: new Map() };
    const service = createLookupService({ store: localStore, server: await createVoprfServer(ws.key.secretKey), keyId: ws.key.keyId });
    const csp = async (bucketBaseUrl: string | null) =>
      String((await createApp({ service, store: localStore, rateLimit: null, portal, bucketBaseUrl }).inject('/')).headers['content-security-policy']);
    expect(await csp('https://cdn.example.fr/vigie')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' https://cdn.example.fr; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    expect(await csp(null)).toContain("connect-src 'self';");
  });

  it('vigie serve refuses to start with a bucket base URL that is not absolute http(s) without query or credentials', () => {
    for (const bad of ['cdn.example.fr', 'javascript:alert(1)', 'https://cdn.example.fr/?a=1', 'https://u:secret@cdn.example.fr']) {
      let message = '';
      try {
        readConfig({ VIGIE_BUCKET_BASE_URL: bad });
      } catch (error) {
        expect(isVigieError(error) && error.code, bad).toBe('E_CONFIG');
        message = (error as Error).message;
      }
      expect(message, bad).toMatch(/VIGIE_BUCKET_BASE_URL/);
      expect(message).not.toContain('secret');
    }
  });

  it('the lookup client finds members and only members, every bucket from the static host, none from the API', async () => {
    const client = createLookupClient({ baseUrl: api.url });
    const before = host.requests.length;
    let found = 0;
    for (const person of members) {
      const remote = await client.checkQuery(queryOf(person));
      expect(answers(remote)).toEqual(answers(await local.checkQuery(queryOf(person))));
      if (remote.found) found++;
    }
    expect(found).toBe(members.length);
    for (const stranger of strangers) expect((await client.checkQuery(stranger)).found).toBe(false);
    const fetched = host.requests.slice(before);
    expect(fetched.length).toBeGreaterThanOrEqual(members.length);
    expect(fetched.every((r) => r.startsWith(`GET /v1/indexes/${manifest.indexId}/buckets/`))).toBe(true);
    expect(await apiBucketGets(api)).toBe(0);
  });

  it('vigie check --server URL follows the manifest to the static host', async () => {
    const member = members.find((p) => p.nirKeyInFile === 'valid')!;
    const before = host.requests.length;
    const env = { ...process.env, VIGIE_DB: join(ws.dir, 'absent.db'), VIGIE_KEY_FILE: join(ws.dir, 'absent.key') };
    const yes = await run(process.execPath, [BIN, 'check', '--server', api.url, '--nir', member.nir, '--email', member.email ?? 'x@example.invalid', '--json'], { env });
    expect(JSON.parse(yes.stdout)).toMatchObject({ found: true, matches: expect.arrayContaining([{ type: 'nir', breaches: [expect.objectContaining({ id: 'labos-2021' })] }]) });
    const no = await run(process.execPath, [BIN, 'check', '--server', api.url, '--email', strangers[0]!.email, '--json'], { env });
    expect(JSON.parse(no.stdout)).toEqual({ found: false, matches: [] });
    expect(host.requests.length).toBeGreaterThan(before);
    expect(await apiBucketGets(api)).toBe(0);
  });

  it('vigie export writes the same tree from the command line, and says what it did', async () => {
    const env = { ...process.env, VIGIE_DB: ws.db, VIGIE_KEY_FILE: ws.keyFile };
    const dir = join(ws.dir, 'cli-export');
    const json = await run(process.execPath, [BIN, 'export', '--out', dir, '--bucket-base-url', `${host.url}/`, '--progress', 'none', '--json'], { env });
    const summary = JSON.parse(json.stdout) as { indexId: string; buckets: number; bucketsWritten: number; bytesTotal: number; bucketBaseUrl: string };
    expect(summary).toMatchObject({ indexId: manifest.indexId, buckets: 2 ** manifest.bucketBits, bucketsWritten: 2 ** manifest.bucketBits, bucketBaseUrl: host.url });
    for (const path of ['v1/keys', 'v1/index', `v1/indexes/${manifest.indexId}/buckets/${'0'.repeat(Math.ceil(manifest.bucketBits / 4))}`]) {
      expect(readFileSync(join(dir, path)).equals(readFileSync(join(out, path))), path).toBe(true);
    }
    const text = await run(process.execPath, [BIN, 'export', '--out', dir, '--progress', 'none'], { env });
    expect(text.stdout).toContain(`Index ${manifest.indexId} exported to ${dir}: ${2 ** manifest.bucketBits} buckets (0 written`);
    await expect(run(process.execPath, [BIN, 'export'], { env })).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--out DIR is required [E_USAGE]') });
    const help = await run(process.execPath, [BIN, 'help'], { env });
    expect(help.stdout).toMatch(/export\s+write the current index as static files/);
  });

  it('works with the static host alone for every GET, vigie serve answering POST /v1/evaluate only', async () => {
    evaluateUpstream = api.url;
    try {
      const client = createLookupClient({ baseUrl: host.url });
      const before = host.requests.length;
      for (const person of members.slice(0, 8)) {
        expect(answers(await client.checkQuery(queryOf(person)))).toEqual(answers(await local.checkQuery(queryOf(person))));
      }
      expect((await client.checkQuery(strangers[1]!)).found).toBe(false);
      const seen = new Set(host.requests.slice(before).map((r) => r.replace(/buckets\/[0-9a-f]+$/, 'buckets/{hex}')));
      expect([...seen].sort()).toEqual(['GET /v1/index', 'GET /v1/keys', `GET /v1/indexes/${manifest.indexId}/buckets/{hex}`, 'POST /v1/evaluate'].sort());
      expect(await apiBucketGets(api)).toBe(0);
    } finally {
      evaluateUpstream = null;
    }
  });

  it('takes a bucket the static host lacks from the API, and refuses one of the wrong size', async () => {
    const member = members.filter((p) => p.nirKeyInFile === 'valid')[1]!;
    const client = createLookupClient({ baseUrl: api.url });
    const canonical = canonicalizeQuery({ nir: member.nir }).identifiers[0]!.canonical;
    const path = `/v1/indexes/${manifest.indexId}/buckets/${await bucketHexOf(canonical, manifest.bucketBits)}`;
    host.missing.add(path);
    try {
      expect((await client.checkQuery({ nir: member.nir })).found).toBe(true);
      expect(await apiBucketGets(api)).toBe(1);
    } finally {
      host.missing.delete(path);
    }
    host.truncated.add(path);
    try {
      expect(await codeOf(client.checkQuery({ nir: member.nir }))).toBe('E_PROTOCOL');
    } finally {
      host.truncated.delete(path);
    }
  });

  it('refuses a manifest naming a bucket host that is not http(s), before fetching anything', async () => {
    const fetched: string[] = [];
    const client = createLookupClient({
      baseUrl: 'https://vigie.example.fr',
      fetch: async (input) => {
        const url = String(input);
        fetched.push(url);
        if (url.endsWith('/v1/index')) return Response.json({ ...manifest, bucketBaseUrl: 'javascript:alert(1)' });
        return fetch(url.replace('https://vigie.example.fr', api.url));
      },
    });
    expect(await codeOf(client.checkQuery({ email: members[0]!.email! }))).toBe('E_PROTOCOL');
    expect(fetched.filter((u) => u.includes('/buckets/') || u.includes('/evaluate'))).toEqual([]);
  });
});

const withBrowser = browserAvailable();

describe.skipIf(!withBrowser)('the portal with its buckets on another origin (Chromium)', () => {
  it('checks a member and a stranger, fetching buckets from the static host under the portal CSP', async () => {
    const portalServer = await startServer(
      readConfig({ VIGIE_DB: ws.db, VIGIE_KEY_FILE: ws.keyFile, VIGIE_PORT: '0', VIGIE_RATE_LIMIT: 'off', VIGIE_BUCKET_BASE_URL: host.url }),
      createServerLogger({ stream: new Sink() }).logger,
    );
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      const refused: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => {
        if (/Content.Security.Policy|CORS/i.test(m.text())) refused.push(m.text());
      });
      const member = members.find((p) => p.email !== null)!;
      await page.goto(`${portalServer.url}/`);
      await page.fill('#email', member.email!);
      await page.click('#check-form button[type=submit]');
      await page.waitForSelector('#result:not([hidden]) .verdict', { timeout: 20_000 });
      expect(await page.textContent('#result .verdict')).toContain('Oui');
      await page.goto(`${portalServer.url}/`);
      await page.fill('#email', strangers[2]!.email);
      await page.click('#check-form button[type=submit]');
      await page.waitForSelector('#result:not([hidden]) .verdict', { timeout: 20_000 });
      expect(await page.textContent('#result .verdict')).not.toContain('Oui');
      expect(refused).toEqual([]);
      const buckets = requests.filter((u) => u.includes('/buckets/'));
      expect(buckets.length).toBeGreaterThanOrEqual(2);
      expect(buckets.every((u) => u.startsWith(`${host.url}/v1/indexes/`))).toBe(true);
      expect(await apiBucketGets(portalServer)).toBe(0);
    } finally {
      await browser.close();
      await portalServer.close();
    }
  });
});
