// The PostgreSQL store (DESIGN §1.6 scale-out, §4): the same tables and answers as the SQLite store, for breaches
// that outgrow one file and for several stateless API replicas sharing one state. Selected by
// VIGIE_DB=postgres://user@host:port/database[?schema=name]. Bulk loads use binary COPY; an ingest is one
// transaction, so a crash (the connection drops) leaves the published index as it was.

import pg from 'pg';
import { VigieError } from '../errors.js';
import { IDENTIFIER_TYPES, type IdentifierType } from '../identifiers/index.js';
import type { Manifest } from '../lookup/protocol.js';
import { CopyEncoder, copyIn } from './pg-copy.js';
import type { BreachStats } from './stats.js';
import {
  toBreachRecord,
  type BreachRecord,
  type BreachRef,
  type BreachRow,
  type FoundBatch,
  type IdentifierRow,
  type IngestSession,
  type PersonGroup,
  type SealedNotice,
  identifierChunk,
  type IdentifierChunk,
  type Store,
} from './store.js';

const Y_BYTES = 64;
/** A COPY payload is sent once it holds this much: large enough to amortize a round trip, small enough for memory. */
const COPY_FLUSH_BYTES = 8 << 20;
/** Rows fetched from a cursor at a time. */
const FETCH_ROWS = 20_000;

/**
 * Schema migrations, applied in order, each once, under an advisory lock (replicas may start together). A released
 * migration is never edited: a change is a new entry.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
   CREATE TABLE breaches (
     num serial PRIMARY KEY,
     id text NOT NULL UNIQUE,
     title text NOT NULL,
     categories integer NOT NULL DEFAULT 0,
     stats text,
     created_at text NOT NULL,
     updated_at text NOT NULL
   );
   CREATE TABLE identifiers (
     y bytea NOT NULL,
     breach integer NOT NULL,
     prefix integer NOT NULL,
     cats integer NOT NULL,
     PRIMARY KEY (y, breach)
   );
   CREATE TABLE indexes (id text PRIMARY KEY, key_id text NOT NULL, manifest text NOT NULL, created_at text NOT NULL);
   CREATE TABLE buckets (index_id text NOT NULL, bucket integer NOT NULL, data bytea NOT NULL, PRIMARY KEY (index_id, bucket));
   -- Bucket bytes are random to anyone without a y: compressing them only costs CPU.
   ALTER TABLE buckets ALTER COLUMN data SET STORAGE EXTERNAL;
   CREATE TABLE ingests (
     num bigserial PRIMARY KEY,
     breach_id text NOT NULL,
     started_at text NOT NULL,
     finished_at text NOT NULL,
     index_id text NOT NULL,
     summary text NOT NULL
   );
   CREATE TABLE notices (notice_id text PRIMARY KEY, breach_id text NOT NULL, sealed bytea NOT NULL, opened integer NOT NULL DEFAULT 0);
   CREATE INDEX notices_by_breach ON notices (breach_id);`,
];

/** The connection settings of a postgres:// URL, and the schema its `schema` parameter names. */
export function parsePostgresUrl(url: string): { config: pg.ClientConfig; schema: string | null; display: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new VigieError('E_CONFIG', 'VIGIE_DB is not a valid postgres:// URL');
  }
  const schema = parsed.searchParams.get('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new VigieError('E_CONFIG', 'VIGIE_DB: the schema parameter must be a lower-case SQL identifier (a-z, 0-9, _)');
  }
  parsed.searchParams.delete('schema');
  const display = new URL(parsed.href);
  if (display.password !== '') display.password = '***';
  const config: pg.ClientConfig = { connectionString: parsed.href, application_name: 'vigie' };
  // The search path is set at connection time: every statement of every pooled connection sees one schema.
  if (schema !== null) config.options = `-c search_path=${schema}`;
  return { config, schema, display: display.href };
}

export class PgStore implements Store {
  readonly kind = 'postgres' as const;
  readonly location: string;
  private readonly pool: pg.Pool;
  private readonly config: pg.ClientConfig;

  private constructor(config: pg.ClientConfig, location: string) {
    this.config = config;
    this.location = location;
    this.pool = new pg.Pool({ ...config, max: 10, idleTimeoutMillis: 30_000 });
    // An idle pooled connection that dies (a database restart) must not crash the process: the pool drops it.
    this.pool.on('error', () => undefined);
  }

  /** Connects, creates the schema if needed and applies pending migrations. */
  static async open(url: string): Promise<PgStore> {
    const { config, schema, display } = parsePostgresUrl(url);
    const store = new PgStore(config, display);
    try {
      await store.migrate(schema);
    } catch (error) {
      await store.pool.end().catch(() => undefined);
      if (error instanceof VigieError) throw error;
      throw new VigieError('E_STORE', `cannot open the store ${display}: ${(error as Error).message}`, { cause: error });
    }
    return store;
  }

  private async migrate(schema: string | null): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Replicas starting together: one migrates, the others wait, then find nothing left to do.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('vigie-migrate:' || $1))", [schema ?? '']);
      if (schema !== null) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query('CREATE TABLE IF NOT EXISTS vigie_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM vigie_migrations');
      const applied = rows[0]?.v ?? 0;
      if (applied > MIGRATIONS.length) {
        throw new VigieError('E_STORE', `store ${this.location} has schema version ${applied}, this Vigie reads up to ${MIGRATIONS.length}`);
      }
      for (let version = applied + 1; version <= MIGRATIONS.length; version++) {
        await client.query(MIGRATIONS[version - 1]!);
        await client.query('INSERT INTO vigie_migrations (version) VALUES ($1)', [version]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(text, values)).rows;
    } catch (error) {
      throw storeError(this.location, error);
    }
  }

  async getMeta(key: string): Promise<string | null> {
    const rows = await this.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]);
    return rows[0]?.value ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }

  async bindKey(keyId: string): Promise<void> {
    // Atomic: two first ingests racing under different keys cannot both bind.
    await this.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', ['key_id', keyId]);
    const bound = await this.getMeta('key_id');
    if (bound !== keyId) {
      throw new VigieError(
        'E_KEY_FILE',
        `the store ${this.location} was built with key ${bound}, but the key file holds key ${keyId}: use the original key, or a new store to rotate keys`,
      );
    }
  }

  async breaches(): Promise<BreachRecord[]> {
    return (await this.query<BreachRow>('SELECT * FROM breaches ORDER BY id COLLATE "C"')).map(toBreachRecord);
  }

  async breach(id: string): Promise<BreachRecord | null> {
    const rows = await this.query<BreachRow>('SELECT * FROM breaches WHERE id = $1', [id]);
    return rows[0] === undefined ? null : toBreachRecord(rows[0]);
  }

  currentIndexId(): Promise<string | null> {
    return this.getMeta('current_index');
  }

  async manifest(indexId?: string): Promise<Manifest | null> {
    const rows =
      indexId === undefined
        ? await this.query<{ manifest: string }>("SELECT i.manifest FROM indexes i JOIN meta m ON m.key = 'current_index' AND m.value = i.id")
        : await this.query<{ manifest: string }>('SELECT manifest FROM indexes WHERE id = $1', [indexId]);
    return rows[0] === undefined ? null : (JSON.parse(rows[0].manifest) as Manifest);
  }

  async bucket(indexId: string, bucket: number): Promise<Uint8Array | null> {
    let data: Buffer | undefined;
    try {
      // Named: prepared once per connection, the hottest query of a replica without a bucket cache hit.
      const result = await this.pool.query<{ data: Buffer }>({ name: 'vigie-bucket', text: 'SELECT data FROM buckets WHERE index_id = $1 AND bucket = $2', values: [indexId, bucket] });
      data = result.rows[0]?.data;
    } catch (error) {
      throw storeError(this.location, error);
    }
    return data === undefined ? null : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }

  async beginIngest(breachId: string, title: string, stamp: string): Promise<IngestSession> {
    // Its own connection, not a pooled one: session settings (temp_buffers) apply before any temporary table.
    const client = new pg.Client(this.config);
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query("SET temp_buffers = '256MB'");
      await client.query('BEGIN');
      // Sorts and aggregates of millions of rows in memory where they fit; PostgreSQL spills to disk beyond.
      await client.query("SET LOCAL work_mem = '256MB'");
      await client.query("SET LOCAL maintenance_work_mem = '256MB'");
      // One ingest at a time per store, as SQLite's BEGIN IMMEDIATE: a second one waits for the first.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('vigie-ingest:' || current_schema()))");
      const { rows } = await client.query<{ num: number }>(
        `INSERT INTO breaches (id, title, created_at, updated_at) VALUES ($1, $2, $3, $3)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, updated_at = excluded.updated_at RETURNING num`,
        [breachId, title, stamp],
      );
      const breachNum = rows[0]!.num;
      await client.query('DELETE FROM identifiers WHERE breach = $1', [breachNum]);
      // Temporary tables are private to the connection, not written to the WAL, and dropped with the transaction.
      await client.query(`CREATE TEMP TABLE found (y bytea NOT NULL, type integer NOT NULL, prefix integer NOT NULL, cats integer NOT NULL) ON COMMIT DROP;
        CREATE TEMP TABLE persons (key bytea NOT NULL, cats integer NOT NULL, department text NOT NULL, minor boolean NOT NULL) ON COMMIT DROP`);
      return new PgIngestSession(client, this.location, breachNum);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw storeError(this.location, error);
    }
  }

  async *identifierRows(): AsyncIterable<IdentifierRow> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('DECLARE rows NO SCROLL CURSOR FOR SELECT y, breach, prefix, cats FROM identifiers ORDER BY y, breach');
      for (;;) {
        const { rows } = await client.query<IdentifierRow>(`FETCH ${FETCH_ROWS} FROM rows`);
        if (rows.length === 0) break;
        for (const row of rows) yield { y: row.y, breach: row.breach, prefix: row.prefix >>> 0, cats: row.cats };
      }
    } finally {
      // Read only: ending the transaction by a rollback releases the cursor, whether the reader finished or not.
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  async putNotices(breachId: string, notices: Iterable<SealedNotice>): Promise<number> {
    return this.transaction(async (client) => {
      let count = 0;
      for (const notice of notices) {
        const { rows } = await client.query<{ breach_id: string }>(
          `INSERT INTO notices (notice_id, breach_id, sealed) VALUES ($1, $2, $3)
           ON CONFLICT (notice_id) DO UPDATE SET sealed = excluded.sealed WHERE notices.breach_id = excluded.breach_id
           RETURNING breach_id`,
          [notice.noticeId, breachId, Buffer.from(notice.sealed)],
        );
        if (rows.length === 0) throw new VigieError('E_STORE', 'notice id collision with another breach');
        count++;
      }
      return count;
    });
  }

  async replaceNotices(breachId: string, notices: Iterable<SealedNotice>): Promise<number> {
    return this.transaction(async (client) => {
      await client.query('DELETE FROM notices WHERE breach_id = $1', [breachId]);
      const encoder = new CopyEncoder();
      let count = 0;
      for (const notice of notices) {
        encoder.tuple(3).text(notice.noticeId).text(breachId).bytea(notice.sealed);
        count++;
        if (encoder.size >= COPY_FLUSH_BYTES) await copyIn(client, 'notices (notice_id, breach_id, sealed)', encoder.take());
      }
      if (encoder.rows > 0) await copyIn(client, 'notices (notice_id, breach_id, sealed)', encoder.take());
      return count;
    }).catch((error: unknown) => {
      if ((error as { cause?: { code?: string } }).cause?.code === '23505') throw new VigieError('E_STORE', 'notice id collision with another breach', { cause: error });
      throw error;
    });
  }

  async notice(noticeId: string): Promise<Uint8Array | null> {
    const rows = await this.query<{ sealed: Buffer }>('SELECT sealed FROM notices WHERE notice_id = $1', [noticeId]);
    const sealed = rows[0]?.sealed;
    return sealed === undefined ? null : new Uint8Array(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  }

  async markNoticeOpened(noticeId: string): Promise<void> {
    await this.query('UPDATE notices SET opened = opened + 1 WHERE notice_id = $1', [noticeId]);
  }

  async noticeCounts(breachId: string): Promise<{ notices: number; opened: number }> {
    const rows = await this.query<{ notices: number; opened: number }>(
      'SELECT count(*)::integer AS notices, (count(*) FILTER (WHERE opened > 0))::integer AS opened FROM notices WHERE breach_id = $1',
      [breachId],
    );
    return { notices: rows[0]?.notices ?? 0, opened: rows[0]?.opened ?? 0 };
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw storeError(this.location, error);
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

class PgIngestSession implements IngestSession {
  private found = new CopyEncoder(COPY_FLUSH_BYTES + (1 << 20));
  private persons = new CopyEncoder(1 << 20);
  private closed = false;

  constructor(
    private readonly client: pg.Client,
    private readonly location: string,
    readonly breachNum: number,
  ) {}

  private async run<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    try {
      return (await this.client.query<R>(text, values)).rows;
    } catch (error) {
      throw storeError(this.location, error);
    }
  }

  append(batch: FoundBatch): Promise<void> | void {
    const { ys } = batch;
    for (let k = 0; k < batch.count; k++) {
      this.found
        .tuple(4)
        .bytea(ys.subarray(k * Y_BYTES, (k + 1) * Y_BYTES))
        .int4(batch.types[k]!)
        .int4(batch.prefixes[k]!)
        .int4(batch.cats[k]!);
    }
    for (const p of batch.persons) this.persons.tuple(4).bytea(p.key).int4(p.cats).text(p.department).bool(p.minor);
    if (this.found.size >= COPY_FLUSH_BYTES) return this.flush();
  }

  private async flush(): Promise<void> {
    try {
      if (this.found.rows > 0) await copyIn(this.client, 'found (y, type, prefix, cats)', this.found.take());
      if (this.persons.rows > 0) await copyIn(this.client, 'persons (key, cats, department, minor)', this.persons.take());
    } catch (error) {
      throw storeError(this.location, error);
    }
  }

  async mergeIdentifiers(): Promise<Record<IdentifierType, number>> {
    await this.flush();
    // Grouping by sorting (not hashing) hands the rows to the primary key's B-tree in y order.
    await this.run('SET LOCAL enable_hashagg = off');
    const rows = await this.run<{ type: number; n: number }>(
      `WITH merged AS (SELECT y, min(type) AS type, min(prefix) AS prefix, bit_or(cats) AS cats FROM found GROUP BY y),
       inserted AS (INSERT INTO identifiers (y, breach, prefix, cats) SELECT y, $1, prefix, cats FROM merged ORDER BY y)
       SELECT type, count(*)::integer AS n FROM merged GROUP BY type`,
      [this.breachNum],
    );
    await this.run('RESET enable_hashagg');
    const counts: Record<IdentifierType, number> = { nir: 0, email: 0, phone: 0, person: 0 };
    for (const row of rows) counts[IDENTIFIER_TYPES[row.type]!] += row.n;
    return counts;
  }

  async personGroups(): Promise<PersonGroup[]> {
    const rows = await this.run<{ cats: number; department: string; minor: boolean; n: number }>(
      `SELECT cats, department, minor, count(*)::integer AS n
       FROM (SELECT bit_or(cats) AS cats, min(department COLLATE "C") AS department, bool_or(minor) AS minor FROM persons GROUP BY key) p
       GROUP BY cats, department, minor`,
    );
    return rows.map((r) => ({ cats: r.cats, department: r.department, minor: r.minor, count: r.n }));
  }

  async setBreachStats(categories: number, stats: BreachStats): Promise<void> {
    await this.run('UPDATE breaches SET categories = $1, stats = $2 WHERE num = $3', [categories, JSON.stringify(stats), this.breachNum]);
  }

  async breaches(): Promise<BreachRef[]> {
    return this.run<BreachRef>('SELECT num, id, title, categories FROM breaches ORDER BY id COLLATE "C"');
  }

  async distinctIdentifiers(): Promise<number> {
    const rows = await this.run<{ n: number }>('SELECT count(*)::integer AS n FROM (SELECT DISTINCT y FROM identifiers) d');
    return rows[0]!.n;
  }

  async *identifiersByY(): AsyncIterable<IdentifierChunk> {
    // A cursor lets the reads share the transaction's one connection; the primary key's index gives the order.
    await this.run('DECLARE by_y NO SCROLL CURSOR FOR SELECT y, breach, prefix, cats FROM identifiers ORDER BY y, breach');
    for (;;) {
      const rows = await this.fetchArrays(`FETCH ${FETCH_ROWS} FROM by_y`);
      if (rows.length === 0) break;
      const chunk = identifierChunk(rows.length);
      rows.forEach(([y, breach, prefix, cats], i) => {
        if ((y as Buffer).length !== Y_BYTES) throw new VigieError('E_STORE', `${this.location}: an identifier row holds a y of ${(y as Buffer).length} bytes`);
        chunk.ys.set(y as Buffer, i * Y_BYTES);
        chunk.breaches[i] = breach as number;
        chunk.prefixes[i] = (prefix as number) >>> 0;
        chunk.cats[i] = cats as number;
      });
      yield chunk;
    }
    await this.run('CLOSE by_y');
  }

  private async fetchArrays(text: string): Promise<unknown[][]> {
    try {
      return (await this.client.query<unknown[]>({ text, rowMode: 'array' })).rows;
    } catch (error) {
      throw storeError(this.location, error);
    }
  }

  private buckets = new CopyEncoder(COPY_FLUSH_BYTES + (1 << 20));

  writeBucket(indexId: string, bucket: number, data: Uint8Array): Promise<void> | void {
    this.buckets.tuple(3).text(indexId).int4(bucket).bytea(data);
    if (this.buckets.size >= COPY_FLUSH_BYTES) return copyIn(this.client, 'buckets (index_id, bucket, data)', this.buckets.take());
  }

  async publish(manifest: Manifest, keep: number): Promise<void> {
    if (this.buckets.rows > 0) await copyIn(this.client, 'buckets (index_id, bucket, data)', this.buckets.take());
    await this.run('INSERT INTO indexes (id, key_id, manifest, created_at) VALUES ($1, $2, $3, $4)', [
      manifest.indexId,
      manifest.keyId,
      JSON.stringify(manifest),
      manifest.createdAt,
    ]);
    const previous = (await this.run<{ value: string }>("SELECT value FROM meta WHERE key = 'current_index'"))[0]?.value ?? null;
    await this.run("INSERT INTO meta (key, value) VALUES ('current_index', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [manifest.indexId]);
    const kept = [manifest.indexId, ...(previous === null ? [] : [previous])].slice(0, 1 + keep);
    await this.run('DELETE FROM buckets WHERE NOT (index_id = ANY($1))', [kept]);
    await this.run('DELETE FROM indexes WHERE NOT (id = ANY($1))', [kept]);
  }

  async recordIngest(record: { breachId: string; startedAt: string; finishedAt: string; indexId: string; summary: string }): Promise<void> {
    await this.run('INSERT INTO ingests (breach_id, started_at, finished_at, index_id, summary) VALUES ($1, $2, $3, $4, $5)', [
      record.breachId,
      record.startedAt,
      record.finishedAt,
      record.indexId,
      record.summary,
    ]);
  }

  async commit(): Promise<void> {
    try {
      await this.run('COMMIT');
    } finally {
      await this.end();
    }
  }

  async rollback(): Promise<void> {
    try {
      await this.client.query('ROLLBACK');
    } catch {
      // The connection may be gone: PostgreSQL then rolled back on its own.
    } finally {
      await this.end();
    }
  }

  private async end(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.end().catch(() => undefined);
  }
}

/** A PostgreSQL failure as the store's error, naming the store (without its password); a VigieError passes as is. */
function storeError(location: string, error: unknown): VigieError {
  if (error instanceof VigieError) return error;
  return new VigieError('E_STORE', `store ${location}: ${(error as Error).message}`, { cause: error });
}
