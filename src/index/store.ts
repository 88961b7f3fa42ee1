// The store interface (DESIGN §4, §6): what ingest, the index build and the server ask of a store, whichever engine
// holds it. Two implementations: SQLite (embedded, the default: one file) and PostgreSQL (scale-out).
//
// Methods return `MaybePromise`: SQLite answers synchronously (the bucket path of a busy server stays free of
// promise machinery), PostgreSQL asynchronously. Code written against `Store` awaits every call.

import type { IdentifierType } from '../identifiers/index.js';
import type { Manifest } from '../lookup/protocol.js';
import type { BreachStats } from './stats.js';

export type MaybePromise<T> = T | Promise<T>;

export interface BreachRecord {
  num: number;
  id: string;
  title: string;
  categories: number;
  stats: BreachStats | null;
  createdAt: string;
  updatedAt: string;
}

/** A breaches row as both engines hold it (stats as JSON text). */
export interface BreachRow {
  num: number;
  id: string;
  title: string;
  categories: number;
  stats: string | null;
  created_at: string;
  updated_at: string;
}

export function toBreachRecord(row: BreachRow): BreachRecord {
  return {
    num: row.num,
    id: row.id,
    title: row.title,
    categories: row.categories,
    stats: row.stats === null ? null : (JSON.parse(row.stats) as BreachStats),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A sealed notice (DESIGN §5): the id and key come from the person's code, which the store never sees. */
export interface SealedNotice {
  /** b64u(HKDF-SHA256(code, "vigie/v1/notice-id")), 22 characters. */
  noticeId: string;
  /** AES-256-GCM(noticeKey, zero nonce, notice JSON). */
  sealed: Uint8Array;
}

/** One identifier of one breach as stored: y, the masked bucket prefix, the categories found with it. */
export interface IdentifierRow {
  y: Buffer;
  breach: number;
  prefix: number;
  cats: number;
}

/**
 * One evaluated batch of an ingest, in submission order. Identifier `k` has `ys[k*64..]`, type code `types[k]`
 * (an index into IDENTIFIER_TYPES), masked prefix `prefixes[k]` and categories `cats[k]` (its row's mask).
 */
export interface FoundBatch {
  count: number;
  ys: Uint8Array;
  types: Uint8Array;
  prefixes: Uint32Array;
  cats: Uint32Array;
  persons: PersonRecord[];
}

/** A row's person, before deduplication: keyed by 16 bytes of the y of its NIR (else of its `person` identifier). */
export interface PersonRecord {
  key: Uint8Array;
  cats: number;
  department: string;
  minor: boolean;
}

/** Persons after deduplication, grouped by what the statistics keep: a few thousand groups at most. */
export interface PersonGroup {
  cats: number;
  department: string;
  minor: boolean;
  count: number;
}

export interface BreachRef {
  num: number;
  id: string;
  title: string;
  categories: number;
}

/**
 * Rows of the index build, in (y, breach) order, packed: row i is y = ys[64i .. 64i+64], breach number, masked
 * prefix (unsigned 32-bit) and categories. Packed because an index build reads millions of rows: one array per column
 * instead of an array and a Buffer per row.
 */
export interface IdentifierChunk {
  count: number;
  ys: Buffer;
  breaches: Int32Array;
  prefixes: Uint32Array;
  cats: Int32Array;
}

/** An empty chunk of room for `count` rows, for the stores to fill. */
export function identifierChunk(count: number): IdentifierChunk {
  return { count, ys: Buffer.alloc(count * 64), breaches: new Int32Array(count), prefixes: new Uint32Array(count), cats: new Int32Array(count) };
}

/**
 * What the index build asks of the store, inside the ingest's transaction (DESIGN §4: an index version is built
 * from the identifiers table and published atomically).
 */
export interface BuildTarget {
  breaches(): Promise<BreachRef[]>;
  /** Distinct y across every breach. */
  distinctIdentifiers(): Promise<number>;
  /**
   * Every identifier row in (y, breach) order, in chunks, the prefix as an unsigned 32-bit number. The order is the
   * primary key's: no sort. Nothing is written to the store while the chunks are read.
   */
  identifiersByY(): AsyncIterable<IdentifierChunk>;
  writeBucket(indexId: string, bucket: number, data: Uint8Array): MaybePromise<void>;
  /** Records the manifest, makes it current, prunes versions older than the previous one. */
  publish(manifest: Manifest, keep: number): Promise<void>;
}

/** One ingest, in one transaction: nothing of it is visible until `commit`; a crash or `rollback` leaves no trace. */
export interface IngestSession extends BuildTarget {
  readonly breachNum: number;
  /** Appends an evaluated batch; a returned promise asks the caller to wait (backpressure). */
  append(batch: FoundBatch): MaybePromise<void>;
  /** Merges the appended identifiers into the store (one row per distinct y); distinct identifiers per type. */
  mergeIdentifiers(): Promise<Record<IdentifierType, number>>;
  /** Persons deduplicated by key, categories merged, grouped for the statistics. */
  personGroups(): Promise<PersonGroup[]>;
  setBreachStats(categories: number, stats: BreachStats): Promise<void>;
  recordIngest(record: { breachId: string; startedAt: string; finishedAt: string; indexId: string; summary: string }): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Where the store is, for messages: a file path, or a URL without its password. */
  readonly location: string;
  getMeta(key: string): MaybePromise<string | null>;
  setMeta(key: string, value: string): MaybePromise<void>;
  /** Every y in a store was computed under one key; a store refuses a second one (a new key means a new index). */
  bindKey(keyId: string): MaybePromise<void>;
  breaches(): MaybePromise<BreachRecord[]>;
  breach(id: string): MaybePromise<BreachRecord | null>;
  currentIndexId(): MaybePromise<string | null>;
  manifest(indexId?: string): MaybePromise<Manifest | null>;
  bucket(indexId: string, bucket: number): MaybePromise<Uint8Array | null>;
  /** Takes the store's ingest lock, creates or renames the breach and clears its identifiers, in a new transaction. */
  beginIngest(breachId: string, title: string, stamp: string): Promise<IngestSession>;
  /** Every identifier row in (y, breach) order: for tests and audits (y is safe at rest, DESIGN §4). */
  identifierRows(): AsyncIterable<IdentifierRow>;
  putNotices(breachId: string, notices: Iterable<SealedNotice>): MaybePromise<number>;
  replaceNotices(breachId: string, notices: Iterable<SealedNotice>): MaybePromise<number>;
  notice(noticeId: string): MaybePromise<Uint8Array | null>;
  markNoticeOpened(noticeId: string): MaybePromise<void>;
  noticeCounts(breachId: string): MaybePromise<{ notices: number; opened: number }>;
  close(): MaybePromise<void>;
}

/** Whether `VIGIE_DB` names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}
