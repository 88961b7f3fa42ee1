// `vigie notices send`: drains a breach's e-mail outbox through SMTP with pooled connections (nodemailer), at a
// bounded rate, retrying temporary failures with backoff. Each message is committed as `sending` before its SMTP
// transaction and settled right after the server's reply, so a crash never loses a message; see docs/notices.md for
// the one window (after the server's 250, before our commit) where a crash can cause a duplicate.

import nodemailer from 'nodemailer';
import type { ControllerConfig } from '../controller/types.js';
import { VigieError } from '../errors.js';
import type { SqliteStore } from '../index/sqlite-store.js';
import { composeEmail } from './email.js';
import { backoffMs, classifySmtpFailure } from './outbox-state.js';
import { Outbox, type ClaimedMessage, type OutboxCounts } from './outbox.js';

/** What the sender needs of a nodemailer transport (injectable in tests). */
export interface MailTransport {
  sendMail(mail: {
    from: string;
    to: string;
    subject: string;
    text: string;
    html: string;
    messageId: string;
    headers: Record<string, string>;
  }): Promise<unknown>;
  close(): void;
}

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
  /** Messages found `sending` after a crash, put back to `pending` (same Message-ID). */
  recovered: number;
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

/** smtp://[user:pass@]host[:port] (STARTTLS when offered; `?tls=required` to insist) or smtps:// (implicit TLS). */
export function createSmtpTransport(url: string, maxConnections: number): MailTransport {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new VigieError('E_USAGE', '--smtp expects a URL such as smtp://relay.example:587 or smtps://user:password@relay.example');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') throw new VigieError('E_USAGE', '--smtp expects an smtp:// or smtps:// URL');
  const secure = parsed.protocol === 'smtps:';
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections,
    maxMessages: Number.POSITIVE_INFINITY,
    host: parsed.hostname,
    port: parsed.port === '' ? (secure ? 465 : 587) : Number(parsed.port),
    secure,
    requireTLS: parsed.searchParams.get('tls') === 'required',
    ...(parsed.username === '' ? {} : { auth: { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } }),
  });
  return transport as unknown as MailTransport;
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
  if (options.retryFailed === true) {
    store.db.prepare("UPDATE notice_outbox SET state = 'pending', attempts = 0, next_attempt_at = 0 WHERE breach_id = ? AND state = 'failed'").run(breachId);
  }
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
    try {
      await transport.sendMail({
        from: options.from,
        to: claimed.message.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        // The same Message-ID on every attempt (RFC 5322 §3.6.4), so a copy sent twice is recognisably the same.
        messageId: claimed.messageId,
        headers: { 'Auto-Submitted': 'auto-generated' }, // RFC 3834: no auto-replies
      });
      outbox.settle(claimed.num, 'accepted', maxAttempts, '250');
      sentNow++;
    } catch (error) {
      const kind = classifySmtpFailure((error as { responseCode?: number }).responseCode);
      const state = outbox.settle(claimed.num, kind, maxAttempts, replySummary(error), now().getTime() + backoffMs(claimed.attempts, baseMs, maxMs));
      if (state === 'pending') retries++;
    }
  };

  while (failure === null) {
    if (!stopped && inFlight < concurrency) {
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
  if (failure !== null) throw failure;
  report();
  const durationMs = performance.now() - clock;
  return {
    breachId,
    recovered,
    attempts,
    sentNow,
    retries,
    counts: outbox.counts(breachId),
    stopped,
    durationMs: Math.round(durationMs),
    perSecond: durationMs > 0 ? Math.round((sentNow / durationMs) * 1000) : 0,
  };
}
