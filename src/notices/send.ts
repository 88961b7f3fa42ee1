// `vigie notices send`: drains a breach's e-mail outbox through SMTP with pooled connections, at a bounded rate,
// retrying temporary failures with backoff. Each message is committed as `sending` before its SMTP transaction, its
// end of data is recorded inside the socket write that carries the end-of-data marker (smtp-transport.ts),
// and it is settled on the server's reply; so a crash neither sends a message twice nor skips one silently
// (docs/notices.md, "Exactly once"; the state machine in outbox-state.ts).

import type { ControllerConfig } from '../controller/types.js';
import type { SqliteStore } from '../index/sqlite-store.js';
import { composeEmail } from './email.js';
import { backoffMs, classifySmtpFailure } from './outbox-state.js';
import { Outbox, outboxUnconfirmedIds, type ClaimedMessage, type OutboxCounts } from './outbox.js';
import type { MailTransport } from './smtp-transport.js';

export { createSmtpTransport, type MailTransport } from './smtp-transport.js';

export interface SendOptions {
  store: SqliteStore;
  secretKey: Uint8Array;
  breachId: string;
  config: ControllerConfig;
  transport: MailTransport;
  from: string;
  /** Messages started per second at most (default: no limit but the connections). */
  rate?: number;
  /** Messages in flight at once; match the transport's maxConnections (default 5). */
  concurrency?: number;
  /** Attempts before a temporarily failing message is `failed` (default 6). */
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Put `failed` messages back to `pending` first (after fixing the relay). */
  retryFailed?: boolean;
  /** Put messages counted sent without the server's reply back to `pending` first (after checking the relay's log). */
  retryUnconfirmed?: boolean;
  now?: () => Date;
  onProgress?: (progress: SendProgress) => void;
  /** Stop claiming new messages when this resolves (SIGINT); messages in flight are settled. */
  stop?: Promise<void>;
}

export interface SendProgress {
  done: number;
  total: number;
  counts: OutboxCounts;
  elapsedMs: number;
}

export interface SendSummary {
  breachId: string;
  /** Messages found `sending` after a crash whose end of data had not left: put back to `pending` (same Message-ID). */
  recovered: number;
  /** Messages found `sending` after a crash whose end of data had left: counted sent, unconfirmed, not sent again. */
  recoveredUnconfirmed: number;
  /** Messages of the breach counted sent without the server's reply (this run's and earlier ones). */
  unconfirmed: number;
  attempts: number;
  sentNow: number;
  retries: number;
  counts: OutboxCounts;
  stopped: boolean;
  durationMs: number;
  perSecond: number;
}

/** The reply code and enhanced status only (RFC 3463): the rest of a reply often quotes the address. */
export function replySummary(error: unknown): string {
  const e = error as { responseCode?: number; response?: string; code?: string };
  const status = typeof e.response === 'string' ? /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})/.exec(e.response)?.[1] : undefined;
  if (e.responseCode !== undefined) return `${e.responseCode}${status === undefined ? '' : ` ${status}`}`;
  return typeof e.code === 'string' ? e.code : 'error';
}

export async function sendNotices(options: SendOptions): Promise<SendSummary> {
  const { store, breachId, transport, config } = options;
  const now = options.now ?? (() => new Date());
  const concurrency = options.concurrency ?? 5;
  const maxAttempts = options.maxAttempts ?? 6;
  const baseMs = options.backoffBaseMs ?? 5_000;
  const maxMs = options.backoffMaxMs ?? 300_000;
  const clock = performance.now();
  const outbox = new Outbox(store.db, options.secretKey, now);
  const recovered = outbox.recover(breachId, maxAttempts);
  if (options.retryUnconfirmed === true) outbox.retryUnconfirmed(breachId);
  if (options.retryFailed === true) outbox.retryFailed(breachId);
  const initial = outbox.counts(breachId);
  const total = Object.values(initial).reduce((a, b) => a + b, 0);
  let attempts = 0;
  let sentNow = 0;
  let retries = 0;
  let inFlight = 0;
  let stopped = false;
  let failure: unknown = null;
  options.stop?.then(() => (stopped = true));
  let wake: () => void = () => {};
  const woken = (): Promise<void> => new Promise<void>((resolve) => (wake = resolve));
  const minGapMs = options.rate !== undefined && options.rate > 0 ? 1000 / options.rate : 0;
  let nextStart = 0;

  const report = (): void => {
    if (options.onProgress === undefined) return;
    const counts = outbox.counts(breachId);
    options.onProgress({ done: counts.sent + counts.bounced + counts.failed, total, counts, elapsedMs: performance.now() - clock });
  };

  const sendOne = async (claimed: ClaimedMessage): Promise<void> => {
    const mail = composeEmail(claimed.message, config);
    let ended = false;
    let storeFailure: unknown = null;
    try {
      await transport.send(
        {
          from: options.from,
          to: claimed.message.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          // The same Message-ID on every attempt (RFC 5322 §3.6.4), so a copy sent twice is recognisably the same.
          messageId: claimed.messageId,
          headers: { 'Auto-Submitted': 'auto-generated' }, // RFC 3834: no auto-replies
        },
        () => {
          try {
            outbox.markEnded(claimed.num);
          } catch (error) {
            storeFailure = error;
            throw error; // the transport closes the connection without the end-of-data marker
          }
          ended = true;
        },
      );
      outbox.settle(claimed.num, 'accepted', maxAttempts, '250');
      sentNow++;
    } catch (error) {
      if (storeFailure !== null) throw storeFailure; // the store failed: stop, a rerun recovers
      const code = (error as { responseCode?: number }).responseCode;
      const kind = classifySmtpFailure(code);
      const state = outbox.settle(claimed.num, kind, maxAttempts, replySummary(error), now().getTime() + backoffMs(claimed.attempts, baseMs, maxMs));
      if (state === 'pending') retries++;
      else if (state === 'sent' && ended) sentNow++;
    }
  };

  // SQLite checkpoints the WAL inside whichever commit crosses 1,000 pages: if that were the end-of-data record, the
  // checkpoint (milliseconds) would run between the record and the marker's write, the one gap that must stay short
  // (smtp-transport.ts). So automatic checkpoints are off while sending, and the WAL is checkpointed here, between
  // claims, where a delay costs only time.
  const autoCheckpoint = store.db.pragma('wal_autocheckpoint', { simple: true }) as number;
  store.db.pragma('wal_autocheckpoint = 0');
  let claimsSinceCheckpoint = 0;
  try {
    await drain();
  } finally {
    store.db.pragma(`wal_autocheckpoint = ${autoCheckpoint}`);
  }

  async function drain(): Promise<void> {
    while (failure === null) {
      if (!stopped && inFlight < concurrency) {
        if (++claimsSinceCheckpoint >= 200) {
          claimsSinceCheckpoint = 0;
          store.db.pragma('wal_checkpoint(PASSIVE)');
        }
        const claimed = outbox.claim(breachId, minGapMs > 0 ? 1 : concurrency - inFlight);
        for (const message of claimed) {
          if (minGapMs > 0) {
            const wait = nextStart - performance.now();
            if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
            nextStart = Math.max(performance.now(), nextStart) + minGapMs;
          }
          attempts++;
          inFlight++;
          sendOne(message)
            .catch((error: unknown) => (failure ??= error)) // a store error: stop, the rerun recovers
            .finally(() => {
              inFlight--;
              if (attempts % 50 === 0) report();
              wake();
            });
        }
        if (claimed.length > 0) continue;
      }
      if (inFlight > 0) {
        await woken();
        continue;
      }
      if (stopped) break;
      const due = outbox.nextDue(breachId);
      if (due === null) break;
      // Only messages waiting for their backoff are left: sleep until the first is due (or a stop).
      const wait = Math.max(10, due - now().getTime());
      await Promise.race([new Promise((resolve) => setTimeout(resolve, wait)), options.stop ?? new Promise(() => {})]);
    }
  }
  if (failure !== null) throw failure;
  report();
  const durationMs = performance.now() - clock;
  return {
    breachId,
    recovered: recovered.resent,
    recoveredUnconfirmed: recovered.unconfirmed,
    unconfirmed: outboxUnconfirmedIds(store.db, breachId).length,
    attempts,
    sentNow,
    retries,
    counts: outbox.counts(breachId),
    stopped,
    durationMs: Math.round(durationMs),
    perSecond: durationMs > 0 ? Math.round((sentNow / durationMs) * 1000) : 0,
  };
}
