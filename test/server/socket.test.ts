// The Lookup API through a real socket (127.0.0.1, a free port) on an index built by ingesting a synthetic leak.
// An independent client checks it: @cloudflare/voprf-ts for RFC 9497, and the DESIGN §4 steps written out here
// with node:crypto (bucket hash, HKDF tag and seal key, AES-256-GCM open), sharing no code with src/lookup.

import { createDecipheriv, createHash, hkdfSync } from 'node:crypto';
import { Evaluation, Oprf, VOPRFClient } from '@cloudflare/voprf-ts';
import { CryptoNoble } from '@cloudflare/voprf-ts/crypto-noble';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVoprfServer } from '../../src/crypto/voprf-server.js';
import { normalizeEmail, normalizeNir } from '../../src/identifiers/index.js';
import { createEvaluatorPool } from '../../src/index/evaluator-pool.js';
import { ingest } from '../../src/index/ingest.js';
import { createLookupService } from '../../src/index/lookup-service.js';
import { SqliteStore } from '../../src/index/sqlite-store.js';
import { createHttpLookupClient } from '../../src/lookup/index.js';
import { createApp } from '../../src/server/app.js';
import { createWorkspace, synthLeak, type TruthPerson, type Workspace } from '../helpers.js';

const SUITE = Oprf.Suite.RISTRETTO255_SHA512;
const enc = new TextEncoder();
const b64u = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const unb64u = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64url'));

let ws: Workspace;
let store: SqliteStore;
let truth: TruthPerson[];
let app: ReturnType<typeof createApp>;
let base: string;
const logLines: string[] = [];
/** Every value a check sent or derived; none may appear in the logs. */
const used = new Set<string>();

beforeAll(async () => {
  ws = createWorkspace();
  let file: string;
  ({ file, truth } = await synthLeak(ws.dir, 'socket', 300, 'socket-test', false));
  store = new SqliteStore(ws.db);
  const pool = await createEvaluatorPool({ secretKey: ws.key.secretKey, threads: 0 });
  try {
    await ingest({ store, pool, keyId: ws.key.keyId, breachId: 'labos-2021', title: 'Laboratoires 2021', files: [file] });
  } finally {
    await pool.close();
  }
  const server = await createVoprfServer(ws.key.secretKey);
  app = createApp({
    service: createLookupService({ store, server, keyId: ws.key.keyId }),
    store,
    logger: pino({ level: 'trace' }, { write: (s: string) => void logLines.push(s) }),
    rateLimit: { burst: 1000, refillPerSecond: 1000 },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  base = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await app?.close();
  store?.close();
  ws?.cleanup();
});

interface Manifest {
  indexId: string;
  keyId: string;
  bucketBits: number;
  entrySize: number;
  entriesPerBucket: number;
}

/** DESIGN §4 "Bucket": first b bits of SHA-256("vigie/v1/bucket" || canonical), ceil(b/4) hex digits, low bits zero. */
function bucketHex(canonical: string, bits: number): string {
  const digest = createHash('sha256').update('vigie/v1/bucket').update(canonical, 'utf8').digest();
  const digits = Math.ceil(bits / 4);
  const top = digest.readUInt32BE(0) >>> (32 - bits);
  return (top * 2 ** (digits * 4 - bits)).toString(16).padStart(digits, '0');
}

/** The independent client: returns, per canonical, the opened payload or null. */
async function independentCheck(canonicals: string[]): Promise<({ b: { id: string; c: string[] }[] } | null)[]> {
  const keys = (await (await fetch(`${base}/v1/keys`)).json()) as { keys: { keyId: string; suite: string; mode: string; publicKey: string }[] };
  const manifest = (await (await fetch(`${base}/v1/index`)).json()) as Manifest;
  const key = keys.keys.find((k) => k.keyId === manifest.keyId)!;
  expect(key).toMatchObject({ suite: 'ristretto255-SHA512', mode: 'voprf' });

  // Blind with voprf-ts, evaluate over HTTP, verify the batched proof and finalize with voprf-ts.
  const client = new VOPRFClient(SUITE, unb64u(key.publicKey), CryptoNoble);
  const [finData, request] = await client.blind(canonicals.map((c) => enc.encode(c)));
  const blinded = request.blinded.map((e) => b64u(e.serialize()));
  blinded.forEach((b) => used.add(b));
  const response = await fetch(`${base}/v1/evaluate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ keyId: manifest.keyId, blinded }),
  });
  expect(response.status).toBe(200);
  const { evaluated, proof } = (await response.json()) as { evaluated: string[]; proof: string };
  evaluated.forEach((e) => used.add(e));
  // voprf-ts's Evaluation wire form: I2OSP(n, 2) || elements || mode || proof (c || s).
  const wire = Buffer.concat([Buffer.from([0, evaluated.length]), ...evaluated.map(unb64u), Buffer.from([Oprf.Mode.VOPRF]), unb64u(proof)]);
  const ys = await client.finalize(finData, Evaluation.deserialize(SUITE, wire, CryptoNoble));

  const results: ({ b: { id: string; c: string[] }[] } | null)[] = [];
  for (const [i, canonical] of canonicals.entries()) {
    const hex = bucketHex(canonical, manifest.bucketBits);
    used.add(`buckets/${hex}`);
    const bucketResponse = await fetch(`${base}/v1/indexes/${manifest.indexId}/buckets/${hex}`);
    expect(bucketResponse.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const bucket = Buffer.from(await bucketResponse.arrayBuffer());
    expect(bucket.length).toBe(manifest.entrySize * manifest.entriesPerBucket);
    const y = ys[i]!;
    const salt = Buffer.from(manifest.indexId, 'utf8');
    const tag = Buffer.from(hkdfSync('sha256', y, salt, 'vigie/v1/tag', 16));
    const sealKey = Buffer.from(hkdfSync('sha256', y, salt, 'vigie/v1/seal', 32));
    let found: { b: { id: string; c: string[] }[] } | null = null;
    for (let offset = 0; offset < bucket.length; offset += manifest.entrySize) {
      if (!bucket.subarray(offset, offset + 16).equals(tag)) continue;
      const sealed = bucket.subarray(offset + 16, offset + manifest.entrySize);
      const decipher = createDecipheriv('aes-256-gcm', sealKey, Buffer.alloc(12));
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      const plaintext = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
      found = JSON.parse(plaintext.toString('utf8').trimEnd()) as { b: { id: string; c: string[] }[] };
    }
    results.push(found);
  }
  return results;
}

function nirCanonical(raw: string): string | null {
  const n = normalizeNir(raw);
  return n.ok ? `nir:${n.value.body}` : null;
}

describe('through a real socket', () => {
  it('an independent client finds members, with their categories, and only members', async () => {
    const people = truth.filter((p) => !p.unusable);
    const members = people.slice(0, 40).flatMap((p) => {
      const c = nirCanonical(p.nir);
      return c === null ? [] : [{ canonical: c, person: p }];
    });
    const emails = people
      .filter((p) => p.email !== null)
      .slice(0, 8)
      .flatMap((p) => {
        const e = normalizeEmail(p.email!);
        return e.ok ? [{ canonical: `email:${e.value}`, person: p }] : [];
      });
    expect(members.length).toBeGreaterThan(30);
    expect(emails.length).toBeGreaterThan(0);
    const known = new Set(truth.map((p) => nirCanonical(p.nir)));
    const strangers: string[] = [];
    for (const { canonical } of members.slice(0, 24)) {
      const order = (Number(canonical.slice(-3)) % 999) + 1;
      const other = `${canonical.slice(0, -3)}${String(order).padStart(3, '0')}`;
      if (!known.has(other)) strangers.push(other);
    }
    strangers.push('email:nobody-at-all@example.fr', 'phone:+33699999999');

    const all = [...members, ...emails].map((m) => m.canonical);
    all.forEach((c) => used.add(c));
    strangers.forEach((c) => used.add(c));
    for (let i = 0; i < all.length; i += 8) {
      const batch = all.slice(i, i + 8);
      const results = await independentCheck(batch);
      results.forEach((r, j) => {
        const person = [...members, ...emails][i + j]!.person;
        expect(r, batch[j]).not.toBeNull();
        expect(r!.b.map((b) => b.id)).toEqual(['labos-2021']);
        expect([...r!.b[0]!.c].sort()).toEqual([...person.categories].sort());
      });
    }
    for (let i = 0; i < strangers.length; i += 8) {
      const results = await independentCheck(strangers.slice(i, i + 8));
      expect(results.every((r) => r === null)).toBe(true);
    }
  });

  it('the library client over HTTP agrees', async () => {
    const client = createHttpLookupClient(base);
    const person = truth.find((p) => !p.unusable)!;
    used.add(person.nir);
    const found = await client.checkQuery({ nir: person.nir });
    expect(found.found).toBe(true);
    const none = await client.checkQuery({ email: 'someone-else@example.org' });
    used.add('someone-else@example.org');
    expect(none.found).toBe(false);
  });

  it('limits a burst from one address, even when it spoofs X-Forwarded-For', async () => {
    const limited = createApp({
      service: createLookupService({ store, server: await createVoprfServer(ws.key.secretKey), keyId: ws.key.keyId }),
      store,
      rateLimit: { burst: 8, refillPerSecond: 0.01 },
    });
    await limited.listen({ host: '127.0.0.1', port: 0 });
    try {
      const port = (limited.server.address() as { port: number }).port;
      const client = new VOPRFClient(SUITE, ws.key.publicKey, CryptoNoble);
      const [, request] = await client.blind([enc.encode('nir:1000000000000')]);
      const body = JSON.stringify({ keyId: ws.key.keyId, blinded: [b64u(request.blinded[0]!.serialize())] });
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 12; i++) {
        const r = await fetch(`http://127.0.0.1:${port}/v1/evaluate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i}` },
          body,
        });
        statuses.push(r.status);
        if (r.status === 429) {
          retryAfter = r.headers.get('retry-after');
          expect(await r.json()).toEqual({ error: { code: 'E_RATE_LIMITED', message: expect.any(String) } });
        } else await r.arrayBuffer();
      }
      expect(statuses).toEqual([...Array(8).fill(200), ...Array(4).fill(429)]);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    } finally {
      await limited.close();
    }
  });

  it('answers a bucket the same way from the in-memory fast path as from the route', async () => {
    const manifest = (await (await fetch(`${base}/v1/index`)).json()) as Manifest;
    const hex = 'f'.repeat(Math.ceil(manifest.bucketBits / 4)).replace(/f$/, (manifest.bucketBits % 4 === 0 ? 'f' : '0'));
    const url = `${base}/v1/indexes/${manifest.indexId}/buckets/${hex}`;
    used.add(`buckets/${hex}`);
    const before = (await app.inject('/metrics')).body;
    const count = (text: string) => Number(/route="\/v1\/indexes\/:indexId\/buckets\/:hex",status="200"} (\d+)/.exec(text)?.[1] ?? 0);
    const viaRoute = await fetch(`${url}?first=1`); // a query string always takes the route, and fills the cache
    const viaFastPath = await fetch(url);
    expect(viaRoute.status).toBe(200);
    expect(viaFastPath.status).toBe(200);
    const headers = (r: Response) => {
      const out: Record<string, string> = {};
      r.headers.forEach((value, name) => {
        if (name !== 'date' && name !== 'keep-alive') out[name] = value;
      });
      return out;
    };
    expect(headers(viaFastPath)).toEqual(headers(viaRoute));
    expect(Buffer.from(await viaFastPath.arrayBuffer()).equals(Buffer.from(await viaRoute.arrayBuffer()))).toBe(true);
    expect(count((await app.inject('/metrics')).body)).toBe(count(before) + 2);
    const notModified = await fetch(url, { headers: { 'if-none-match': viaRoute.headers.get('etag')! } });
    expect(notModified.status).toBe(304);
  });

  it('answers malformed HTTP with a JSON 400 and stays up', async () => {
    const { connect } = await import('node:net');
    const port = Number(new URL(base).port);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('GET /v1/keys HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toContain('X-Content-Type-Options: nosniff');
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toEqual({ error: { code: 'E_BAD_REQUEST', message: expect.any(String) } });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('left no identifier, blinded element, evaluated element or bucket id in the logs', () => {
    const text = logLines.join('');
    expect(logLines.length).toBeGreaterThan(50);
    expect(used.size).toBeGreaterThan(100);
    for (const value of used) expect(text.includes(value), value).toBe(false);
    for (const c of used) if (c.startsWith('nir:')) expect(text).not.toContain(c.slice(4));
  });
});
