// A running portal over a small synthetic leak, for the browser tests, the screenshots and the portal benchmark: the
// leak synthesized and ingested through the public path, test notices sealed for persons of the truth file, the
// server with the built portal on a loopback port; and Debian's Chromium through playwright-core (a dev dependency).

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { defaultPortalDir } from '../cli/serve.js';
import { exampleControllerConfig } from '../controller/example.js';
import type { ControllerConfig } from '../controller/types.js';
import { writeNewKeyFile } from '../crypto/key-file.js';
import { createVoprfServer } from '../crypto/voprf-server.js';
import { createEvaluatorPool } from '../index/evaluator-pool.js';
import { ingest } from '../index/ingest.js';
import { createLookupService } from '../index/lookup-service.js';
import { SqliteStore } from '../index/sqlite-store.js';
import type { NoticeDocument } from '../lookup/notice.js';
import { synthesize, type TruthRecord } from '../synth/index.js';
import { createApp } from './app.js';
import { CheckCounter } from './admin.js';
import { loadPortalAssets } from './portal.js';
import { sealNotice } from './test-fixture.js';

export const CHROMIUM = '/usr/bin/chromium';
export const BREACH = 'labos-2021';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface PortalWorld {
  url: string;
  dir: string;
  store: SqliteStore;
  truth: TruthRecord[];
  /** A person of the file with every identifier and a valid NIR key, and the printed code of a notice sealed for them. */
  member: TruthRecord;
  memberCode: string;
  notice: NoticeDocument;
  close(): Promise<void>;
}

export interface PortalWorldOptions {
  rows?: number;
  /** Default: the example controller.json; null for a portal without one. */
  controller?: ControllerConfig | null;
  /** Token buckets of evaluations and notices (default: generous, the tests make many checks from one address). */
  rateLimit?: { burst: number; refillPerSecond: number } | null;
  /** Enables the controller's dashboard at /admin with this bearer token. */
  adminToken?: string;
}

export async function startPortalWorld(options: PortalWorldOptions = {}): Promise<PortalWorld> {
  const portalDir = defaultPortalDir();
  if (portalDir === null) throw new Error('the portal is not built: run npm run build');
  const dir = mkdtempSync(join(tmpdir(), 'vigie-portal-'));
  try {
    const key = writeNewKeyFile(join(dir, 'vigie.key'));
    const file = join(dir, 'leak.csv');
    const truthFile = join(dir, 'truth.jsonl');
    await synthesize({ rows: options.rows ?? 2000, seed: 'portal-test', dirty: true, out: file, truth: truthFile });
    const truth = readFileSync(truthFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as TruthRecord);
    const store = new SqliteStore(join(dir, 'vigie.db'));
    const pool = await createEvaluatorPool({ secretKey: key.secretKey, threads: 1 });
    try {
      await ingest({ store, pool, keyId: key.keyId, breachId: BREACH, title: 'Laboratoires 2021', files: [file] });
    } finally {
      await pool.close();
    }
    const member = truth.find((p) => !p.unusable && p.email !== null && p.phone !== null && p.nirKeyInFile === 'valid');
    if (member === undefined) throw new Error('the synthetic leak has no person with every identifier');
    const notice: NoticeDocument = {
      v: 1,
      breach: BREACH,
      reference: 'LABEX-2021-000042',
      lang: 'fr',
      issuedAt: '2021-03-15',
      labs: member.labs,
      categories: member.categories,
      masked: { name: 'J*** D***', nir: '2 55 08 ** *** *** 38', email: 'j***@example.fr' },
    };
    const memberCode = sealNotice(store, notice);
    const server = await createVoprfServer(key.secretKey);
    const limit = options.rateLimit === undefined ? { burst: 10_000, refillPerSecond: 1_000 } : options.rateLimit;
    const app = createApp({
      service: createLookupService({ store, server, keyId: key.keyId }),
      store,
      notices: store,
      rateLimit: limit,
      noticeRateLimit: limit,
      controller: options.controller === undefined ? exampleControllerConfig() : options.controller,
      portal: loadPortalAssets(portalDir),
      ...(options.adminToken === undefined ? {} : { admin: { token: options.adminToken, store, checks: new CheckCounter() } }),
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    return {
      url: `http://127.0.0.1:${port}`,
      dir,
      store,
      truth,
      member,
      memberCode,
      notice,
      close: async () => {
        await app.close();
        store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Whether Chromium and the portal build are here (for callers that skip without them). */
export function browserPrerequisites(): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium)`;
  if (defaultPortalDir() === null) return 'the portal is not built (run npm run build)';
  return null;
}
