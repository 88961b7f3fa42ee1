// The e-mail outbox's state machine (docs/notices.md), pure so that it can be property-tested:
//
//   pending --claim--> sending --end of data handed to the server--> sending, ended
//                         |                                             |
//                         |--accepted (2yz) ----------------------------+--> sent      (terminal)
//                         |--permanent (5yz) ---------------------------+--> bounced   (terminal)
//                         |--temporary (4yz), attempts < max -----------+--> pending (after a backoff)
//                         |--temporary, attempts = max -----------------+--> failed    (terminal)
//                         |--no reply (connection lost, timeout) --> as temporary
//                         `--recover (the sender died) --> pending, or failed if attempts = max
//                                                                        |
//                      ended, then no reply or recover ------------------`--> sent, unconfirmed (terminal)
//
// RFC 5321 §4.2.1 gives the reply classes: 2yz accepted, 4yz transient failure, 5yz permanent failure. What decides
// between "send again" and "never again" is whether the end-of-data marker (<CRLF>.<CRLF>, RFC 5321 §4.1.1.4) was
// handed to the server: before it, the server must discard a partial message (§4.1.1.4, §3.8), so sending again
// cannot duplicate it; after it, a server that is silent may have taken the message (RFC 1047: a server that queues
// before replying delivers it even when the client never reads the 250), so it is not sent again. The sender records
// "ended" durably inside the socket write that carries the marker (src/notices/smtp-transport.ts); such
// a message is counted sent and flagged `unconfirmed` for the operator, who can send it again after checking the
// relay's log (`--retry-unconfirmed`).

export const OUTBOX_STATES = ['pending', 'sending', 'sent', 'bounced', 'failed'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];
export const TERMINAL_STATES: readonly OutboxState[] = ['sent', 'bounced', 'failed'];

export type OutboxEvent = 'claim' | 'ended' | 'accepted' | 'temporary' | 'permanent' | 'noreply' | 'recover';

export interface OutboxEntryState {
  state: OutboxState;
  attempts: number;
  /** `sending`: the end of data was handed to the server in this attempt. */
  ended: boolean;
  /** `sent` without the server's reply (ended, then no reply or a crash). */
  unconfirmed: boolean;
}

const entry = (state: OutboxState, attempts: number, ended = false, unconfirmed = false): OutboxEntryState => ({ state, attempts, ended, unconfirmed });

/** The next state, or null when the event cannot happen in this state (a bug in the sender). */
export function transition(from: OutboxEntryState, event: OutboxEvent, maxAttempts: number): OutboxEntryState | null {
  const retry = (): OutboxEntryState => entry(from.attempts >= maxAttempts ? 'failed' : 'pending', from.attempts);
  switch (event) {
    case 'claim':
      return from.state === 'pending' ? entry('sending', from.attempts + 1) : null;
    case 'ended':
      return from.state === 'sending' && !from.ended ? entry('sending', from.attempts, true) : null;
    case 'accepted':
      return from.state === 'sending' ? entry('sent', from.attempts, from.ended) : null;
    case 'permanent':
      return from.state === 'sending' ? entry('bounced', from.attempts, from.ended) : null;
    case 'temporary':
      // A 4yz reply, even after the end of data: the server said it did not take the message.
      return from.state === 'sending' ? retry() : null;
    case 'noreply':
      if (from.state !== 'sending') return null;
      return from.ended ? entry('sent', from.attempts, true, true) : retry();
    case 'recover':
      // A message that kills its sender every time must not loop forever: failed after its last attempt.
      if (from.state !== 'sending') return from;
      return from.ended ? entry('sent', from.attempts, true, true) : retry();
  }
}

/**
 * RFC 5321 §4.2.1: the first digit of the reply code. No reply at all (connection lost, timeout) is `noreply`, which
 * the state machine treats by whether the end of data had been handed over.
 */
export function classifySmtpFailure(responseCode: number | undefined): 'temporary' | 'permanent' | 'noreply' {
  if (responseCode === undefined) return 'noreply';
  return responseCode >= 500 && responseCode < 600 ? 'permanent' : 'temporary';
}

/** Exponential backoff with a ceiling: base, 2·base, 4·base, ... for the attempts already made. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}
