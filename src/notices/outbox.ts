// The e-mail outbox of a notice campaign, in the store (tables created here). Each entry is one message to one
// address; what it needs until it is sent (the address and the codes) is sealed with AES-256-GCM under a key derived
// (HKDF-SHA256, RFC 5869) from the server's key file, so that a copy of the database alone reveals neither
// addresses nor codes. The address is also kept as an HMAC tag under another derived key: one row per address and
// breach, enforced by the primary key, without the address in clear.

import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Lang } from '../controller/types.js';
import { VigieError } from '../errors.js';
import { OUTBOX_STATES, transition, type OutboxEvent, type OutboxState } from './outbox-state.js';

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
  updated_at TEXT NOT NULL,
  UNIQUE (breach_id, address_tag)
);
CREATE INDEX IF NOT EXISTS notice_outbox_due ON notice_outbox (breach_id, state, next_attempt_at);
`;

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

/** Messages of a breach by state; needs no key (states are in clear, contents sealed). */
export function outboxCounts(db: Database.Database, breachId: string): OutboxCounts {
  db.exec(SCHEMA);
  const counts = Object.fromEntries(OUTBOX_STATES.map((s) => [s, 0])) as OutboxCounts;
  const rows = db.prepare('SELECT state, count(*) AS n FROM notice_outbox WHERE breach_id = ? GROUP BY state').all(breachId) as { state: OutboxState; n: number }[];
  for (const row of rows) counts[row.state] = row.n;
  return counts;
}

export class Outbox {
  private readonly keys: OutboxKeys;

  constructor(
    private readonly db: Database.Database,
    secretKey: Uint8Array,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.db.exec(SCHEMA);
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
   * After a crash: messages left `sending` may or may not have been accepted by the server. They go back to
   * `pending` with their Message-ID, to be sent again (at least once; docs/notices.md explains the window).
   */
  recover(breachId: string, maxAttempts: number): number {
    const stamp = this.now().toISOString();
    return this.db.transaction(() => {
      const failed = this.db
        .prepare("UPDATE notice_outbox SET state = 'failed', last_reply = 'interrupted', updated_at = ? WHERE breach_id = ? AND state = 'sending' AND attempts >= ?")
        .run(stamp, breachId, maxAttempts).changes;
      return failed + this.db.prepare("UPDATE notice_outbox SET state = 'pending', updated_at = ? WHERE breach_id = ? AND state = 'sending'").run(stamp, breachId).changes;
    })();
  }

  /** Claims up to `limit` due messages: committed as `sending`, attempts + 1, before any SMTP traffic. */
  claim(breachId: string, limit: number): ClaimedMessage[] {
    const nowMs = this.now().getTime();
    const stamp = this.now().toISOString();
    return this.db.transaction(() => {
      const rows = this.db
        .prepare("SELECT num, message_id, sealed, attempts FROM notice_outbox WHERE breach_id = ? AND state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, num LIMIT ?")
        .all(breachId, nowMs, limit) as { num: number; message_id: string; sealed: Buffer; attempts: number }[];
      const mark = this.db.prepare("UPDATE notice_outbox SET state = 'sending', attempts = attempts + 1, updated_at = ? WHERE num = ? AND state = 'pending'");
      return rows.map((row) => {
        if (mark.run(stamp, row.num).changes !== 1) throw new VigieError('E_STORE', 'outbox entry changed while being claimed (two senders on one breach?)');
        return { num: row.num, messageId: row.message_id, attempts: row.attempts + 1, message: this.open(breachId, row.message_id, row.sealed) };
      });
    }).immediate();
  }

  /** Settles a claimed message after the server's reply; `retryAt` (ms) for a temporary failure that will be retried. */
  settle(num: number, event: Exclude<OutboxEvent, 'claim' | 'recover'>, maxAttempts: number, reply: string | null, retryAt = 0): OutboxState {
    const row = this.db.prepare('SELECT state, attempts FROM notice_outbox WHERE num = ?').get(num) as { state: OutboxState; attempts: number } | undefined;
    if (row === undefined) throw new VigieError('E_STORE', `outbox entry ${num} vanished`);
    const next = transition(row, event, maxAttempts);
    if (next === null) throw new VigieError('E_STORE', `outbox entry ${num}: ${event} is not possible in state ${row.state}`);
    this.db
      .prepare('UPDATE notice_outbox SET state = ?, next_attempt_at = ?, last_reply = ?, updated_at = ? WHERE num = ? AND state = ?')
      .run(next.state, next.state === 'pending' ? retryAt : 0, reply, this.now().toISOString(), num, row.state);
    return next.state;
  }

  /** When the next pending message becomes due (ms since the epoch), or null when none is pending. */
  nextDue(breachId: string): number | null {
    const row = this.db.prepare("SELECT min(next_attempt_at) AS due FROM notice_outbox WHERE breach_id = ? AND state = 'pending'").get(breachId) as { due: number | null };
    return row.due;
  }
}
