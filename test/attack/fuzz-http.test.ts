// Fuzzing of the HTTP surface on a real socket (issue 8 item 3), beside src/server/app.fuzz.test.ts (in-process, well
// framed requests): what only a socket can carry. Random and malformed methods, targets (encoded, overlong, absolute,
// traversal), versions, headers (missing, duplicate, huge or malformed Host and Content-Type, Content-Length that
// does not match the body, broken chunked encoding, Expect, Upgrade, folded lines), JSON and non-JSON bodies, aimed
// at the API (/v1/evaluate, /v1/notices/*, buckets), the portal and the controller's dashboard (/admin/*).
// Every answer: no 5xx, the security headers, errors in the JSON shape; the server answers every request it can parse
// and keeps serving (a health probe every 50 cases and at the end).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleControllerConfig } from '../../src/controller/example.js';
import { b64uEncode } from '../../src/crypto/encoding.js';
import { deriveNoticeKeys } from '../../src/crypto/hkdf-seal.js';
import { parseNoticeCode } from '../../src/crypto/notice-code.js';
import { CheckCounter } from '../../src/server/admin.js';
import { createApp } from '../../src/server/app.js';
import { loadPortalAssets } from '../../src/server/portal.js';
import { createFixture, sealNotice, writePortalBuild, type Fixture } from '../../src/server/test-fixture.js';
import type { Random } from '../../src/synth/random.js';
import { fuzzConfig } from './support/fuzz-config.js';
import { exchange, type WireResponse } from './support/http-wire.js';

const { seed, runs, random } = fuzzConfig('fuzz-http', { seed: 'vigie-fuzz-http-1', runs: 2000, minimum: 1000 });
const TOKEN = 'fuzz-admin-token-0123456789abcdefghijklmnopqrstuvwxyz';

let f: Fixture;
let app: ReturnType<typeof createApp>;
let port: number;
let portalDir: string;
let noticeId: string;
let assets: { script: string; stylesheet: string };

beforeAll(async () => {
  f = await createFixture();
  const code = await sealNotice(f.store, { v: 1, breach: 'labos-2021', reference: 'FUZZ-1', lang: 'fr', issuedAt: '2021-03-15', labs: ['LAB01'], categories: ['nir'], masked: {} });
  noticeId = (await deriveNoticeKeys(parseNoticeCode(code)!)).noticeId;
  // A portal build, so that the pages and assets are served too.
  portalDir = mkdtempSync(join(tmpdir(), 'vigie-fuzz-portal-'));
  assets = writePortalBuild(portalDir);
  const generous = { burst: 1_000_000, refillPerSecond: 1_000_000 };
  app = createApp({
    service: f.service,
    store: f.store,
    notices: f.store,
    rateLimit: generous,
    noticeRateLimit: generous,
    controller: exampleControllerConfig(),
    portal: loadPortalAssets(portalDir),
    admin: { token: TOKEN, store: f.store, checks: new CheckCounter() },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  port = typeof address === 'object' && address !== null ? address.port : 0;
});

afterAll(async () => {
  await app?.close();
  f?.cleanup();
  if (portalDir !== undefined) rmSync(portalDir, { recursive: true, force: true });
});

const bytes = (r: Random, n: number, from = 0, to = 255): string => Array.from({ length: n }, () => String.fromCharCode(r.range(from, to))).join('');

function target(r: Random): string {
  const bucket = `/v1/indexes/${f.manifest.indexId}/buckets/${r.int(2 ** f.manifest.bucketBits).toString(16).padStart(Math.ceil(f.manifest.bucketBits / 4), '0')}`;
  const base = r.pick([
    '/', '/en/', '/avis', '/en/notice', '/message-authentique', '/en/genuine', '/technique', '/en/technical',
    '/v1/keys', '/v1/index', '/v1/breaches', '/v1/openapi.json', '/v1/evaluate', '/v1/evaluate', '/v1/evaluate',
    `/v1/notices/${noticeId}`, `/v1/notices/${b64uEncode(new Uint8Array(16))}`, '/v1/notices/', bucket, `/v1/indexes/${'f'.repeat(32)}/buckets/00`,
    '/healthz', '/metrics', '/admin', '/en/admin', '/admin/summary.json', '/admin/admin.js', '/admin/admin.css',
    '/admin/breaches/labos-2021/dossier.json', '/admin/breaches/labos-2021/dossier.pdf', assets.script, assets.stylesheet,
  ]);
  switch (r.int(12)) {
    case 0:
      return `${base}/${encodeURIComponent(bytes(r, r.int(20), 32, 0x2ff))}`;
    case 1:
      return `${base}?${bytes(r, r.int(60), 33, 126).replace(/[#\s]/g, '')}`;
    case 2:
      return base.replace(/[a-z]/g, (c) => (r.chance(0.3) ? `%${c.charCodeAt(0).toString(16)}` : c));
    case 3:
      return `${base}/${r.pick(['..', '%2e%2e', '..%2f..%2f', '%252e%252e', '.%00', '%00', '%ZZ', '%', '%c0%af', '\\..\\'])}/${r.pick(['vigie.key', 'etc/passwd', 'dist/web'])}`;
    case 4:
      return `/${r.pick(['a', '%41', 'v1/'])}${'x'.repeat(r.pick([1000, 8000, 20_000, 70_000]))}`;
    case 5:
      return `http://${r.pick(['evil.example', '127.0.0.1', 'localhost:1'])}${base}`;
    case 6:
      return r.pick(['*', '', 'v1/keys', '//v1//keys', '/v1/keys/', '/V1/KEYS', '/v1/./keys', '/v1/keys#frag']);
    case 7:
      return `${base}${bytes(r, 1 + r.int(6), 0x80, 0xff)}`; // raw bytes that are not ASCII
    default:
      return base;
  }
}

function randomJson(r: Random, depth = 0): unknown {
  switch (r.int(depth > 2 ? 4 : 7)) {
    case 0:
      return r.int(2 ** 31) - 2 ** 30;
    case 1:
      return bytes(r, r.int(12), 32, 0x3ff);
    case 2:
      return r.pick([null, true, false, 1e308, -0, 0.5]);
    case 3:
      return r.pick(['', 'KEY', '__proto__', 'constructor']);
    case 4:
      return Array.from({ length: r.int(10) }, () => randomJson(r, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: r.int(5) }, () => [r.pick(['keyId', 'blinded', '__proto__', 'a', bytes(r, 3, 97, 122)]), randomJson(r, depth + 1)]));
  }
}

function body(r: Random): Buffer {
  const element = (): string => b64uEncode(Uint8Array.from({ length: r.pick([32, 32, 31, 33, 0]) }, () => r.int(256)));
  switch (r.int(8)) {
    case 0:
      return Buffer.alloc(0);
    case 1:
    case 2:
      return Buffer.from(JSON.stringify({ keyId: r.chance(0.7) ? f.key.keyId : randomJson(r), blinded: Array.from({ length: r.int(12) }, () => (r.chance(0.8) ? element() : randomJson(r))) }));
    case 3:
      return Buffer.from(JSON.stringify(randomJson(r)));
    case 4:
      return Buffer.from(`{"keyId":"${f.key.keyId}","blinded":[${'"AAAA",'.repeat(r.pick([10, 600, 2000]))}"A"]}`);
    case 5:
      return Buffer.from(bytes(r, r.pick([1, 50, 5000, 70_000]), 0, 255), 'latin1');
    case 6:
      return Buffer.from(r.pick(['{', '{"keyId":', '[]', 'null', '{"a":1}{"b":2}', '\ufeff{}', '{"keyId":"\\ud800"}', 'keyId=x&blinded=y']));
    default:
      return Buffer.from(JSON.stringify(randomJson(r)), 'utf16le');
  }
}

const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/json;charset="UTF-8"', 'Application/JSON', 'application/json; charset=utf-16',
  'application/json;;;', 'application/json; charset="', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=--x',
  'application/octet-stream', '', 'json', '*/*', 'application/json, text/plain', `application/json; ${'p=v; '.repeat(800)}`, 'application/\u00e9json',
];

/** One request: its bytes, whether it is a HEAD (responses carry no body) and a description to replay it. */
function request(r: Random): { wire: Buffer; head: boolean; what: string } {
  // Half the requests are well framed (valid method, Host, Content-Length, headers), so that they reach the routes
  // with random targets and bodies; the other half break the framing or the headers, one way or several.
  const broken = r.chance(0.5);
  const method = !broken || r.chance(0.7)
    ? r.pick(['GET', 'GET', 'HEAD', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'SEARCH'])
    : r.pick(['get', 'G ET', 'GET\u0000', 'CONNECT', 'X'.repeat(r.pick([3, 200])), bytes(r, 1 + r.int(8), 33, 126), '']);
  const path = target(r);
  const version = !broken || r.chance(0.8) ? 'HTTP/1.1' : r.pick(['HTTP/1.0', '', 'HTTP/2.0', 'HTTP/1.2', 'HTTX/1.1', 'HTTP/1.1 extra']);
  const payload = r.chance(0.6) || method === 'POST' ? body(r) : Buffer.alloc(0);
  const headers: string[] = [];
  const host = broken ? r.int(8) : 2;
  if (host > 1) headers.push('Host: 127.0.0.1');
  else if (host === 1) headers.push(r.pick(['Host: a', 'Host: ', `Host: ${'h'.repeat(20_000)}`, 'Host: [::1', 'Host: x:99999']), 'Host: 127.0.0.1');
  if (payload.length > 0 || r.chance(0.2)) {
    const type = r.pick(CONTENT_TYPES);
    if (type !== '' || r.chance(0.5)) headers.push(`Content-Type: ${type}`);
    if (r.chance(0.1)) headers.push(`Content-Type: ${r.pick(CONTENT_TYPES)}`); // a second one
  }
  let framed = payload;
  switch (broken ? r.int(8) : 7) {
    case 0:
      headers.push(`Content-Length: ${Math.max(0, payload.length - 1 - r.int(10))}`); // shorter than the body
      break;
    case 1:
      headers.push(`Content-Length: ${payload.length + 1 + r.int(1000)}`); // longer: the body never completes
      break;
    case 2:
      headers.push(`Content-Length: ${r.pick(['-1', 'abc', '1e3', '0x10', '99999999999999999999', ' 5', `${payload.length}, ${payload.length}`])}`);
      break;
    case 3:
      headers.push(`Content-Length: ${payload.length}`, `Content-Length: ${r.chance(0.5) ? payload.length : payload.length + 1}`);
      break;
    case 4: {
      headers.push(`Transfer-Encoding: ${r.pick(['chunked', 'gzip, chunked', 'chunked, identity', 'identity'])}`);
      const size = r.chance(0.7) ? payload.length.toString(16) : r.pick(['zz', '-1', 'fffffffffffffffff', '']);
      framed = Buffer.concat([Buffer.from(`${size}\r\n`), payload, Buffer.from(r.chance(0.8) ? '\r\n0\r\n\r\n' : '\r\n')]);
      if (r.chance(0.3)) headers.push(`Content-Length: ${payload.length}`);
      break;
    }
    case 5:
      break; // no framing header at all
    default:
      headers.push(`Content-Length: ${payload.length}`);
  }
  const fine = [
    `Authorization: Bearer ${r.chance(0.5) ? TOKEN : bytes(r, r.int(80), 33, 126)}`,
    `Authorization: Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`,
    'Expect: 100-continue',
    'Connection: keep-alive',
    `X-Forwarded-For: ${r.pick(['1.2.3.4', '::1, 10.0.0.1', 'garbage', ', , ,'])}`,
    'Accept: text/html',
    `If-None-Match: ${r.pick(['*', '"x"', 'W/"', ''])}`,
    `Range: bytes=${r.pick(['0-1', '-5', '99999999-', 'x'])}`,
    `Accept-Encoding: ${r.pick(['br', 'gzip;q=0', '*', 'identity;q=0'])}`,
    'Origin: https://evil.example',
    'Access-Control-Request-Method: POST',
  ];
  for (let extra = r.int(4); extra > 0; extra--) {
    if (!broken) {
      headers.push(r.pick(fine));
      continue;
    }
    headers.push(
      r.pick([
        ...fine,
        `Authorization: ${'Bearer '.repeat(r.pick([1, 500]))}`,
        `Expect: ${bytes(r, 5, 97, 122)}`,
        'Connection: Upgrade\r\nUpgrade: websocket',
        `X-Forwarded-For: ${'1.2.3.4, '.repeat(300)}`,
        `Cookie: ${'c=v; '.repeat(r.pick([1, 3000]))}`,
        ` folded: continuation line`,
        'No colon here',
        `${bytes(r, 1 + r.int(10), 33, 126).replace(/:/g, '')}: ${bytes(r, r.int(30), 32, 126)}`,
        `X-Control: a\u0000b`,
        `X-Many: ${'v'.repeat(r.pick([100, 9000, 70_000]))}`,
      ]),
    );
  }
  if (broken && r.chance(0.1)) for (let i = 0; i < r.pick([200, 2500]); i++) headers.push(`X-H${i}: ${i}`);
  if (r.chance(0.9) && !headers.some((h) => /^Connection:/i.test(h))) headers.push('Connection: close');
  const line = `${method} ${path}${version === '' ? '' : ` ${version}`}`;
  const wire = Buffer.concat([Buffer.from(`${line}\r\n${headers.join('\r\n')}\r\n\r\n`, 'latin1'), framed]);
  // Sometimes a second request on the same connection (pipelining).
  const pipelined = r.chance(0.08) ? Buffer.from('GET /v1/keys HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n') : Buffer.alloc(0);
  const what = `${line.slice(0, 200)} | ${headers.map((h) => h.slice(0, 60)).join(' | ').slice(0, 600)} | body ${payload.length} bytes${pipelined.length > 0 ? ' | pipelined GET' : ''}`;
  return { wire: Buffer.concat([wire, pipelined]), head: method === 'HEAD', what };
}

/** The headers every answer carries (app.ts `common`); the portal's CSP differs but also forbids framing. */
function headerProblems(response: WireResponse): string[] {
  const h = response.headers;
  const problems: string[] = [];
  if (h['x-content-type-options'] !== 'nosniff') problems.push('no X-Content-Type-Options: nosniff');
  if (h['referrer-policy'] !== 'no-referrer') problems.push('no Referrer-Policy: no-referrer');
  if (!/frame-ancestors 'none'/.test(h['content-security-policy'] ?? '')) problems.push("no CSP with frame-ancestors 'none'");
  if (h['cross-origin-resource-policy'] === undefined) problems.push('no Cross-Origin-Resource-Policy');
  if (h['cache-control'] === undefined) problems.push('no Cache-Control');
  if (response.status >= 400 && /json/.test(h['content-type'] ?? '') && response.body.length > 0) {
    try {
      const parsed = JSON.parse(response.body.toString('utf8')) as { error?: { code?: unknown; message?: unknown } };
      if (typeof parsed.error?.code !== 'string' || !/^E_[A-Z_]+$/.test(parsed.error.code) || typeof parsed.error.message !== 'string') problems.push('error body not in the JSON shape');
    } catch {
      problems.push('error body is not JSON');
    }
  }
  return problems;
}

describe('HTTP fuzzing on a socket', () => {
  it('answers the two errors Node would write by itself (no Host, an unmet Expect) with the headers and the JSON shape', async () => {
    for (const [wire, status] of [
      ['GET /v1/keys HTTP/1.1\r\nConnection: close\r\n\r\n', 400],
      ['POST /v1/evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: to-be-answered\r\nContent-Length: 2\r\n\r\n{}', 417],
    ] as const) {
      const { responses } = await exchange(port, Buffer.from(wire), { timeoutMs: 5000, headRequest: false });
      expect(responses.map((r) => r.status)).toEqual([status]);
      expect(headerProblems(responses[0]!)).toEqual([]);
      expect(JSON.parse(responses[0]!.body.toString('utf8'))).toEqual({ error: { code: 'E_BAD_REQUEST', message: expect.any(String) } });
    }
    // HTTP/1.0 does not require Host (RFC 1945): still served.
    const old = await exchange(port, Buffer.from('GET /v1/keys HTTP/1.0\r\n\r\n'), { timeoutMs: 5000, headRequest: false });
    expect(old.responses.map((r) => r.status)).toEqual([200]);
  });

  it(`answers ${runs} malformed or random requests without a 5xx, always with the security headers, and stays up`, async () => {
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    const unanswered: string[] = [];
    for (let i = 0; i < runs && problems.length < 30; i++) {
      const { wire, head, what } = request(random);
      const label = `case ${i} [seed ${JSON.stringify(seed)}]: ${what}`;
      const result = await exchange(port, wire, { timeoutMs: 15_000, headRequest: head });
      if (result.timedOut) problems.push(`${label}: neither answered nor closed within 15 s`);
      if (result.responses.length === 0) unanswered.push(what.split(' | ')[0]!.slice(0, 40));
      for (const response of result.responses) {
        if (response.status < 200) continue; // 100 Continue: an interim answer
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status >= 500) problems.push(`${label}: status ${response.status} ${response.body.toString('utf8').slice(0, 200)}`);
        const missing = headerProblems(response);
        if (missing.length > 0) problems.push(`${label}: ${response.status} with ${missing.join(', ')}`);
      }
      if (i % 50 === 49) {
        const health = await exchange(port, Buffer.from('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'), { timeoutMs: 5000, headRequest: false });
        if (health.responses[0]?.status !== 200) problems.push(`after case ${i}: /healthz answers ${health.responses[0]?.status ?? 'nothing'}`);
      }
    }
    console.log(
      `fuzz-http: ${runs} requests; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}; ` +
        `${unanswered.length} connections closed without an answer (${JSON.stringify(unanswered.slice(0, 12))})`,
    );
    expect(problems, problems.join('\n')).toEqual([]);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok', index: true });
  }, 300_000);
});
