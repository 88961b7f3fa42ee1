// The outbox state machine, pure and against SQLite, with property tests (fast-check): whatever the interleaving of
// claims, SMTP outcomes and crashes before the server's 250, every address ends up delivered exactly once, unless
// its message bounced or failed.

import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffMs, classifySmtpFailure, OUTBOX_STATES, TERMINAL_STATES, transition, type OutboxEntryState, type OutboxEvent } from './outbox-state.js';
import { Outbox, type ClaimedMessage, type OutboxMessage } from './outbox.js';

const EVENTS: OutboxEvent[] = ['claim', 'accepted', 'temporary', 'permanent', 'recover'];

describe('outbox state machine', () => {
  it('follows RFC 5321 reply classes: 5yz permanent, 4yz and no reply temporary', () => {
    expect(classifySmtpFailure(550)).toBe('permanent');
    expect(classifySmtpFailure(554)).toBe('permanent');
    expect(classifySmtpFailure(451)).toBe('temporary');
    expect(classifySmtpFailure(421)).toBe('temporary');
    expect(classifySmtpFailure(undefined)).toBe('temporary');
    expect([1, 2, 3, 4, 9].map((a) => backoffMs(a, 100, 1000))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('property: terminal states absorb every event, attempts never exceed the maximum, at most one acceptance', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...EVENTS), { maxLength: 60 }), fc.integer({ min: 1, max: 6 }), (events, max) => {
        let entry: OutboxEntryState = { state: 'pending', attempts: 0 };
        let accepted = 0;
        for (const event of events) {
          const next = transition(entry, event, max);
          if (TERMINAL_STATES.includes(entry.state)) expect(next === null || next.state === entry.state).toBe(true);
          if (next === null) continue;
          if (event === 'accepted') accepted++;
          expect(OUTBOX_STATES).toContain(next.state);
          expect(next.attempts).toBeLessThanOrEqual(max);
          expect(next.attempts).toBeGreaterThanOrEqual(entry.attempts);
          entry = next;
        }
        expect(accepted).toBeLessThanOrEqual(1);
        expect(entry.state === 'sent').toBe(accepted === 1);
      }),
    );
  });

  it('claims only pending messages and settles only those being sent', () => {
    for (const state of OUTBOX_STATES) {
      expect(transition({ state, attempts: 1 }, 'claim', 3) !== null).toBe(state === 'pending');
      for (const event of ['accepted', 'temporary', 'permanent'] as const) expect(transition({ state, attempts: 1 }, event, 3) !== null).toBe(state === 'sending');
    }
  });
});

type Op = { kind: 'claim'; n: number } | { kind: 'settle'; pick: number; outcome: 'accepted' | 'temporary' | 'permanent' } | { kind: 'crash' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('claim' as const), n: fc.integer({ min: 1, max: 4 }) }),
  fc.record({
    kind: fc.constant('settle' as const),
    pick: fc.nat(),
    outcome: fc.constantFrom('accepted' as const, 'accepted' as const, 'temporary' as const, 'permanent' as const),
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

  it('property: claims, SMTP outcomes and crashes before a 250 in any order; then every address is delivered exactly once unless bounced or failed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(op, { maxLength: 80 }), (size, ops) => {
        const db = new Database(':memory:');
        const outbox = new Outbox(db, secretKey, () => new Date(0));
        const messages = Array.from({ length: size }, (_, i): OutboxMessage => ({ to: `p${i}@example.fr`, lang: 'fr', persons: [] }));
        outbox.replace('b', messages, 'x.example');
        const delivered = new Map<string, number>();
        let inFlight: ClaimedMessage[] = [];
        const max = 3;
        const settle = (claimed: ClaimedMessage, outcome: 'accepted' | 'temporary' | 'permanent'): void => {
          if (outcome === 'accepted') delivered.set(claimed.message.to, (delivered.get(claimed.message.to) ?? 0) + 1);
          outbox.settle(claimed.num, outcome, max, null, 0);
        };
        for (const o of ops) {
          if (o.kind === 'claim') {
            const claimed = outbox.claim('b', o.n);
            for (const c of claimed) expect(inFlight.some((f) => f.num === c.num)).toBe(false); // never claimed twice at once
            inFlight.push(...claimed);
          } else if (o.kind === 'settle' && inFlight.length > 0) {
            const [claimed] = inFlight.splice(o.pick % inFlight.length, 1);
            settle(claimed!, o.outcome);
          } else if (o.kind === 'crash') {
            inFlight = []; // the process died before any of these got a 250: nothing was delivered
            outbox.recover('b', max);
          }
        }
        // A later run: recover, then drain with every server reply positive.
        inFlight = [];
        outbox.recover('b', max);
        for (let claimed = outbox.claim('b', 5); claimed.length > 0; claimed = outbox.claim('b', 5)) for (const c of claimed) settle(c, 'accepted');
        const counts = outbox.counts('b');
        expect(counts.pending + counts.sending).toBe(0);
        expect(counts.sent + counts.bounced + counts.failed).toBe(size);
        expect(delivered.size).toBe(counts.sent);
        for (const n of delivered.values()) expect(n).toBe(1);
        const states = db.prepare('SELECT state, attempts FROM notice_outbox').all() as { state: string; attempts: number }[];
        for (const s of states) expect(s.attempts).toBeLessThanOrEqual(max);
        db.close();
      }),
      { numRuns: 300 },
    );
  });
});
