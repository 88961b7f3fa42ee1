// The embedded store (DESIGN §4, §6): per distinct identifier only y, a masked bucket prefix and what was found;
// breaches with aggregate statistics; immutable index versions (manifest + padded buckets) published atomically.

import { closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { VigieError } from '../errors.js';
import type { Manifest } from '../lookup/protocol.js';
import { beginSqliteIngest } from './sqlite-ingest.js';
import { toBreachRecord, type BreachRecord, type BreachRow, type IdentifierRow, type IngestSession, type SealedNotice, type Store } from './store.js';

export type { BreachRecord, IdentifierRow, SealedNotice } from './store.js';

const SCHEMA_VERSION = 1;
/** Page cache, in KiB: an ingest inserts y at random places in a B-tree, so a larger cache saves reads. */
const MAIN_CACHE_KIB = 128 * 1024;
/** Page size of a new store file (an existing store keeps its own). */
const PAGE_BYTES = 16 * 1024;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS breaches (
  num INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  categories INTEGER NOT NULL DEFAULT 0,
  stats TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS identifiers (
  y BLOB NOT NULL,
  breach INTEGER NOT NULL,
  prefix INTEGER NOT NULL,
  cats INTEGER NOT NULL,
  PRIMARY KEY (y, breach)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS indexes (
  id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL,
  manifest TEXT NOT NULL,
  created_at TEXT NOT NULL
) WITHOUT ROWID;
-- A rowid table (stores made before 2026-12-07 have WITHOUT ROWID; both answer the same queries): a padded bucket
-- (~15 KB) is far beyond the ~4 KB a WITHOUT ROWID cell keeps in its page, so each bucket took a leaf cell and an
-- overflow page; in a rowid table it fits one 16 KiB page. 32,768 buckets: 0.9 -> 0.57 s to write, 12% less file.
CREATE TABLE IF NOT EXISTS buckets (
  index_id TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (index_id, bucket)
);
CREATE TABLE IF NOT EXISTS ingests (
  num INTEGER PRIMARY KEY,
  breach_id TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  index_id TEXT NOT NULL,
  summary TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notices (
  notice_id TEXT PRIMARY KEY,
  breach_id TEXT NOT NULL,
  sealed BLOB NOT NULL,
  opened INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS notices_by_breach ON notices (breach_id);
`;

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly db: Database.Database;
  readonly path: string;

  get location(): string {
    return this.path;
  }

  constructor(path: string) {
    this.path = path;
    try {
      // Created owner-only: the store holds no readable personal data, but its y values are what the key unlocks.
      // SQLite gives the -wal and -shm files the database file's permissions.
      if (path !== ':memory:' && path !== '' && !existsSync(path)) closeSync(openSync(path, 'a', 0o600));
      this.db = new Database(path);
      // Pages of 16 KiB (SQLite's default is 4 KiB; this takes effect only when the file is created): a padded
      // bucket (~15 KB at full size) fits in one page instead of a chain of four, and an ingest's write-ahead log
      // has a quarter of the frames to write and checkpoint. Measured on the full-size benchmark: bucket writes
      // 4.5 -> 2.9 s, commit 4.5 -> 3.2 s, the merge 4.3 -> 3.5 s; 32 and 64 KiB pages were slower (docs/benchmarks.md).
      this.db.pragma(`page_size = ${PAGE_BYTES}`);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma(`cache_size = -${MAIN_CACHE_KIB}`);
      // Let SQLite's external merge sorts (an ingest's merge, an index build's ORDER BY bucket) use a helper thread.
      this.db.pragma('threads = 2');
      this.db.exec(SCHEMA);
      // Bitwise OR over a group: merges the categories of an identifier's rows.
      this.db.aggregate('vigie_bit_or', { start: 0, step: (acc: number, value: number) => acc | value });
    } catch (error) {
      throw new VigieError('E_STORE', `cannot open the store ${path}: ${(error as Error).message}`, { cause: error });
    }
    const version = this.getMeta('schema_version');
    if (version === null) this.setMeta('schema_version', String(SCHEMA_VERSION));
    else if (version !== String(SCHEMA_VERSION)) {
      throw new VigieError('E_STORE', `store ${path} has schema version ${version}, this Vigie reads ${SCHEMA_VERSION}`);
    }
  }

  getMeta(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** Every y in the store was computed under one key; a store refuses a second one (a new key means a new index). */
  bindKey(keyId: string): void {
    const bound = this.getMeta('key_id');
    if (bound === null) this.setMeta('key_id', keyId);
    else if (bound !== keyId) {
      throw new VigieError(
        'E_KEY_FILE',
        `the store ${this.path} was built with key ${bound}, but the key file holds key ${keyId}: use the original key, or a new store to rotate keys`,
      );
    }
  }

  breaches(): BreachRecord[] {
    const rows = this.db.prepare('SELECT * FROM breaches ORDER BY id').all() as BreachRow[];
    return rows.map(toBreachRecord);
  }

  breach(id: string): BreachRecord | null {
    const row = this.db.prepare('SELECT * FROM breaches WHERE id = ?').get(id) as BreachRow | undefined;
    return row === undefined ? null : toBreachRecord(row);
  }

  currentIndexId(): string | null {
    return this.getMeta('current_index');
  }

  manifest(indexId?: string): Manifest | null {
    const id = indexId ?? this.currentIndexId();
    if (id === null) return null;
    const row = this.db.prepare('SELECT manifest FROM indexes WHERE id = ?').get(id) as { manifest: string } | undefined;
    return row === undefined ? null : (JSON.parse(row.manifest) as Manifest);
  }

  bucket(indexId: string, bucket: number): Uint8Array | null {
    const row = this.db.prepare('SELECT data FROM buckets WHERE index_id = ? AND bucket = ?').get(indexId, bucket) as
      | { data: Buffer }
      | undefined;
    return row === undefined ? null : new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength);
  }

  /**
   * Stores sealed notices for a breach, in one transaction. A notice id already present is replaced only if it
   * belongs to the same breach (a rerun of the campaign); a collision with another breach's notice is an error.
   */
  putNotices(breachId: string, notices: Iterable<SealedNotice>): number {
    const owner = this.db.prepare('SELECT breach_id FROM notices WHERE notice_id = ?').pluck();
    const upsert = this.db.prepare(
      'INSERT INTO notices (notice_id, breach_id, sealed) VALUES (?, ?, ?) ON CONFLICT (notice_id) DO UPDATE SET sealed = excluded.sealed',
    );
    return this.db.transaction(() => {
      let count = 0;
      for (const notice of notices) {
        const existing = owner.get(notice.noticeId) as string | undefined;
        if (existing !== undefined && existing !== breachId) {
          throw new VigieError('E_STORE', `notice id collision with breach ${existing}`);
        }
        upsert.run(notice.noticeId, breachId, notice.sealed);
        count++;
      }
      return count;
    })();
  }

  /**
   * Replaces every notice of a breach by `notices`, in one transaction (nested in the caller's, if any): a rerun of
   * `vigie notices generate` leaves one live code per person, the new one; the old codes stop opening anything.
   */
  replaceNotices(breachId: string, notices: Iterable<SealedNotice>): number {
    // A plain INSERT once the breach's notices are gone: an id already present can only be another breach's (the
    // primary key refuses it), which saves putNotices' look-up per notice on hundreds of thousands of them.
    const insert = this.db.prepare('INSERT INTO notices (notice_id, breach_id, sealed) VALUES (?, ?, ?)');
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM notices WHERE breach_id = ?').run(breachId);
      let count = 0;
      for (const notice of notices) {
        try {
          insert.run(notice.noticeId, breachId, notice.sealed);
        } catch (error) {
          if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new VigieError('E_STORE', 'notice id collision with another breach', { cause: error });
          throw error;
        }
        count++;
      }
      return count;
    })();
  }

  /** Every sealed notice of a breach, for publishing them to another store. */
  *sealedNotices(breachId: string): IterableIterator<SealedNotice> {
    const rows = this.db.prepare('SELECT notice_id, sealed FROM notices WHERE breach_id = ? ORDER BY notice_id').raw(true);
    for (const [noticeId, sealed] of rows.iterate(breachId) as IterableIterator<[string, Buffer]>) yield { noticeId, sealed };
  }

  /** The sealed bytes of one notice, or null. */
  notice(noticeId: string): Uint8Array | null {
    const row = this.db.prepare('SELECT sealed FROM notices WHERE notice_id = ?').get(noticeId) as { sealed: Buffer } | undefined;
    return row === undefined ? null : new Uint8Array(row.sealed.buffer, row.sealed.byteOffset, row.sealed.byteLength);
  }

  /** Counts a fetch of a notice from the portal (by notice id only: no time, no address). */
  markNoticeOpened(noticeId: string): void {
    this.db.prepare('UPDATE notices SET opened = opened + 1 WHERE notice_id = ?').run(noticeId);
  }

  /** Notices of a breach and how many of them were opened at least once on the portal. */
  noticeCounts(breachId: string): { notices: number; opened: number } {
    const row = this.db
      .prepare('SELECT count(*) AS notices, count(*) FILTER (WHERE opened > 0) AS opened FROM notices WHERE breach_id = ?')
      .get(breachId) as { notices: number; opened: number };
    return { notices: row.notices, opened: row.opened };
  }

  async beginIngest(breachId: string, title: string, stamp: string): Promise<IngestSession> {
    return beginSqliteIngest(this, breachId, title, stamp);
  }

  async *identifierRows(): AsyncIterable<IdentifierRow> {
    yield* this.db.prepare('SELECT y, breach, prefix, cats FROM identifiers ORDER BY y, breach').iterate() as IterableIterator<IdentifierRow>;
  }

  close(): void {
    this.db.close();
  }
}
