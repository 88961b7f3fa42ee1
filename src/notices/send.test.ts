// The sender with an injected transport: rate limit, reply summaries that never quote an address, a store error
// stops the campaign, and a stopped campaign resumes where it left off.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exampleControllerConfig } from '../controller/example.js';
import { SqliteStore } from '../index/sqlite-store.js';
import { Outbox, type OutboxMessage } from './outbox.js';
import { replySummary, sendNotices, type MailTransport } from './send.js';

const config = exampleControllerConfig();
const secretKey = randomBytes(32);
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function storeWith(count: number): SqliteStore {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-send-'));
  dirs.push(dir);
  const store = new SqliteStore(join(dir, 'v.db'));
  const messages = Array.from({ length: count }, (_, i): OutboxMessage => ({ to: `p${i}@example.fr`, lang: 'fr', persons: [{ label: 'A B.', reference: `R-${i}`, code: 'ABCD-EFGH-JKMN-PQRS' }] }));
  new Outbox(store.db, secretKey).replace('b', messages, 'x.example');
  return store;
}

/** A transport that records what it "sent"; `fail` refuses a message before its end of data, or loses it after. */
function recorder(fail?: (to: string) => { error: Error; afterEnd: boolean } | null): MailTransport & { sent: string[]; ended: string[] } {
  const sent: string[] = [];
  const ended: string[] = [];
  return {
    sent,
    ended,
    async send(mail, onEndOfData) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const failure = fail?.(mail.to) ?? null;
      if (failure !== null && !failure.afterEnd) throw failure.error;
      onEndOfData();
      ended.push(mail.to);
      if (failure !== null) throw failure.error;
      sent.push(mail.to);
    },
    close() {},
  };
}

const lost = (): Error => Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' });

describe('sendNotices', () => {
  it('keeps to --rate', async () => {
    const store = storeWith(20);
    const transport = recorder();
    const start = performance.now();
    const summary = await sendNotices({ store, secretKey, breachId: 'b', config, transport, from: 'n@x.example', rate: 50 });
    expect(summary.sentNow).toBe(20);
    expect(performance.now() - start).toBeGreaterThanOrEqual(19 * 20 - 5); // 19 gaps of 20 ms
    store.close();
  });

  it('summarises SMTP replies by code and enhanced status only, never the address they quote', () => {
    const error = Object.assign(new Error('x'), { responseCode: 550, response: '550 5.1.1 <jean.dupont@example.fr>: Recipient address rejected' });
    expect(replySummary(error)).toBe('550 5.1.1');
    expect(replySummary(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
  });

  it('stops on request and resumes with what is left, each address once', async () => {
    const store = storeWith(30);
    const transport = recorder();
    let stop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const first = await sendNotices({
      store, secretKey, breachId: 'b', config, transport, from: 'n@x.example', concurrency: 2, stop: stopped,
      rate: 200,
      onProgress: () => {},
      now: () => {
        if (transport.sent.length >= 10) stop();
        return new Date();
      },
    });
    expect(first.stopped).toBe(true);
    expect(first.counts.sent).toBeLessThan(30);
    const second = await sendNotices({ store, secretKey, breachId: 'b', config, transport, from: 'n@x.example' });
    expect(second.counts.sent).toBe(30);
    expect(new Set(transport.sent).size).toBe(30);
    expect(transport.sent).toHaveLength(30);
    store.close();
  });

  it('marks a message failed after its last temporary failure, and --retry-failed sends it later', async () => {
    const store = storeWith(3);
    const flaky = recorder((to) => (to === 'p1@example.fr' ? { error: Object.assign(new Error('busy'), { responseCode: 421 }), afterEnd: false } : null));
    const first = await sendNotices({ store, secretKey, breachId: 'b', config, transport: flaky, from: 'n@x.example', maxAttempts: 2, backoffBaseMs: 1 });
    expect(first.counts).toMatchObject({ sent: 2, failed: 1 });
    const row = store.db.prepare("SELECT attempts, last_reply FROM notice_outbox WHERE state = 'failed'").get() as { attempts: number; last_reply: string };
    expect(row).toEqual({ attempts: 2, last_reply: '421' });
    const healed = recorder();
    const second = await sendNotices({ store, secretKey, breachId: 'b', config, transport: healed, from: 'n@x.example', retryFailed: true });
    expect(second.counts).toMatchObject({ sent: 3, failed: 0 });
    expect(healed.sent).toEqual(['p1@example.fr']);
    store.close();
  });

  it('a connection lost after the end of data: counted sent, unconfirmed, never sent again; --retry-unconfirmed sends it with its Message-ID', async () => {
    const store = storeWith(4);
    const transport = recorder((to) => (to === 'p2@example.fr' ? { error: lost(), afterEnd: true } : to === 'p3@example.fr' ? { error: lost(), afterEnd: false } : null));
    const first = await sendNotices({ store, secretKey, breachId: 'b', config, transport, from: 'n@x.example', backoffBaseMs: 1, maxAttempts: 3 });
    // p3 lost its connection before its end of data: sent again until its attempts ran out. p2 after it: never again.
    expect(transport.ended.filter((to) => to === 'p2@example.fr')).toHaveLength(1);
    expect(first.counts).toMatchObject({ sent: 3, failed: 1, pending: 0, sending: 0 });
    expect(first.unconfirmed).toBe(1);
    const again = await sendNotices({ store, secretKey, breachId: 'b', config, transport: recorder(), from: 'n@x.example' });
    expect(again.sentNow).toBe(0);
    const healed = recorder();
    const retried = await sendNotices({ store, secretKey, breachId: 'b', config, transport: healed, from: 'n@x.example', retryUnconfirmed: true });
    expect(healed.sent).toEqual(['p2@example.fr']);
    expect(retried).toMatchObject({ unconfirmed: 0, counts: { sent: 3, failed: 1 } });
    store.close();
  });

  it('a store that fails to record the end of data stops the campaign before the end-of-data marker', async () => {
    const store = storeWith(2);
    const transport = recorder();
    // Another process changed the entry under the sender: the record fails, the campaign stops.
    const broken: MailTransport = {
      send: (mail, onEndOfData) =>
        transport.send(mail, () => {
          store.db.exec("UPDATE notice_outbox SET state = 'pending' WHERE state = 'sending'");
          onEndOfData();
        }),
      close() {},
    };
    await expect(sendNotices({ store, secretKey, breachId: 'b', config, transport: broken, from: 'n@x.example', concurrency: 1 })).rejects.toThrow(/is not being sent/);
    expect(transport.ended).toEqual([]);
    const rerun = await sendNotices({ store, secretKey, breachId: 'b', config, transport: recorder(), from: 'n@x.example' });
    expect(rerun).toMatchObject({ counts: { sent: 2 }, unconfirmed: 0 });
    store.close();
  });
});
