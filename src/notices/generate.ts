// `vigie notices generate` (DESIGN §5, GDPR art. 34): re-reads the leak file, makes one notice per person with a
// fresh code, seals it in the store, fills the e-mail outbox, and prints the letters in batches with a manifest for
// the print shop. The codes exist in clear only in memory and in the files written to the output directory.

import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { breachNoticeOf } from '../controller/config.js';
import type { ControllerConfig } from '../controller/types.js';
import { deriveNoticeKeysSync, sealSync } from '../crypto/node.js';
import { formatNoticeCode, generateNoticeCode, NOTICE_CODE_ALPHABET } from '../crypto/notice-code.js';
import { VigieError } from '../errors.js';
import { categoriesOf } from '../identifiers/categories.js';
import type { SealedNotice, SqliteStore } from '../index/sqlite-store.js';
import { encodeNotice, NOTICE_FORMAT_VERSION, type NoticeDocument } from '../lookup/notice.js';
import type { Mapping } from '../source/index.js';
import { createLetterPool } from './letter-pool.js';
import { checkLetterFits, type LetterData } from './letter-pdf.js';
import { letterTexts } from './letter-text.js';
import { maskEmail, maskName, maskNir, maskPhone, maskPostcode } from './mask.js';
import { Outbox, type OutboxMessage } from './outbox.js';
import { readPersons, type Person } from './persons.js';

export const LETTERS_PER_BATCH = 1000;

/** The last generate run of each breach: counts only, for `vigie notices status`. */
const RUNS_SCHEMA = `CREATE TABLE IF NOT EXISTS notice_runs (
  breach_id TEXT PRIMARY KEY,
  generated_at TEXT NOT NULL,
  persons INTEGER NOT NULL,
  letters INTEGER NOT NULL,
  without_postal_address INTEGER NOT NULL,
  emails INTEGER NOT NULL,
  controller TEXT NOT NULL
) WITHOUT ROWID`;

export interface NoticeRun {
  generatedAt: string;
  persons: number;
  letters: number;
  withoutPostalAddress: number;
  emails: number;
  /** The controller configuration the run used (public details only): `notices send` words its e-mails with it. */
  controller: ControllerConfig | null;
}

/** Creates notice_runs, or adds the column a store written by an earlier version of this module lacks. */
function ensureRunsTable(store: SqliteStore): void {
  store.db.exec(RUNS_SCHEMA);
  const columns = store.db.prepare("SELECT name FROM pragma_table_info('notice_runs')").pluck().all() as string[];
  if (!columns.includes('controller')) store.db.exec("ALTER TABLE notice_runs ADD COLUMN controller TEXT NOT NULL DEFAULT ''");
}

/** The counts of the last generate run for a breach, or null. */
export function lastNoticeRun(store: SqliteStore, breachId: string): NoticeRun | null {
  ensureRunsTable(store);
  const row = store.db.prepare('SELECT * FROM notice_runs WHERE breach_id = ?').get(breachId) as
    | { generated_at: string; persons: number; letters: number; without_postal_address: number; emails: number; controller: string }
    | undefined;
  return row === undefined
    ? null
    : {
        generatedAt: row.generated_at,
        persons: row.persons,
        letters: row.letters,
        withoutPostalAddress: row.without_postal_address,
        emails: row.emails,
        controller: row.controller === '' ? null : (JSON.parse(row.controller) as ControllerConfig),
      };
}

export interface GenerateProgress {
  phase: 'reading' | 'sealing' | 'letters' | 'done';
  done: number;
  total: number | null;
  bytes?: { read: number; total: number | null };
  elapsedMs: number;
}

export interface GenerateOptions {
  store: SqliteStore;
  /** The key file's secret key: the outbox is sealed under keys derived from it. */
  secretKey: Uint8Array;
  breachId: string;
  source: string;
  mapping?: Mapping;
  config: ControllerConfig;
  outDir: string;
  /** Letter-printing threads (default 2; 0 prints inline). */
  threads?: number;
  lettersPerBatch?: number;
  now?: () => Date;
  random?: (length: number) => Uint8Array;
  onProgress?: (progress: GenerateProgress) => void;
}

export interface GenerateSummary {
  breachId: string;
  rowsRead: number;
  /** Rows without any identifier or malformed: the ingest rejected them too. */
  rowsSkipped: number;
  persons: number;
  notices: number;
  letters: number;
  batches: number;
  withoutPostalAddress: number;
  /** Outbox messages (one per distinct e-mail address) and the persons they reach. */
  emails: number;
  personsWithEmail: number;
  /** Notices of an earlier run for this breach that the new ones replaced. */
  replacedNotices: number;
  /**
   * Whether the source file is one the breach was ingested from (same SHA-256). When it is not, the notices may not
   * match what the portal's index answers: the command warns.
   */
  sourceIngested: boolean;
  outDir: string;
  files: { letters: string[]; manifest: string; withoutPostalAddress: string };
  lettersPerSecond: number;
  durationMs: number;
}

interface Issued {
  person: Person;
  reference: string;
  code: string;
  labs: string[];
}

function csvCell(value: string): string {
  return /[",\n\r;]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A new file, refused if it exists, mode 0600 from its first byte: everything written here is personal data. */
function writePrivateFile(path: string, text: string): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

function prepareOutDir(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new VigieError('E_USAGE', `output directory ${dir} is not empty: give a new or empty directory (letters of two runs must never mix)`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

const ordinal = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Letters go to the print shop sorted by postcode (postal sorting), then city and name. Ordinal comparison: a
 * locale-aware one costs seconds on 400,000 letters and the print shop only needs equal postcodes together.
 */
function byPostcode(a: Issued, b: Issued): number {
  const x = a.person.address!;
  const y = b.person.address!;
  return ordinal(x.postcode, y.postcode) || ordinal(x.city, y.city) || ordinal(a.person.lastName, b.person.lastName) || ordinal(a.person.firstName, b.person.firstName);
}

export async function generateNotices(options: GenerateOptions): Promise<GenerateSummary> {
  const { store, config, breachId } = options;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? ((length: number) => new Uint8Array(randomBytes(length)));
  const perBatch = options.lettersPerBatch ?? LETTERS_PER_BATCH;
  const clock = performance.now();
  const elapsed = (): number => performance.now() - clock;
  const breach = breachNoticeOf(config, breachId);
  const lang = config.languages[0]!;
  const issuedAt = now().toISOString().slice(0, 10);
  checkLetterFits(letterTexts(config, breach, lang, issuedAt), config); // before anything is written
  if (store.breach(breachId) === null) {
    throw new VigieError('E_BREACH', `breach ${breachId} is not in the store: ingest it first ("vigie ingest FILE --breach ${breachId}"), so that the portal answers for it`);
  }
  const outbox = new Outbox(store.db, options.secretKey, now);
  if (outbox.started(breachId)) {
    throw new VigieError(
      'E_BREACH',
      `e-mails of breach ${breachId} have already been sent: generating again would give their recipients new codes and a second message. Finish the campaign with "vigie notices send"`,
    );
  }
  prepareOutDir(options.outDir);

  const read = await readPersons(options.source, {
    ...(options.mapping === undefined ? {} : { mapping: options.mapping }),
    onProgress: (p) => options.onProgress?.({ phase: 'reading', done: p.rowsRead, total: null, bytes: { read: p.bytesRead, total: p.bytesTotal }, elapsedMs: elapsed() }),
  });

  const campaign = Array.from(random(4), (byte) => NOTICE_CODE_ALPHABET[byte & 31]).join('');
  const prefix = config.letter?.referencePrefix ?? 'VIGIE';
  const labName = (code: string): string => config.labs?.[code] ?? code;

  // Letters first in postcode order, then the persons without a postal address: references follow that order.
  const issued: Issued[] = read.persons.map((person) => ({ person, reference: '', code: '', labs: person.labs.map(labName) }));
  const withAddress = issued.filter((i) => i.person.address !== null);
  const withoutAddress = issued.filter((i) => i.person.address === null);
  const ordered = [...withAddress.sort(byPostcode), ...withoutAddress];
  ordered.forEach((entry, i) => {
    entry.reference = `${prefix}-${campaign}-${String(i + 1).padStart(6, '0')}`;
    entry.code = generateNoticeCode(random);
  });

  const sealed = function* (): Generator<SealedNotice> {
    let done = 0;
    for (const entry of ordered) {
      const p = entry.person;
      const masked: NoticeDocument['masked'] = {};
      const name = maskName(p.firstName, p.lastName);
      if (name !== '') masked.name = name;
      if (p.nir !== null) masked.nir = maskNir(p.nir.body, p.nir.key);
      if (p.emails[0] !== undefined) masked.email = maskEmail(p.emails[0]);
      if (p.phone !== null) masked.phone = maskPhone(p.phone);
      if (p.address !== null && /^\d{5}$/.test(p.address.postcode)) masked.postcode = maskPostcode(p.address.postcode);
      const doc: NoticeDocument = {
        v: NOTICE_FORMAT_VERSION,
        breach: breachId,
        reference: entry.reference,
        lang,
        issuedAt,
        labs: entry.labs,
        categories: categoriesOf(p.categories),
        masked,
      };
      const { noticeId, noticeKey } = deriveNoticeKeysSync(entry.code);
      yield { noticeId, sealed: sealSync(noticeKey, encodeNotice(doc)) };
      noticeKey.fill(0);
      if (++done % 10_000 === 0) options.onProgress?.({ phase: 'sealing', done, total: ordered.length, elapsedMs: elapsed() });
    }
  };

  // One message per distinct address, carrying the code of every person who gave it (a family, a carer).
  const messages = new Map<string, OutboxMessage>();
  for (const entry of ordered) {
    for (const to of entry.person.emails) {
      let message = messages.get(to);
      if (message === undefined) messages.set(to, (message = { to, lang, persons: [] }));
      const initial = [...entry.person.lastName][0];
      message.persons.push({
        label: `${entry.person.firstName}${initial === undefined ? '' : ` ${initial.toLocaleUpperCase('fr')}.`}`.trim(),
        reference: entry.reference,
        code: formatNoticeCode(entry.code),
        letter: entry.person.address !== null,
      });
    }
  }

  const replacedNotices = store.noticeCounts(breachId).notices;
  ensureRunsTable(store);
  const domain = new URL(config.portalUrl).hostname;
  let notices = 0;
  // Inserted in notice-id order: ids are random, and random inserts into a B-tree larger than SQLite's page cache
  // cost a page read each; sorted, they append (measured: 476,440 notices sealed and stored in ~50 s unsorted).
  const sealedNotices = [...sealed()].sort((a, b) => ordinal(a.noticeId, b.noticeId));
  store.db.transaction(() => {
    notices = store.replaceNotices(breachId, sealedNotices);
    outbox.replace(breachId, messages.values(), domain);
    store.db
      .prepare(
        `INSERT INTO notice_runs (breach_id, generated_at, persons, letters, without_postal_address, emails, controller) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (breach_id) DO UPDATE SET generated_at = excluded.generated_at, persons = excluded.persons, letters = excluded.letters,
           without_postal_address = excluded.without_postal_address, emails = excluded.emails, controller = excluded.controller`,
      )
      .run(breachId, now().toISOString(), ordered.length, withAddress.length, withoutAddress.length, messages.size, JSON.stringify(config));
  })();
  options.onProgress?.({ phase: 'sealing', done: notices, total: ordered.length, elapsedMs: elapsed() });

  // Letters, in batches of `perBatch` pages, printed on worker threads; the manifest lists them for the print shop.
  const pool = await createLetterPool({ config, breachId: breach.id, lang, issuedAt }, options.threads === undefined ? {} : { threads: options.threads });
  const letterFiles: string[] = [];
  let manifest = 'batch,file,page,sequence,postcode\n';
  let printed = 0;
  const letterStart = performance.now();
  try {
    const jobs: Promise<void>[] = [];
    for (let start = 0, batch = 1; start < withAddress.length; start += perBatch, batch++) {
      const slice = withAddress.slice(start, start + perBatch);
      const file = `letters-${String(batch).padStart(4, '0')}.pdf`;
      letterFiles.push(file);
      const letters: LetterData[] = slice.map((entry, page) => {
        manifest += `${batch},${file},${page + 1},${start + page + 1},${csvCell(entry.person.address!.postcode)}\n`;
        return {
          reference: entry.reference,
          code: formatNoticeCode(entry.code),
          recipient: `${entry.person.firstName} ${entry.person.lastName}`.trim(),
          address: entry.person.address!,
          labs: entry.labs,
          categories: categoriesOf(entry.person.categories),
        };
      });
      const job = pool.print(join(options.outDir, file), letters, `${breach.title[lang]} – ${file}`).then(() => {
        printed += letters.length;
        options.onProgress?.({ phase: 'letters', done: printed, total: withAddress.length, elapsedMs: elapsed() });
      });
      job.catch(() => undefined); // handled when awaited below; no unhandled rejection meanwhile
      jobs.push(job);
      // Keep at most two batches queued per thread: letters are built lazily, memory stays flat.
      if (jobs.length >= Math.max(2, pool.threads * 2)) await jobs.shift();
    }
    await Promise.all(jobs);
  } finally {
    await pool.close();
  }
  const letterSeconds = (performance.now() - letterStart) / 1000;

  writePrivateFile(join(options.outDir, 'manifest.csv'), manifest);
  let report = 'reference,code,last_name,first_name,birth_date,email_notice,reason\n';
  for (const entry of withoutAddress) {
    const p = entry.person;
    report += [entry.reference, formatNoticeCode(entry.code), p.lastName, p.firstName, p.birthDate, p.emails.length > 0 ? 'yes' : 'no', p.addressProblem ?? '']
      .map(csvCell)
      .join(',') + '\n';
  }
  writePrivateFile(join(options.outDir, 'without-postal-address.csv'), report);
  options.onProgress?.({ phase: 'done', done: printed, total: withAddress.length, elapsedMs: elapsed() });

  return {
    breachId,
    rowsRead: read.rowsRead,
    rowsSkipped: read.rowsSkipped,
    persons: read.persons.length,
    notices,
    letters: printed,
    batches: letterFiles.length,
    withoutPostalAddress: withoutAddress.length,
    emails: messages.size,
    personsWithEmail: ordered.filter((e) => e.person.emails.length > 0).length,
    replacedNotices,
    sourceIngested: (store.breach(breachId)?.stats?.files ?? []).some((f) => f.sha256 === read.sha256),
    outDir: options.outDir,
    files: { letters: letterFiles, manifest: 'manifest.csv', withoutPostalAddress: 'without-postal-address.csv' },
    lettersPerSecond: letterSeconds > 0 ? Math.round(printed / letterSeconds) : 0,
    durationMs: Math.round(elapsed()),
  };
}
