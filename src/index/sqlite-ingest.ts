// An ingest's transaction on the SQLite store (DESIGN §4): rows appended to scratch tables as they come, merged into
// the identifiers table in sorted order at the end, the index built from that table and published by COMMIT.

import { IDENTIFIER_TYPES, type IdentifierType } from '../identifiers/index.js';
import type { Manifest } from '../lookup/protocol.js';
import type { BreachStats } from './stats.js';
import type Database from 'better-sqlite3';
import { VigieError } from '../errors.js';
import { identifierChunk, type BreachRef, type FoundBatch, type IdentifierChunk, type IngestSession, type PersonGroup } from './store.js';
import type { SqliteStore } from './sqlite-store.js';

const Y_BYTES = 64;
/** Rows handed to the index build at a time. */
const CHUNK = 4096;
const SCRATCH_CACHE_KIB = 64 * 1024;
/** Sorter runs of the merges, in KiB (see withSorterRuns). */
const SORTER_KIB = 8 * 1024;
/** Identifiers appended per INSERT statement (4 parameters each, well under SQLite's limit of 32,766). */
const APPEND_ROWS = 32;
const MANY_VALUES = Array<string>(APPEND_ROWS).fill('(?, ?, ?, ?)').join(', ');

/**
 * Inserts `count` rows of 4 values, APPEND_ROWS per statement (`many`) and the rest one by one (`one`): a call into
 * SQLite per 32 rows instead of per row (1.7 million identifiers at full size). `bind(k, args, at)` writes row k's
 * values at `args[at..at+3]`.
 */
function appendRows(one: Database.Statement, many: Database.Statement, count: number, bind: (k: number, args: unknown[], at: number) => void): void {
  let k = 0;
  const args = new Array<unknown>(4 * APPEND_ROWS);
  for (; k + APPEND_ROWS <= count; k += APPEND_ROWS) {
    for (let r = 0; r < APPEND_ROWS; r++) bind(k + r, args, 4 * r);
    many.run(args);
  }
  const single = new Array<unknown>(4);
  for (; k < count; k++) {
    bind(k, single, 0);
    one.run(single);
  }
}

/**
 * Runs `work` (a statement with a large GROUP BY) with the main database's page cache set to SORTER_KIB, then puts
 * the cache back. SQLite sizes its sorter's in-memory runs by that cache: with 128 MiB the ~140 MB of an ingest's
 * identifiers made one run sorted on this thread; with runs of 8 MiB, the store's helper threads (`threads = 2`) sort
 * them while this thread reads the next, then merge them. Full-size merge of identifiers: 3.5-4 s -> ~2.1 s.
 */
function withSorterRuns<T>(db: Database.Database, work: () => T): T {
  const cache = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`cache_size = -${SORTER_KIB}`);
  try {
    return work();
  } finally {
    db.pragma(`cache_size = ${cache}`);
  }
}

/**
 * A private scratch database (an anonymous temporary file SQLite deletes on close), attached to the store's
 * connection for an ingest's transient tables: identifiers and persons being merged. No journal, since nothing in it
 * outlives the ingest.
 */
function attachScratch(db: Database.Database): void {
  detachScratch(db);
  db.exec("ATTACH DATABASE '' AS scratch");
  db.pragma(`scratch.cache_size = -${SCRATCH_CACHE_KIB}`);
  db.pragma('scratch.journal_mode = OFF');
  db.pragma('scratch.synchronous = OFF');
}

function detachScratch(db: Database.Database): void {
  if (!db.open || db.inTransaction) return;
  const attached = (db.pragma('database_list') as { name: string }[]).some((d) => d.name === 'scratch');
  if (attached) db.exec('DETACH DATABASE scratch');
}

/** Throws unless the chunk's rows follow `previous` in strictly increasing (y, breach) order. */
export function checkOrder(chunk: IdentifierChunk, previous: { y: Buffer; breach: number } | null): void {
  const { ys, breaches } = chunk;
  for (let i = 0; i < chunk.count; i++) {
    const order =
      i === 0
        ? previous === null
          ? 1
          : ys.compare(previous.y, 0, Y_BYTES, 0, Y_BYTES) || breaches[0]! - previous.breach
        : ys.compare(ys, (i - 1) * Y_BYTES, i * Y_BYTES, i * Y_BYTES, (i + 1) * Y_BYTES) || breaches[i]! - breaches[i - 1]!;
    if (order <= 0) throw new VigieError('E_STORE', 'index build: identifiers came out of key order');
  }
}

export function beginSqliteIngest(store: SqliteStore, breachId: string, title: string, stamp: string): IngestSession {
  const db = store.db;
  attachScratch(db);
  db.exec('BEGIN IMMEDIATE');
  try {
    db.prepare(
      `INSERT INTO breaches (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET title = excluded.title, updated_at = excluded.updated_at`,
    ).run(breachId, title, stamp, stamp);
    const breachNum = (db.prepare('SELECT num FROM breaches WHERE id = ?').get(breachId) as { num: number }).num;
    db.prepare('DELETE FROM identifiers WHERE breach = ?').run(breachNum);
    // Rows are appended to scratch tables as they come (cheap), then merged in sorted order by SQLite at the end:
    // random-order upserts into the B-tree of identifiers cost several times more.
    db.exec(`CREATE TABLE scratch.found (y BLOB NOT NULL, type INTEGER NOT NULL, prefix INTEGER NOT NULL, cats INTEGER NOT NULL);
      CREATE TABLE scratch.persons (key BLOB NOT NULL, cats INTEGER NOT NULL, department TEXT NOT NULL, minor INTEGER NOT NULL)`);
    return new SqliteIngestSession(store, breachNum);
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    detachScratch(db);
    throw error;
  }
}

class SqliteIngestSession implements IngestSession {
  private readonly appendFound;
  private readonly appendFoundMany;
  private readonly appendPerson;
  private readonly appendPersonMany;
  private readonly insertBucket;

  constructor(
    private readonly store: SqliteStore,
    readonly breachNum: number,
  ) {
    const db = store.db;
    this.appendFound = db.prepare('INSERT INTO scratch.found (y, type, prefix, cats) VALUES (?, ?, ?, ?)');
    this.appendFoundMany = db.prepare(`INSERT INTO scratch.found (y, type, prefix, cats) VALUES ${MANY_VALUES}`);
    this.appendPerson = db.prepare('INSERT INTO scratch.persons (key, cats, department, minor) VALUES (?, ?, ?, ?)');
    this.appendPersonMany = db.prepare(`INSERT INTO scratch.persons (key, cats, department, minor) VALUES ${MANY_VALUES}`);
    this.insertBucket = db.prepare('INSERT INTO buckets (index_id, bucket, data) VALUES (?, ?, ?)');
  }

  append(batch: FoundBatch): void {
    const { ys, persons } = batch;
    appendRows(this.appendFound, this.appendFoundMany, batch.count, (k, args, at) => {
      args[at] = Buffer.from(ys.buffer, ys.byteOffset + k * Y_BYTES, Y_BYTES);
      args[at + 1] = batch.types[k]!;
      args[at + 2] = batch.prefixes[k]!;
      args[at + 3] = batch.cats[k]!;
    });
    appendRows(this.appendPerson, this.appendPersonMany, persons.length, (k, args, at) => {
      const person = persons[k]!;
      args[at] = person.key;
      args[at + 1] = person.cats;
      args[at + 2] = person.department;
      args[at + 3] = person.minor ? 1 : 0;
    });
  }

  async mergeIdentifiers(): Promise<Record<IdentifierType, number>> {
    const counts: Record<IdentifierType, number> = { nir: 0, email: 0, phone: 0, person: 0 };
    // Distinct identifiers of this breach, with the union of the categories of every row they appear in, merged
    // straight into the store; the tally function counts each distinct identifier's type on the way.
    this.store.db.function('vigie_tally', (type: unknown, prefix: unknown) => {
      counts[IDENTIFIER_TYPES[type as number]!]++;
      return prefix;
    });
    const merge = this.store.db.prepare(
      `INSERT INTO identifiers (y, breach, prefix, cats)
       SELECT y, ?, vigie_tally(min(type), min(prefix)), vigie_bit_or(cats) FROM scratch.found GROUP BY y`,
    );
    withSorterRuns(this.store.db, () => merge.run(this.breachNum));
    return counts;
  }

  async personGroups(): Promise<PersonGroup[]> {
    // Persons merged by key, then counted by (categories, minor, department) in SQL: a few hundred groups cross into
    // JavaScript instead of one row per person.
    const statement = this.store.db
      .prepare(
        `SELECT cats, department, minor, count(*) FROM (
           SELECT vigie_bit_or(cats) AS cats, min(department) AS department, max(minor) AS minor FROM scratch.persons GROUP BY key
         ) GROUP BY cats, department, minor`,
      )
      .raw(true);
    const rows = withSorterRuns(this.store.db, () => statement.all() as [number, string, number, number][]);
    return rows.map(([cats, department, minor, count]) => ({ cats, department, minor: minor === 1, count }));
  }

  async setBreachStats(categories: number, stats: BreachStats): Promise<void> {
    this.store.db.prepare('UPDATE breaches SET categories = ?, stats = ? WHERE num = ?').run(categories, JSON.stringify(stats), this.breachNum);
  }

  async breaches(): Promise<BreachRef[]> {
    return this.store.db.prepare('SELECT num, id, title, categories FROM breaches ORDER BY id').all() as BreachRef[];
  }

  async distinctIdentifiers(): Promise<number> {
    return (this.store.db.prepare('SELECT count(DISTINCT y) AS n FROM identifiers').get() as { n: number }).n;
  }

  async *identifiersByY(): AsyncIterable<IdentifierChunk> {
    // The primary key's order (a WITHOUT ROWID table is stored in it, no sorter), CHUNK rows per statement, each
    // chunk's columns concatenated by SQLite (y as hex): one row crosses into JavaScript per chunk instead of one
    // array and one Buffer per identifier (2.3 s -> 1 s at full size). The next chunk starts after the last (y, breach)
    // read, which the primary key finds directly. SQLite does not promise the order in which an aggregate sees rows,
    // so the order is checked: a chunk out of order stops the build rather than mis-building an index.
    const page = (after: string): string =>
      `SELECT count(*), min(length(y)), max(length(y)), group_concat(hex(y), ''), group_concat(breach), group_concat(prefix),
         group_concat(cats)
       FROM (SELECT y, breach, prefix, cats FROM identifiers ${after} ORDER BY y, breach LIMIT ${CHUNK})`;
    const first = this.store.db.prepare(page('')).raw(true);
    const next = this.store.db.prepare(page('WHERE (y, breach) > (?, ?)')).raw(true);
    let row = first.get() as [number, number | null, number | null, string | null, string | null, string | null, string | null];
    let previous: { y: Buffer; breach: number } | null = null;
    while (row[0] > 0) {
      const [count, shortest, longest, ys, breaches, prefixes, cats] = row;
      if (shortest !== Y_BYTES || longest !== Y_BYTES) throw new VigieError('E_STORE', 'index build: an identifier row holds a y of the wrong size');
      const chunk = identifierChunk(count);
      chunk.ys.write(ys!, 'hex');
      const columns = [breaches!.split(','), prefixes!.split(','), cats!.split(',')];
      if (columns.some((c) => c.length !== count)) throw new VigieError('E_STORE', 'index build: a chunk of identifiers is not whole');
      for (let i = 0; i < count; i++) {
        chunk.breaches[i] = Number(columns[0]![i]);
        chunk.prefixes[i] = Number(columns[1]![i]) >>> 0;
        chunk.cats[i] = Number(columns[2]![i]);
      }
      checkOrder(chunk, previous);
      const last = count - 1;
      previous = { y: Buffer.from(chunk.ys.subarray(last * Y_BYTES)), breach: chunk.breaches[last]! };
      yield chunk;
      row = next.get(previous.y, previous.breach) as typeof row;
    }
  }

  writeBucket(indexId: string, bucket: number, data: Uint8Array): void {
    this.insertBucket.run(indexId, bucket, data);
  }

  async publish(manifest: Manifest, keep: number): Promise<void> {
    const db = this.store.db;
    db.prepare('INSERT INTO indexes (id, key_id, manifest, created_at) VALUES (?, ?, ?, ?)').run(
      manifest.indexId,
      manifest.keyId,
      JSON.stringify(manifest),
      manifest.createdAt,
    );
    const previous = this.store.currentIndexId();
    this.store.setMeta('current_index', manifest.indexId);
    const kept = [manifest.indexId, ...(previous === null ? [] : [previous])].slice(0, 1 + keep);
    const old = (db.prepare('SELECT id FROM indexes').pluck().all() as string[]).filter((id) => !kept.includes(id));
    for (const id of old) {
      db.prepare('DELETE FROM buckets WHERE index_id = ?').run(id);
      db.prepare('DELETE FROM indexes WHERE id = ?').run(id);
    }
  }

  async recordIngest(record: { breachId: string; startedAt: string; finishedAt: string; indexId: string; summary: string }): Promise<void> {
    this.store.db
      .prepare('INSERT INTO ingests (breach_id, started_at, finished_at, index_id, summary) VALUES (?, ?, ?, ?, ?)')
      .run(record.breachId, record.startedAt, record.finishedAt, record.indexId, record.summary);
  }

  async commit(): Promise<void> {
    this.store.db.exec('COMMIT');
    detachScratch(this.store.db);
  }

  async rollback(): Promise<void> {
    if (this.store.db.inTransaction) this.store.db.exec('ROLLBACK');
    detachScratch(this.store.db);
  }
}
