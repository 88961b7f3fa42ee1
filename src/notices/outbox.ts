// The e-mail outbox of a notice campaign, in the store (tables created here). Each entry is one message to one
// address; what it needs until it is sent (the address and the codes) is sealed with AES-256-GCM under a key derived
// (HKDF-SHA256, RFC 5869) from the server's key file, so that a copy of the database alone reveals neither
// addresses nor codes. The address is also kept as an HMAC tag under another derived key: one row per address and
// breach, enforced by the primary key, without the address in clear.

import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Lang } from '../controller/types.js';
import { VigieError } from '../errors.js';
import { OUTBOX_STATES, transition, type OutboxEntryState, type OutboxEvent, type OutboxState } from './outbox-state.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS notice_outbox (
  num INTEGER PRIMARY KEY,
  breach_id TEXT NOT NULL,
  address_tag BLOB NOT NULL,
  message_id TEXT NOT NULL UNIQUE,
  sealed BLOB NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'bounced', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_reply TEXT,
  data_ended INTEGER NOT NULL DEFAULT 0,
  unconfirmed INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  UNIQUE (breach_id, address_tag)
);
CREATE INDEX IF NOT EXISTS notice_outbox_due ON notice_outbox (breach_id, state, next_attempt_at);
`;

/** Connections whose outbox table is known to be up to date (checked once per connection, not per query). */
const ensured = new WeakSet<Database.Database>();

/** Creates the outbox table, or adds the columns of the end-of-data record to one made by an earlier version. */
function ensureSchema(db: Database.Database): void {
  if (ensured.has(db)) return;
  db.exec(SCHEMA);
  const columns = new Set((db.prepare('PRAGMA table_info(notice_outbox)').all() as { name: string }[]).map((c) => c.name));
  for (const column of ['data_ended', 'unconfirmed']) {
    if (!columns.has(column)) db.exec(`ALTER TABLE notice_outbox ADD COLUMN ${column} INTEGER NOT NULL DEFAULT 0`);
  }
  ensured.add(db);
}

/** One person named in a message: several persons may share an e-mail address (a family). */
export interface OutboxPerson {
  /** First name and initial of the last name, to tell the codes apart when an address is shared. */
  label: string;
  reference: string;
  /** XXXX-XXXX-XXXX-XXXX */
  code: string;
  /** Whether a letter is printed for this person too (the e-mail says so only when it is true for everyone). */
  letter?: boolean;
}

export interface OutboxMessage {
  to: string;
  lang: Lang;
  persons: OutboxPerson[];
}

export interface ClaimedMessage {
  num: number;
  messageId: string;
  attempts: number;
  message: OutboxMessage;
}

export interface OutboxKeys {
  sealKey: Buffer;
  tagKey: Buffer;
}

/** Keys for the outbox, derived from the key file's secret (never stored). */
export function deriveOutboxKeys(secretKey: Uint8Array): OutboxKeys {
  const derive = (info: string): Buffer => Buffer.from(hkdfSync('sha256', secretKey, 'vigie/v1/outbox', info, 32));
  return { sealKey: derive('vigie/v1/outbox-seal'), tagKey: derive('vigie/v1/outbox-address-tag') };
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export type OutboxCounts = Record<OutboxState, number>;

/** The `last_reply` of a message counted sent without the server's reply (docs/notices.md). */
export const UNCONFIRMED_REPLY = 'no reply after the end of data';

/** Messages of a breach by state; needs no key (states are in clear, contents sealed). */
export function outboxCounts(db: Database.Database, breachId: string): OutboxCounts {
  ensureSchema(db);
  const counts = Object.fromEntries(OUTBOX_STATES.map((s) => [s, 0])) as OutboxCounts;
  const rows = db.prepare('SELECT state, count(*) AS n FROM notice_outbox WHERE breach_id = ? GROUP BY state').all(breachId) as { state: OutboxState; n: number }[];
  for (const row of rows) counts[row.state] = row.n;
  return counts;
}

/**
 * Messages counted `sent` whose end of data reached the server but whose reply was never seen (a crash, a lost
 * connection), by Message-ID (random, no personal data), for the operator to look up in the relay's log.
 */
export function outboxUnconfirmedIds(db: Database.Database, breachId: string): string[] {
  ensureSchema(db);
  return (db.prepare("SELECT message_id FROM notice_outbox WHERE breach_id = ? AND state = 'sent' AND unconfirmed = 1 ORDER BY num").all(breachId) as { message_id: string }[]).map(
    (r) => r.message_id,
  );
}

export class Outbox {
  private readonly keys: OutboxKeys;
  /** Prepared once: it runs between the end of a message and the write of its marker (keep that short). */
  private endStatement: Database.Statement<[number]> | null = null;

  constructor(
    private readonly db: Database.Database,
    secretKey: Uint8Array,
    private readonly now: () => Date = () => new Date(),
  ) {
    ensureSchema(this.db);
    this.keys = deriveOutboxKeys(secretKey);
  }

  addressTag(address: string): Buffer {
    return createHmac('sha256', this.keys.tagKey).update(address.toLowerCase(), 'utf8').digest();
  }

  /** AES-256-GCM with a random nonce (one key seals many entries) and the breach and Message-ID as associated data. */
  seal(breachId: string, messageId: string, message: OutboxMessage): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.sealKey, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(`${breachId}\n${messageId}`, 'utf8'));
    const body = Buffer.concat([cipher.update(JSON.stringify(message), 'utf8'), cipher.final()]);
    return Buffer.concat([nonce, body, cipher.getAuthTag()]);
  }

  open(breachId: string, messageId: string, sealed: Buffer): OutboxMessage {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.keys.sealKey, sealed.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(`${breachId}\n${messageId}`, 'utf8'));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as OutboxMessage;
    } catch (error) {
      throw new VigieError('E_KEY_FILE', 'an outbox entry does not open with this key file: was the campaign generated with another key?', { cause: error });
    }
  }

  /**
   * Replaces the breach's outbox by `messages` (all pending). Call inside the transaction that replaces the
   * breach's notices. `domain` names the Message-IDs (RFC 5322 §3.6.4: id-left "@" id-right).
   */
  replace(breachId: string, messages: Iterable<OutboxMessage>, domain: string): number {
    this.db.prepare('DELETE FROM notice_outbox WHERE breach_id = ?').run(breachId);
    const insert = this.db.prepare(
      "INSERT INTO notice_outbox (breach_id, address_tag, message_id, sealed, state, updated_at) VALUES (?, ?, ?, ?, 'pending', ?)",
    );
    const stamp = this.now().toISOString();
    let count = 0;
    for (const message of messages) {
      const messageId = `<${randomBytes(16).toString('hex')}@${domain}>`;
      try {
        insert.run(breachId, this.addressTag(message.to), messageId, this.seal(breachId, messageId, message), stamp);
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new VigieError('E_STORE', 'two outbox messages for one e-mail address: persons sharing an address must be grouped in one message', { cause: error });
        }
        throw error;
      }
      count++;
    }
    return count;
  }

  counts(breachId: string): OutboxCounts {
    return outboxCounts(this.db, breachId);
  }

  /** Whether any message of the breach has left (or may have left) the outbox: then its codes must not change. */
  started(breachId: string): boolean {
    return this.db.prepare("SELECT 1 FROM notice_outbox WHERE breach_id = ? AND (state <> 'pending' OR attempts > 0) LIMIT 1").get(breachId) !== undefined;
  }

  /**
   * After a crash: a message left `sending` whose end of data was never handed to the server goes back to `pending`
   * (same Message-ID; the server discarded the partial message), or `failed` after its last attempt; one whose end of
   * data was handed over is counted `sent`, unconfirmed: the server may have taken it, so it is not sent again
   * (docs/notices.md, "Exactly once"). Returns how many were put back to `pending` or `failed`, and how many were
   * counted sent unconfirmed.
   */
  recover(breachId: string, maxAttempts: number): { resent: number; unconfirmed: number } {
    const stamp = this.now().toISOString();
    return this.db.transaction(() => {
      const unconfirmed = this.db
        .prepare("UPDATE notice_outbox SET state = 'sent', unconfirmed = 1, last_reply = ?, updated_at = ? WHERE breach_id = ? AND state = 'sending' AND data_ended = 1")
        .run(UNCONFIRMED_REPLY, stamp, breachId).changes;
      const failed = this.db
        .prepare("UPDATE notice_outbox SET state = 'failed', last_reply = 'interrupted', updated_at = ? WHERE breach_id = ? AND state = 'sending' AND attempts >= ?")
        .run(stamp, breachId, maxAttempts).changes;
      const resent = this.db.prepare("UPDATE notice_outbox SET state = 'pending', updated_at = ? WHERE breach_id = ? AND state = 'sending'").run(stamp, breachId).changes;
      return { resent: failed + resent, unconfirmed };
    })();
  }

  /** Puts `failed` messages back to `pending` with their attempts reset (after the relay was fixed). Returns how many. */
  retryFailed(breachId: string): number {
    return this.db.prepare("UPDATE notice_outbox SET state = 'pending', attempts = 0, next_attempt_at = 0 WHERE breach_id = ? AND state = 'failed'").run(breachId).changes;
  }

  /**
   * Puts messages counted sent without the server's reply back to `pending` (same Message-ID), for an operator who
   * found them missing from the relay's log. Returns how many.
   */
  retryUnconfirmed(breachId: string): number {
    return this.db
      .prepare("UPDATE notice_outbox SET state = 'pending', unconfirmed = 0, data_ended = 0, next_attempt_at = 0, updated_at = ? WHERE breach_id = ? AND state = 'sent' AND unconfirmed = 1")
      .run(this.now().toISOString(), breachId).changes;
  }

  /** Claims up to `limit` due messages: committed as `sending`, attempts + 1, before any SMTP traffic. */
  claim(breachId: string, limit: number): ClaimedMessage[] {
    const nowMs = this.now().getTime();
    const stamp = this.now().toISOString();
    return this.db.transaction(() => {
      const rows = this.db
        .prepare("SELECT num, message_id, sealed, attempts FROM notice_outbox WHERE breach_id = ? AND state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, num LIMIT ?")
        .all(breachId, nowMs, limit) as { num: number; message_id: string; sealed: Buffer; attempts: number }[];
      const mark = this.db.prepare("UPDATE notice_outbox SET state = 'sending', attempts = attempts + 1, data_ended = 0, updated_at = ? WHERE num = ? AND state = 'pending'");
      return rows.map((row) => {
        if (mark.run(stamp, row.num).changes !== 1) throw new VigieError('E_STORE', 'outbox entry changed while being claimed (two senders on one breach?)');
        return { num: row.num, messageId: row.message_id, attempts: row.attempts + 1, message: this.open(breachId, row.message_id, row.sealed) };
      });
    }).immediate();
  }

  /**
   * Records, durably, that the end of data of a claimed message is being handed to the server: called by the
   * transport inside the socket write that carries <CRLF>.<CRLF> (after this, a crash does not send it
   * again). One statement outside any transaction: the row is in the WAL when it returns, so a `kill -9`
   * right after it cannot lose it.
   */
  markEnded(num: number): void {
    this.endStatement ??= this.db.prepare("UPDATE notice_outbox SET data_ended = 1 WHERE num = ? AND state = 'sending' AND data_ended = 0");
    if (this.endStatement.run(num).changes !== 1) {
      throw new VigieError('E_STORE', `outbox entry ${num} is not being sent: cannot record its end of data`);
    }
  }

  /**
   * Settles a claimed message after the server's reply (or its absence: `noreply`); `retryAt` (ms) for a temporary
   * failure that will be retried.
   */
  settle(num: number, event: Exclude<OutboxEvent, 'claim' | 'recover' | 'ended'>, maxAttempts: number, reply: string | null, retryAt = 0): OutboxState {
    const row = this.db.prepare('SELECT state, attempts, data_ended, unconfirmed FROM notice_outbox WHERE num = ?').get(num) as
      | { state: OutboxState; attempts: number; data_ended: number; unconfirmed: number }
      | undefined;
    if (row === undefined) throw new VigieError('E_STORE', `outbox entry ${num} vanished`);
    const from: OutboxEntryState = { state: row.state, attempts: row.attempts, ended: row.data_ended === 1, unconfirmed: row.unconfirmed === 1 };
    const next = transition(from, event, maxAttempts);
    if (next === null) throw new VigieError('E_STORE', `outbox entry ${num}: ${event} is not possible in state ${row.state}`);
    this.db
      .prepare('UPDATE notice_outbox SET state = ?, next_attempt_at = ?, last_reply = ?, unconfirmed = ?, updated_at = ? WHERE num = ? AND state = ?')
      .run(next.state, next.state === 'pending' ? retryAt : 0, next.unconfirmed ? UNCONFIRMED_REPLY : reply, next.unconfirmed ? 1 : 0, this.now().toISOString(), num, row.state);
    return next.state;
  }

  /** When the next pending message becomes due (ms since the epoch), or null when none is pending. */
  nextDue(breachId: string): number | null {
    const row = this.db.prepare("SELECT min(next_attempt_at) AS due FROM notice_outbox WHERE breach_id = ? AND state = 'pending'").get(breachId) as { due: number | null };
    return row.due;
  }
}
