// A small real index for the server's tests and benchmark: a CSV of known NIRs written here, ingested through the
// public ingest path (source, evaluation, index build) into a temporary directory, with the lookup service on top.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNewKeyFile, type KeyFile } from '../crypto/key-file.js';
import { deriveNoticeKeysSync, sealSync } from '../crypto/node.js';
import { formatNoticeCode, generateNoticeCode } from '../crypto/notice-code.js';
import { createVoprfServer, type VoprfServer } from '../crypto/voprf-server.js';
import type { Category } from '../identifiers/categories.js';
import { createEvaluatorPool } from '../index/evaluator-pool.js';
import { ingest } from '../index/ingest.js';
import { createLookupService, type LookupService } from '../index/lookup-service.js';
import { SqliteStore } from '../index/sqlite-store.js';
import { encodeNotice, type NoticeDocument } from '../lookup/notice.js';
import type { Manifest } from '../lookup/protocol.js';

export interface Fixture {
  dir: string;
  key: KeyFile;
  store: SqliteStore;
  server: VoprfServer;
  service: LookupService;
  manifest: Manifest;
  /** Canonical strings (`nir:` + 13 digits) of the persons in the index. */
  members: string[];
  cleanup(): void;
}

/** The columns of the fixture's file: NOM (identity), NIR (nir), COMMENTAIRE_1 (health_comment). */
export const FIXTURE_CATEGORIES: Category[] = ['identity', 'nir', 'health_comment'];

/** The i-th fixture NIR body: structurally valid (sex, year, month 01-12, department, commune, order), all distinct. */
export function fixtureNir(i: number): string {
  const sex = 1 + (i % 2);
  const year = String(40 + (i % 60)).padStart(2, '0');
  const month = String(1 + (Math.floor(i / 2) % 12)).padStart(2, '0');
  const dept = String(21 + (Math.floor(i / 24) % 70)).padStart(2, '0');
  const commune = String(1 + (Math.floor(i / 1680) % 899)).padStart(3, '0');
  const order = String(1 + (i % 997)).padStart(3, '0');
  return `${sex}${year}${month}${dept}${commune}${order}`;
}

export async function createFixture(options: { count?: number; breachId?: string } = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-server-test-'));
  const key = writeNewKeyFile(join(dir, 'vigie.key'));
  const store = new SqliteStore(join(dir, 'vigie.db'));
  const count = options.count ?? 40;
  const bodies = Array.from({ length: count }, (_, i) => fixtureNir(i));
  const file = join(dir, 'leak.csv');
  writeFileSync(file, `NOM;NIR;COMMENTAIRE_1\n${bodies.map((nir, i) => `PATIENT${i};${nir};contrôle`).join('\n')}\n`);
  const pool = await createEvaluatorPool({ secretKey: key.secretKey, threads: 0 });
  try {
    const summary = await ingest({ store, pool, keyId: key.keyId, breachId: options.breachId ?? 'labos-2021', title: 'Laboratoires 2021', files: [file] });
    if (summary.rowsIndexed !== count) throw new Error(`fixture: ${summary.rowsIndexed} of ${count} rows indexed`);
  } finally {
    await pool.close();
    rmSync(file, { force: true });
  }
  const server = await createVoprfServer(key.secretKey);
  const service = createLookupService({ store, server, keyId: key.keyId });
  return {
    dir,
    key,
    store,
    server,
    service,
    manifest: store.manifest()!,
    members: bodies.map((b) => `nir:${b}`),
    cleanup: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Seals one notice into the store as the notices campaign will (DESIGN §5) and returns its printed code
 * (XXXX-XXXX-XXXX-XXXX), for tests and the demo until `vigie notices` writes real ones.
 */
export function sealNotice(store: Pick<SqliteStore, 'putNotices'>, doc: NoticeDocument, rng?: (n: number) => Uint8Array): string {
  const code = rng === undefined ? generateNoticeCode() : generateNoticeCode(rng);
  const { noticeId, noticeKey } = deriveNoticeKeysSync(code);
  store.putNotices(doc.breach, [{ noticeId, sealed: sealSync(noticeKey, encodeNotice(doc)) }]);
  return formatNoticeCode(code);
}

/** A portal build in the shape Vite writes it (a manifest naming the entry, hashed assets), for tests without `npm run build`. */
export function writePortalBuild(dir: string): { script: string; stylesheet: string } {
  const script = 'assets/main-T3st01.js';
  const stylesheet = 'assets/main-T3st02.css';
  mkdirSync(join(dir, '.vite'), { recursive: true });
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, '.vite', 'manifest.json'), JSON.stringify({ 'main.ts': { file: script, css: [stylesheet], isEntry: true } }));
  writeFileSync(join(dir, script), 'void 0;\n');
  writeFileSync(join(dir, stylesheet), 'p{margin:0}');
  return { script: `/${script}`, stylesheet: `/${stylesheet}` };
}
