// The outbox state machine, pure and against SQLite, with property tests (fast-check): whatever the interleaving of
// claims, ends of data, SMTP outcomes and crashes, every address is delivered once and never twice, unless its
// message bounced or failed. The server is modelled as RFC 5321 and RFC 1047 describe it: it discards a message whose
// end of data it never received, and keeps one whose end of data it received unless it refuses it with a reply.

import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffMs, classifySmtpFailure, OUTBOX_STATES, TERMINAL_STATES, transition, type OutboxEntryState, type OutboxEvent } from './outbox-state.js';
import { Outbox, outboxUnconfirmedIds, type ClaimedMessage, type OutboxMessage } from './outbox.js';

const EVENTS: OutboxEvent[] = ['claim', 'ended', 'accepted', 'temporary', 'permanent', 'noreply', 'recover'];
const fresh = (state: OutboxEntryState['state'], attempts = 1, ended = false): OutboxEntryState => ({ state, attempts, ended, unconfirmed: false });

describe('outbox state machine', () => {
  it('follows RFC 5321 reply classes: 5yz permanent, 4yz temporary, no reply apart', () => {
    expect(classifySmtpFailure(550)).toBe('permanent');
    expect(classifySmtpFailure(554)).toBe('permanent');
    expect(classifySmtpFailure(451)).toBe('temporary');
    expect(classifySmtpFailure(421)).toBe('temporary');
    expect(classifySmtpFailure(undefined)).toBe('noreply');
    expect([1, 2, 3, 4, 9].map((a) => backoffMs(a, 100, 1000))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('sends again only what never reached its end of data; once it has, no reply or a crash counts it sent, unconfirmed', () => {
    expect(transition(fresh('sending'), 'noreply', 3)).toEqual(fresh('pending'));
    expect(transition(fresh('sending'), 'recover', 3)).toEqual(fresh('pending'));
    expect(transition(fresh('sending', 3), 'recover', 3)).toEqual(fresh('failed', 3));
    const ended = fresh('sending', 1, true);
    expect(transition(ended, 'noreply', 3)).toEqual({ state: 'sent', attempts: 1, ended: true, unconfirmed: true });
    expect(transition(ended, 'recover', 3)).toEqual({ state: 'sent', attempts: 1, ended: true, unconfirmed: true });
    expect(transition(fresh('sending', 3, true), 'recover', 3)?.state).toBe('sent'); // even at its last attempt
    // A reply after the end of data is the server's word: 4yz not taken (again later), 5yz bounced, 2yz sent.
    expect(transition(ended, 'temporary', 3)).toEqual(fresh('pending'));
    expect(transition(ended, 'permanent', 3)?.state).toBe('bounced');
    expect(transition(ended, 'accepted', 3)).toEqual({ state: 'sent', attempts: 1, ended: true, unconfirmed: false });
    expect(transition(ended, 'ended', 3)).toBeNull(); // one end of data per attempt
  });

  it('property: terminal states absorb every event, attempts never exceed the maximum, never pending again once its data ended', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...EVENTS), { maxLength: 60 }), fc.integer({ min: 1, max: 6 }), (events, max) => {
        let entry: OutboxEntryState = fresh('pending', 0);
        let accepted = 0;
        for (const event of events) {
          const next = transition(entry, event, max);
          if (TERMINAL_STATES.includes(entry.state)) expect(next === null || next.state === entry.state).toBe(true);
          if (next === null) continue;
          if (event === 'accepted') accepted++;
          expect(OUTBOX_STATES).toContain(next.state);
          expect(next.attempts).toBeLessThanOrEqual(max);
          expect(next.attempts).toBeGreaterThanOrEqual(entry.attempts);
          if (entry.ended && event !== 'temporary') expect(next.state, `${event} after the end of data`).not.toBe('pending');
          if (next.unconfirmed) expect(entry.ended).toBe(true);
          entry = next;
        }
        expect(accepted).toBeLessThanOrEqual(1);
        if (accepted === 1) expect(entry.state).toBe('sent');
      }),
    );
  });

  it('claims only pending messages and settles only those being sent', () => {
    for (const state of OUTBOX_STATES) {
      expect(transition(fresh(state), 'claim', 3) !== null).toBe(state === 'pending');
      for (const event of ['ended', 'accepted', 'temporary', 'permanent', 'noreply'] as const) expect(transition(fresh(state), event, 3) !== null).toBe(state === 'sending');
    }
  });
});

type Outcome = 'accepted' | 'temporary' | 'permanent' | 'noreply';
type Op = { kind: 'claim'; n: number } | { kind: 'end'; pick: number } | { kind: 'settle'; pick: number; outcome: Outcome } | { kind: 'crash' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('claim' as const), n: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('end' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('settle' as const),
    pick: fc.nat(),
    outcome: fc.constantFrom<Outcome>('accepted', 'accepted', 'temporary', 'permanent', 'noreply'),
  }),
  fc.record({ kind: fc.constant('crash' as const) }),
);

describe('outbox in SQLite', () => {
  const secretKey = randomBytes(32);

  it('seals entries: addresses and codes are not in the database, and open only with the key', () => {
    const db = new Database(':memory:');
    const outbox = new Outbox(db, secretKey);
    const message: OutboxMessage = { to: 'jean.dupont@example.fr', lang: 'fr', persons: [{ label: 'Jean D.', reference: 'R-1', code: 'ABCD-EFGH-JKMN-PQRS' }] };
    outbox.replace('b', [message], 'labo.example');
    const row = db.prepare('SELECT * FROM notice_outbox').get() as Record<string, unknown>;
    const dump = JSON.stringify(row) + Buffer.from(row['sealed'] as Buffer).toString('latin1') + Buffer.from(row['address_tag'] as Buffer).toString('latin1');
    expect(dump).not.toContain('jean');
    expect(dump).not.toContain('ABCD');
    expect(outbox.claim('b', 1)[0]!.message).toEqual(message);
    expect(() => new Outbox(db, randomBytes(32)).open('b', row['message_id'] as string, row['sealed'] as Buffer)).toThrow(/does not open with this key/);
    // One row per address and breach, whatever the case of the address.
    expect(() => outbox.replace('b', [message, { ...message, to: 'Jean.Dupont@example.fr' }], 'labo.example')).toThrow(/two outbox messages for one e-mail address/);
  });

  it('property: claims, ends of data, SMTP outcomes and crashes in any order; then every address is delivered exactly once unless bounced or failed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(op, { maxLength: 80 }), (size, ops) => {
        const db = new Database(':memory:');
        const outbox = new Outbox(db, secretKey, () => new Date(0));
        const messages = Array.from({ length: size }, (_, i): OutboxMessage => ({ to: `p${i}@example.fr`, lang: 'fr', persons: [] }));
        outbox.replace('b', messages, 'x.example');
        /** Messages the server kept, by address: it keeps what reached its end of data, unless it refused it. */
        const delivered = new Map<string, number>();
        const keep = (c: ClaimedMessage, n: number): void => void delivered.set(c.message.to, (delivered.get(c.message.to) ?? 0) + n);
        let inFlight: (ClaimedMessage & { ended: boolean })[] = [];
        const max = 3;
        const end = (c: ClaimedMessage & { ended: boolean }): void => {
          outbox.markEnded(c.num);
          c.ended = true;
          keep(c, 1);
        };
        for (const o of ops) {
          if (o.kind === 'claim') {
            const claimed = outbox.claim('b', o.n);
            for (const c of claimed) expect(inFlight.some((f) => f.num === c.num)).toBe(false); // never claimed twice at once
            inFlight.push(...claimed.map((c) => ({ ...c, ended: false })));
          } else if (o.kind === 'end' && inFlight.length > 0) {
            const c = inFlight[o.pick % inFlight.length]!;
            if (!c.ended) end(c);
          } else if (o.kind === 'settle' && inFlight.length > 0) {
            const [c] = inFlight.splice(o.pick % inFlight.length, 1);
            if (o.outcome === 'accepted' && !c!.ended) end(c!); // a 250 to the data comes after its end
            if ((o.outcome === 'temporary' || o.outcome === 'permanent') && c!.ended) keep(c!, -1); // refused after the data
            outbox.settle(c!.num, o.outcome, max, null, 0);
          } else if (o.kind === 'crash') {
            inFlight = []; // the process died: the server keeps what reached its end of data
            outbox.recover('b', max);
          }
        }
        // A later run: recover, then drain with every server reply positive.
        inFlight = [];
        outbox.recover('b', max);
        for (let claimed = outbox.claim('b', 5); claimed.length > 0; claimed = outbox.claim('b', 5)) {
          for (const c of claimed) {
            end({ ...c, ended: false });
            outbox.settle(c.num, 'accepted', max, '250');
          }
        }
        const counts = outbox.counts('b');
        expect(counts.pending + counts.sending).toBe(0);
        expect(counts.sent + counts.bounced + counts.failed).toBe(size);
        for (const [address, n] of delivered) expect(n, address).toBeLessThanOrEqual(1); // never twice
        const kept = [...delivered.values()].filter((n) => n === 1).length;
        expect(kept).toBe(counts.sent); // nobody counted sent without the server keeping it, nobody kept twice
        const states = db.prepare('SELECT state, attempts, unconfirmed FROM notice_outbox').all() as { state: string; attempts: number; unconfirmed: number }[];
        for (const s of states) expect(s.attempts).toBeLessThanOrEqual(max);
        expect(outboxUnconfirmedIds(db, 'b').length).toBe(states.filter((s) => s.unconfirmed === 1).length);
        db.close();
      }),
      { numRuns: 300 },
    );
  });

  it('an operator can send again what was counted sent unconfirmed, with its Message-ID; an outbox of an earlier version gains the columns', () => {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE notice_outbox (num INTEGER PRIMARY KEY, breach_id TEXT NOT NULL, address_tag BLOB NOT NULL, message_id TEXT NOT NULL UNIQUE,
      sealed BLOB NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL DEFAULT 0,
      last_reply TEXT, updated_at TEXT NOT NULL, UNIQUE (breach_id, address_tag))`);
    const outbox = new Outbox(db, secretKey);
    outbox.replace('b', [{ to: 'a@example.fr', lang: 'fr', persons: [] }], 'x.example');
    const [c] = outbox.claim('b', 1);
    outbox.markEnded(c!.num);
    expect(() => outbox.markEnded(c!.num)).toThrow(/not being sent/);
    expect(outbox.recover('b', 6)).toEqual({ resent: 0, unconfirmed: 1 });
    expect(outbox.counts('b').sent).toBe(1);
    expect(outboxUnconfirmedIds(db, 'b').length).toBe(1);
    expect(outbox.retryUnconfirmed('b')).toBe(1);
    const [again] = outbox.claim('b', 1);
    expect(again!.messageId).toBe(c!.messageId);
    outbox.markEnded(again!.num);
    outbox.settle(again!.num, 'accepted', 6, '250');
    expect(outboxUnconfirmedIds(db, 'b').length).toBe(0);
    expect(outbox.counts('b')).toMatchObject({ sent: 1, pending: 0, sending: 0 });
    db.close();
  });
});
