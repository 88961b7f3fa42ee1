// Notices end to end (issue 5): a dirty synthetic leak ingested, one notice per person, letters that pdftotext reads,
// codes that open their notice (directly and through GET /v1/notices/{id}), no code and no address in the store.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleControllerConfig } from '../src/controller/example.js';
import { parseNoticeCode } from '../src/crypto/notice-code.js';
import { createVoprfServer } from '../src/crypto/voprf-server.js';
import { createEvaluatorPool } from '../src/index/evaluator-pool.js';
import { ingest, type IngestSummary } from '../src/index/ingest.js';
import { createLookupService } from '../src/index/lookup-service.js';
import { SqliteStore } from '../src/index/sqlite-store.js';
import { openNoticeByCode } from '../src/lookup/notice.js';
import { generateNotices, type GenerateSummary } from '../src/notices/generate.js';
import { Outbox } from '../src/notices/outbox.js';
import { createApp } from '../src/server/app.js';
import { createWorkspace, synthLeak, type TruthPerson, type Workspace } from './helpers.js';

const ROWS = 1500;
const BREACH = 'labos-2021';
const CODE = /\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b/g;

const config = exampleControllerConfig();
const opened = (store: SqliteStore, code: string) => openNoticeByCode(code, async (id) => store.notice(id));

/** Every page of a PDF as text (pdftotext separates pages with a form feed). */
function pages(file: string): string[] {
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\f').slice(0, -1);
}

describe('notices generate', () => {
  let ws: Workspace;
  let store: SqliteStore;
  let truth: TruthPerson[];
  let file: string;
  let ingested: IngestSummary;
  let summary: GenerateSummary;
  let out: string;
  const letterCodes: string[] = [];

  beforeAll(async () => {
    ws = createWorkspace();
    ({ file, truth } = await synthLeak(ws.dir, 'leak', ROWS, 'notices-test', true));
    store = new SqliteStore(ws.db);
    const pool = await createEvaluatorPool({ secretKey: ws.key.secretKey, threads: 0 });
    ingested = await ingest({ store, pool, keyId: ws.key.keyId, breachId: BREACH, files: [file] });
    await pool.close();
    out = join(ws.dir, 'letters');
    summary = await generateNotices({ store, secretKey: ws.key.secretKey, breachId: BREACH, source: file, config, outDir: out, threads: 0, lettersPerBatch: 500 });
    for (const pdf of summary.files.letters) for (const text of pages(join(out, pdf))) letterCodes.push(...(text.match(CODE) ?? []));
  });

  afterAll(() => {
    store?.close();
    ws?.cleanup();
  });

  it('makes one notice per person: persons = notices = letters printed + persons without a postal address', () => {
    expect(summary.persons).toBe(ingested.persons);
    expect(summary.sourceIngested).toBe(true);
    expect(summary.notices).toBe(summary.persons);
    expect(store.noticeCounts(BREACH).notices).toBe(summary.persons);
    expect(summary.letters + summary.withoutPostalAddress).toBe(summary.persons);
    const report = readFileSync(join(out, 'without-postal-address.csv'), 'utf8').trim().split('\n');
    expect(report.length - 1).toBe(summary.withoutPostalAddress);
    expect(summary.withoutPostalAddress).toBeGreaterThan(0);
    // A person found in several labs has one notice listing them all.
    expect(truth.some((p) => p.labs.length > 1)).toBe(true);
  });

  it('prints batches with one letter per page, each with its code, and a manifest sorted by postcode', () => {
    expect(summary.batches).toBe(Math.ceil(summary.letters / 500));
    expect(letterCodes).toHaveLength(summary.letters);
    expect(new Set(letterCodes).size).toBe(summary.letters);
    const manifest = readFileSync(join(out, 'manifest.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(manifest).toHaveLength(summary.letters);
    const postcodes = manifest.map((row) => row[4]!);
    expect([...postcodes].sort()).toEqual(postcodes);
    expect(manifest.map((row) => Number(row[3]))).toEqual(manifest.map((_, i) => i + 1));
    // pdftotext reads each page's postcode where the manifest says it is, in the address block.
    const byFile = new Map<string, string[]>();
    for (const [, pdf, page, , postcode] of manifest) {
      const texts = byFile.get(pdf!) ?? byFile.set(pdf!, pages(join(out, pdf!))).get(pdf!)!;
      expect(texts[Number(page) - 1]).toMatch(new RegExp(`\\n\\s+${postcode} [A-ZÀ-Ý'’ -]+\\n`));
    }
  });

  it('writes personal data only owner-readable: directory 0700, files 0600', () => {
    expect(statSync(out).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(out)) expect(statSync(join(out, name)).mode & 0o777, name).toBe(0o600);
  });

  it('opens the notice of every code printed on a letter or listed in the report, with masked values only', async () => {
    const report = readFileSync(join(out, 'without-postal-address.csv'), 'utf8').match(CODE) ?? [];
    expect(report).toHaveLength(summary.withoutPostalAddress);
    const references = new Set<string>();
    let multiLab = 0;
    for (const code of [...letterCodes, ...report]) {
      const result = await opened(store, code);
      expect(result.status).toBe('ok');
      if (result.status !== 'ok') continue;
      references.add(result.notice.reference);
      if (result.notice.labs.length > 1) multiLab++;
      expect(result.notice.breach).toBe(BREACH);
      if (result.notice.masked.nir !== undefined) expect(result.notice.masked.nir).toMatch(/^[12378] \d\d [0-9]\d \*\* \*\*\* \*\*\* \d\d$/);
      if (result.notice.masked.email !== undefined) expect(result.notice.masked.email).toMatch(/^.\*\*\*@/);
      if (result.notice.masked.phone !== undefined) expect(result.notice.masked.phone).toMatch(/\*\* /);
    }
    expect(references.size).toBe(summary.persons);
    // A person found in several labs has one notice listing them all (synth --dirty puts some persons in two labs).
    expect(multiLab).toBeGreaterThan(0);
    expect(multiLab).toBeLessThanOrEqual(truth.filter((p) => p.labs.length > 1).length);
  });

  it('serves a letter code’s notice through GET /v1/notices/{noticeId}', async () => {
    const server = await createVoprfServer(ws.key.secretKey);
    const app = createApp({ service: createLookupService({ store, server, keyId: ws.key.keyId }), store, notices: store, noticeRateLimit: null });
    try {
      const fetchSealed = async (id: string): Promise<Uint8Array | null> => {
        const response = await app.inject({ method: 'GET', url: `/v1/notices/${id}` });
        if (response.statusCode === 404) return null;
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-type']).toBe('application/octet-stream');
        return new Uint8Array(response.rawPayload);
      };
      const result = await openNoticeByCode(letterCodes[0]!.toLowerCase().replace(/-/g, ' '), fetchSealed);
      expect(result.status).toBe('ok');
      const before = store.noticeCounts(BREACH).opened;
      expect(before).toBeGreaterThan(0);
      expect((await openNoticeByCode('0000-0000-0000-0000', fetchSealed)).status).toBe('unknown');
    } finally {
      await app.close();
    }
  });

  it('stores no code, no e-mail address and no name in clear (database and WAL scanned)', () => {
    const bytes = Buffer.concat([ws.db, `${ws.db}-wal`].filter(existsSync).map((f) => readFileSync(f)));
    const haystack = bytes.toString('latin1');
    // One pass each: every code-shaped and e-mail-shaped run of bytes in the files, against what was issued.
    const codes = new Set(letterCodes.flatMap((c) => [c, parseNoticeCode(c)!]));
    const runs = haystack.match(/[0-9A-HJKMNP-TV-Z]{4}-?[0-9A-HJKMNP-TV-Z]{4}-?[0-9A-HJKMNP-TV-Z]{4}-?[0-9A-HJKMNP-TV-Z]{4}/g) ?? [];
    expect(runs.filter((run) => codes.has(run))).toEqual([]);
    const emails = new Set(truth.map((p) => p.email).filter((e): e is string => e !== null));
    expect(emails.size).toBeGreaterThan(10);
    const found = haystack.match(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g) ?? [];
    expect(found.filter((e) => emails.has(e.toLowerCase()))).toEqual([]);
    for (const p of truth.slice(0, 20)) expect(haystack.includes(`${p.lastName};${p.firstName}`)).toBe(false);
  });

  it('refuses a non-empty output directory', async () => {
    const busy = join(ws.dir, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'x'), '');
    await expect(generateNotices({ store, secretKey: ws.key.secretKey, breachId: BREACH, source: file, config, outDir: busy, threads: 0 })).rejects.toThrow(/not empty/);
  });

  it('rerun: replaces the breach’s notices, so one person never has two live codes', async () => {
    // From a copy that differs by one byte: the same persons, but not the file the index was built from.
    const copy = join(ws.dir, 'copy.csv');
    writeFileSync(copy, Buffer.concat([readFileSync(file), Buffer.from('\n')]));
    const again = await generateNotices({ store, secretKey: ws.key.secretKey, breachId: BREACH, source: copy, config, outDir: join(ws.dir, 'again'), threads: 0 });
    expect(again.sourceIngested).toBe(false);
    expect(again.persons).toBe(summary.persons);
    expect(again.replacedNotices).toBe(summary.notices);
    expect(store.noticeCounts(BREACH).notices).toBe(summary.persons);
    expect((await opened(store, letterCodes[0]!)).status).toBe('unknown');
    const fresh = pages(join(ws.dir, 'again', again.files.letters[0]!))[0]!.match(CODE)![0];
    expect((await opened(store, fresh)).status).toBe('ok');
  });

  it('refuses to generate again once e-mails of the breach have been sent', async () => {
    const outbox = new Outbox(store.db, ws.key.secretKey);
    const [claimed] = outbox.claim(BREACH, 1);
    outbox.settle(claimed!.num, 'accepted', 6, '250');
    await expect(
      generateNotices({ store, secretKey: ws.key.secretKey, breachId: BREACH, source: file, config, outDir: join(ws.dir, 'third'), threads: 0 }),
    ).rejects.toThrow(/already been sent/);
  });

  it('refuses a breach the controller configuration does not describe, naming it', async () => {
    await expect(
      generateNotices({ store, secretKey: ws.key.secretKey, breachId: 'other', source: file, config, outDir: join(ws.dir, 'other'), threads: 0 }),
    ).rejects.toThrow(/no entry with id "other"/);
  });

  it('refuses, before writing anything, a configuration whose letter cannot fit one page', async () => {
    const long = { fr: 'Une phrase assez longue pour remplir la page. '.repeat(80), en: 'A sentence long enough to fill the page. '.repeat(80) };
    const wordy = { ...config, breaches: [{ ...config.breaches[0]!, summary: long }] };
    const before = store.noticeCounts(BREACH).notices;
    await expect(
      generateNotices({ store, secretKey: ws.key.secretKey, breachId: BREACH, source: file, config: wordy, outDir: join(ws.dir, 'wordy'), threads: 0 }),
    ).rejects.toThrow(/does not fit on one A4 page/);
    expect(existsSync(join(ws.dir, 'wordy'))).toBe(false);
    expect(store.noticeCounts(BREACH).notices).toBe(before);
  });
});
