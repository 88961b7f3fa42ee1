// The e-mail outbox's state machine (docs/notices.md), pure so that it can be property-tested:
//
//   pending --claim--> sending --accepted (2xx)----------------> sent      (terminal)
//                         |----temporary (4xx, network), attempts < max --> pending (after a backoff)
//                         |----temporary, attempts = max ------------------> failed    (terminal)
//                         |----permanent (5xx) ------------------------------> bounced   (terminal)
//                         `----recover (the sender died) ---------------------> pending (same Message-ID),
//                                                                                 or failed if attempts = max
//
// A message is claimed (committed as `sending`) before its SMTP transaction and settled after the server's reply;
// RFC 5321 §4.2.1 gives the reply classes: 2yz accepted, 4yz transient failure, 5yz permanent failure.

export const OUTBOX_STATES = ['pending', 'sending', 'sent', 'bounced', 'failed'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];
export const TERMINAL_STATES: readonly OutboxState[] = ['sent', 'bounced', 'failed'];

export type OutboxEvent = 'claim' | 'accepted' | 'temporary' | 'permanent' | 'recover';

export interface OutboxEntryState {
  state: OutboxState;
  attempts: number;
}

/** The next state, or null when the event cannot happen in this state (a bug in the sender). */
export function transition(entry: OutboxEntryState, event: OutboxEvent, maxAttempts: number): OutboxEntryState | null {
  switch (event) {
    case 'claim':
      return entry.state === 'pending' ? { state: 'sending', attempts: entry.attempts + 1 } : null;
    case 'accepted':
      return entry.state === 'sending' ? { state: 'sent', attempts: entry.attempts } : null;
    case 'permanent':
      return entry.state === 'sending' ? { state: 'bounced', attempts: entry.attempts } : null;
    case 'temporary':
      if (entry.state !== 'sending') return null;
      return { state: entry.attempts >= maxAttempts ? 'failed' : 'pending', attempts: entry.attempts };
    case 'recover':
      // The outcome of an interrupted transaction is unknown: send again rather than skip (see docs/notices.md),
      // unless it has had all its attempts: a message that kills its sender every time must not loop forever.
      if (entry.state !== 'sending') return entry;
      return { state: entry.attempts >= maxAttempts ? 'failed' : 'pending', attempts: entry.attempts };
  }
}

/** RFC 5321 §4.2.1: the first digit of the reply code; no reply at all (connection lost, timeout) is transient. */
export function classifySmtpFailure(responseCode: number | undefined): 'temporary' | 'permanent' {
  return responseCode !== undefined && responseCode >= 500 && responseCode < 600 ? 'permanent' : 'temporary';
}

/** Exponential backoff with a ceiling: base, 2·base, 4·base, ... for the attempts already made. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}
