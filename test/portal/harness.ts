// The portal's browser tests share one world: a small synthetic leak ingested through the public path, two sealed
// test notices, the server with the built portal on a loopback port, and Debian's Chromium through playwright-core.
// Without Chromium the tests are skipped with a visible message, unless CI=true, where its absence is a failure.

import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { defaultPortalDir } from '../../src/cli/serve.js';
import { exampleControllerConfig } from '../../src/controller/example.js';
import type { ControllerConfig } from '../../src/controller/types.js';
import { createVoprfServer } from '../../src/crypto/voprf-server.js';
import { isCategory } from '../../src/identifiers/categories.js';
import { createEvaluatorPool } from '../../src/index/evaluator-pool.js';
import { ingest } from '../../src/index/ingest.js';
import { createLookupService } from '../../src/index/lookup-service.js';
import { SqliteStore } from '../../src/index/sqlite-store.js';
import type { NoticeDocument } from '../../src/lookup/notice.js';
import { createApp } from '../../src/server/app.js';
import { loadPortalAssets } from '../../src/server/portal.js';
import { sealNotice } from '../../src/server/test-fixture.js';
import { createWorkspace, synthLeak, type TruthPerson, type Workspace } from '../helpers.js';

export const CHROMIUM = '/usr/bin/chromium';
export const BREACH = 'labos-2021';

/** Whether the browser tests run here; prints why not, and refuses to skip on CI. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM) && defaultPortalDir() !== null) return true;
  const why = existsSync(CHROMIUM) ? 'the portal is not built (run npm run build)' : `${CHROMIUM} is missing (apt-get install chromium)`;
  if (process.env['CI'] === 'true') throw new Error(`portal browser tests cannot run on CI: ${why}`);
  console.warn(`\n*** SKIPPED portal browser tests: ${why} ***\n`);
  return false;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface PortalWorld {
  url: string;
  ws: Workspace;
  store: SqliteStore;
  truth: TruthPerson[];
  /** A person of the file with every identifier, and the printed code of a notice sealed for them. */
  member: TruthPerson;
  memberCode: string;
  notice: NoticeDocument;
  close(): Promise<void>;
}

export async function startPortalWorld(options: { rows?: number; controller?: ControllerConfig | null } = {}): Promise<PortalWorld> {
  const ws = createWorkspace();
  const { file, truth } = await synthLeak(ws.dir, 'portal', options.rows ?? 2000, 'portal-test', true);
  const store = new SqliteStore(ws.db);
  const pool = await createEvaluatorPool({ secretKey: ws.key.secretKey, threads: 1 });
  try {
    await ingest({ store, pool, keyId: ws.key.keyId, breachId: BREACH, title: 'Laboratoires 2021', files: [file] });
  } finally {
    await pool.close();
  }
  const member = truth.find((p) => !p.unusable && p.email !== null && p.phone !== null && p.nirKeyInFile === 'valid')!;
  const notice: NoticeDocument = {
    v: 1,
    breach: BREACH,
    reference: 'LABEX-2021-000042',
    lang: 'fr',
    issuedAt: '2021-03-15',
    labs: member.labs,
    categories: member.categories.filter(isCategory),
    masked: { name: 'J*** D***', nir: '2 55 08 ** *** *** 38', email: 'j***@example.fr' },
  };
  const memberCode = sealNotice(store, notice);
  const server = await createVoprfServer(ws.key.secretKey);
  const service = createLookupService({ store, server, keyId: ws.key.keyId });
  const app = createApp({
    service,
    store,
    notices: store,
    // Generous limits: the tests make many checks from one address; the limits have their own tests.
    rateLimit: { burst: 10_000, refillPerSecond: 1_000 },
    noticeRateLimit: { burst: 10_000, refillPerSecond: 1_000 },
    controller: options.controller === undefined ? exampleControllerConfig() : options.controller,
    portal: loadPortalAssets(defaultPortalDir()!),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    ws,
    store,
    truth,
    member,
    memberCode,
    notice,
    close: async () => {
      await app.close();
      store.close();
      ws.cleanup();
    },
  };
}

/** A person who is not in the file: identifiers that the synthetic generator never produces. */
export const STRANGER = {
  nir: '1 84 12 75 123 456 ', // key added by the test
  email: 'personne.inconnue@exemple.invalid',
  phone: '06 00 00 00 01',
};
