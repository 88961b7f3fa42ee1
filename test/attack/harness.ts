// The red-team suite's target and toolbox. The target is built the way an operator builds one (a leak file
// ingested through the public path into a fresh store under a fresh key) and served by the real app; the attacker's
// tools speak the wire protocol of DESIGN §4 and nothing else.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig, type RateLimitConfig } from '../../src/config.js';
import { b64uEncode } from '../../src/crypto/encoding.js';
import { writeNewKeyFile, type KeyFile } from '../../src/crypto/key-file.js';
import { blind, type BlindResult } from '../../src/crypto/voprf-client.js';
import { createVoprfServer } from '../../src/crypto/voprf-server.js';
import { canonicalizeQuery } from '../../src/identifiers/index.js';
import { createEvaluatorPool } from '../../src/index/evaluator-pool.js';
import { ingest } from '../../src/index/ingest.js';
import { createLookupService, type LookupService } from '../../src/index/lookup-service.js';
import { SqliteStore } from '../../src/index/sqlite-store.js';
import type { Manifest } from '../../src/lookup/protocol.js';
import { createApp, type AppOptions } from '../../src/server/app.js';
import { synthesize, type TruthRecord } from '../../src/synth/index.js';

export const BREACH = 'labos-2021';

/** The limits `vigie serve` applies when the operator sets nothing (VIGIE_RATE_LIMIT, VIGIE_NOTICE_RATE_LIMIT unset). */
export function shippedLimits(): { evaluate: RateLimitConfig; notice: RateLimitConfig } {
  const config = readConfig({});
  if (config.rateLimit === null || config.noticeRateLimit === null) throw new Error('the shipped configuration has no rate limit');
  return { evaluate: config.rateLimit, notice: config.noticeRateLimit };
}

export interface Target {
  dir: string;
  /** The key file the operator keeps: the attacker never has it, except in the tests that say so. */
  key: KeyFile;
  dbPath: string;
  store: SqliteStore;
  service: LookupService;
  manifest: Manifest;
  /** The persons of a synthetic leak (empty for a hand-written file). */
  truth: TruthRecord[];
  /** The leak file as written, before the ingest (tests read it to know what must never be found at rest). */
  sourceText: string;
  app(options?: Partial<AppOptions>): ReturnType<typeof createApp>;
  close(): Promise<void>;
}

export interface TargetOptions {
  /** A synthetic leak of this many rows (clean: every person's identifiers are indexable), or... */
  synthRows?: number;
  seed?: string;
  /** ...a leak file written as given. */
  csv?: string;
}

export async function buildTarget(options: TargetOptions): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-attack-'));
  try {
    const key = writeNewKeyFile(join(dir, 'vigie.key'));
    const file = join(dir, 'leak.csv');
    const truthFile = join(dir, 'truth.jsonl');
    let truth: TruthRecord[] = [];
    if (options.csv !== undefined) {
      writeFileSync(file, options.csv);
    } else {
      await synthesize({ rows: options.synthRows ?? 500, seed: options.seed ?? 'attack', dirty: false, out: file, truth: truthFile });
      truth = readFileSync(truthFile, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as TruthRecord);
    }
    const sourceText = readFileSync(file, 'utf8');
    const dbPath = join(dir, 'vigie.db');
    const store = new SqliteStore(dbPath);
    const pool = await createEvaluatorPool({ secretKey: key.secretKey, threads: 0 });
    try {
      await ingest({ store, pool, keyId: key.keyId, breachId: BREACH, title: 'Laboratoires 2021', files: [file] });
    } finally {
      await pool.close();
    }
    // The operator keeps no copy of the leak beside the store.
    rmSync(file, { force: true });
    rmSync(truthFile, { force: true });
    const service = createLookupService({ store, server: await createVoprfServer(key.secretKey), keyId: key.keyId });
    const manifest = (await store.manifest())!;
    const apps: ReturnType<typeof createApp>[] = [];
    return {
      dir,
      key,
      dbPath,
      store,
      service,
      manifest,
      truth,
      sourceText,
      app(appOptions = {}) {
        const app = createApp({ service, store, notices: store, ...appOptions });
        apps.push(app);
        return app;
      },
      async close() {
        for (const app of apps) await app.close();
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Every canonical identifier a synthetic person can be checked with: NIR, e-mail, phone, name (and birth name) + birth date. */
export function canonicalsOf(person: TruthRecord): string[] {
  const base = { nir: person.nir, email: person.email ?? '', phone: person.phone ?? '' };
  const named = canonicalizeQuery({ ...base, lastName: person.lastName, firstName: person.firstName, birthDate: person.birthDate });
  const out = named.identifiers.map((i) => i.canonical);
  if (person.birthName !== null) {
    const born = canonicalizeQuery({ lastName: person.birthName, firstName: person.firstName, birthDate: person.birthDate });
    out.push(...born.identifiers.map((i) => i.canonical));
  }
  return out;
}

const encoder = new TextEncoder();

/** Blinds canonical strings as a client does (RFC 9497 §3.3.2), keeping the blinds to finalize. */
export function blindAll(canonicals: readonly string[]): { blinds: BlindResult[]; blinded: string[] } {
  const blinds = canonicals.map((c) => blind(encoder.encode(c)));
  return { blinds, blinded: blinds.map((b) => b64uEncode(b.blindedElement)) };
}

/** POST /v1/evaluate in-process, from a given peer address, with the headers an attacker chooses. */
export function injectEvaluate(
  app: ReturnType<typeof createApp>,
  body: unknown,
  remoteAddress: string,
  headers: Record<string, string | string[]> = {},
) {
  return app.inject({
    method: 'POST',
    url: '/v1/evaluate',
    payload: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
    remoteAddress,
  });
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One HTTP request over a real socket, optionally from a chosen local address (127.0.0.x, ::1). */
export function httpCall(options: {
  port: number;
  host?: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  localAddress?: string;
  agent?: Agent | false;
}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: options.host ?? '127.0.0.1',
        port: options.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers ?? {},
        agent: options.agent ?? false,
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The port an app listens on after `listen`. */
export function portOf(app: ReturnType<typeof createApp>): number {
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the app is not listening');
  return address.port;
}
