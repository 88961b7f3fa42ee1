// Notice e-mails against a real SMTP server on loopback (smtp-server): each address receives exactly one message,
// temporary failures are retried, permanent ones bounce, and a sender killed with SIGKILL mid-campaign resumes
// without sending any message twice or skipping one (docs/notices.md, "Exactly once").

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exampleControllerConfig } from '../src/controller/example.js';
import { createEvaluatorPool } from '../src/index/evaluator-pool.js';
import { ingest } from '../src/index/ingest.js';
import { SqliteStore } from '../src/index/sqlite-store.js';
import { nirKey } from '../src/identifiers/nir.js';
import { openNoticeByCode } from '../src/lookup/notice.js';
import { HEALTH_WORDS } from '../src/notices/email.js';
import { generateNotices } from '../src/notices/generate.js';
import { maskEmail } from '../src/notices/mask.js';
import { Outbox } from '../src/notices/outbox.js';
import { createSmtpTransport, sendNotices } from '../src/notices/send.js';
import { createWorkspace, type Workspace } from './helpers.js';
import { startSmtpPeer, type ReceivedMessage, type SmtpPeer } from './notices-smtp-peer.js';

const BIN = resolve('bin/vigie.js');
const BREACH = 'labos-2021';
const CODE = /\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b/g;
const config = exampleControllerConfig();

const letters = (i: number): string => Array.from(String(i).padStart(3, '0'), (d) => 'abcdefghij'[Number(d)]).join('');

interface Fixture {
  ws: Workspace;
  store: SqliteStore;
  nirs: string[];
  /** Address -> how many persons gave it. */
  addresses: Map<string, number>;
}

/**
 * 300 persons: 60 in 20 families sharing an address, 140 with their own, 3 special addresses (a bounce, two slow
 * mailboxes), the rest without e-mail; every tenth person seen in a second lab.
 */
async function fixture(): Promise<Fixture> {
  const ws = createWorkspace();
  const rows = ['CODE_LABO;NOM;PRENOM;DATE_NAISSANCE;NIR;EMAIL;ADRESSE1;CP;VILLE'];
  const nirs: string[] = [];
  const addresses = new Map<string, number>();
  for (let i = 0; i < 300; i++) {
    const body = `${1 + (i % 2)}85${String(1 + (i % 12)).padStart(2, '0')}35238${String(i + 1).padStart(3, '0')}`;
    const nir = `${body}${String(nirKey(body)).padStart(2, '0')}`;
    nirs.push(nir, body);
    const email =
      i < 60 ? `famille.${letters(Math.floor(i / 3))}@example.fr`
      : i < 200 ? `p.${letters(i)}@example.fr`
      : i === 200 ? 'bounce@example.fr'
      : i === 201 || i === 202 ? `slow.${letters(i)}@example.fr`
      : '';
    if (email !== '') addresses.set(email, (addresses.get(email) ?? 0) + 1);
    const row = [`NOM${letters(i).toUpperCase()}`, `Prenom${letters(i)}`, `${String(1 + (i % 28)).padStart(2, '0')}/05/1985`, nir, email, `${i} rue du Port`, '35000', 'Rennes'];
    rows.push(['LAB01', ...row].join(';'));
    if (i % 10 === 0) rows.push(['LAB02', ...row].join(';'));
  }
  const file = join(ws.dir, 'leak.csv');
  writeFileSync(file, `${rows.join('\n')}\n`);
  const store = new SqliteStore(ws.db);
  const pool = await createEvaluatorPool({ secretKey: ws.key.secretKey, threads: 0 });
  await ingest({ store, pool, keyId: ws.key.keyId, breachId: BREACH, files: [file] });
  await pool.close();
  const summary = await generateNotices({ store, secretKey: ws.key.secretKey, breachId: BREACH, source: file, config, outDir: join(ws.dir, 'out'), threads: 0 });
  expect(summary.persons).toBe(300);
  expect(summary.emails).toBe(addresses.size);
  return { ws, store, nirs, addresses };
}

function byAddress(messages: readonly ReceivedMessage[]): Map<string, ReceivedMessage[]> {
  const map = new Map<string, ReceivedMessage[]>();
  for (const m of messages) map.set(m.to, [...(map.get(m.to) ?? []), m]);
  return map;
}

/** `vigie notices send` in a child process; resolves with its exit code or the signal that killed it. */
function sendInChild(f: Fixture, peer: SmtpPeer, connections: number, onSpawn: (kill: () => void) => void): Promise<number | string> {
  const child = spawn(
    process.execPath,
    [BIN, 'notices', 'send', '--breach', BREACH, '--smtp', peer.url, '--connections', String(connections), '--backoff', '20', '--progress', 'none'],
    { env: { ...process.env, VIGIE_DB: f.ws.db, VIGIE_KEY_FILE: f.ws.keyFile }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  onSpawn(() => child.kill('SIGKILL'));
  return new Promise((resolveExit) =>
    child.on('exit', (code, signal) => {
      if (code !== null && code !== 0) console.error(stderr);
      resolveExit(signal ?? code ?? -1);
    }),
  );
}

const fixtures: Fixture[] = [];
const peers: SmtpPeer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.close();
  for (const f of fixtures.splice(0)) {
    f.store.close();
    f.ws.cleanup();
  }
});

describe('notices send', () => {
  it('sends each address exactly one message, retries 4xx with backoff, bounces 5xx, and a rerun sends nothing', async () => {
    const f = await fixture();
    fixtures.push(f);
    const tries = new Map<string, number>();
    const peer = await startSmtpPeer({
      onRecipient: (address) => {
        tries.set(address, (tries.get(address) ?? 0) + 1);
        if (address === 'bounce@example.fr') return 550; // RFC 5321: permanent
        if (address.startsWith('slow.') && tries.get(address)! <= 2) return 451; // transient, twice
        return undefined;
      },
    });
    peers.push(peer);
    const transport = createSmtpTransport(peer.url, 5);
    const options = { store: f.store, secretKey: f.ws.key.secretKey, breachId: BREACH, config, transport, from: 'Labo <n@labo.example>', backoffBaseMs: 20, maxAttempts: 4 };
    const summary = await sendNotices(options);
    transport.close();
    expect(summary.counts).toEqual({ pending: 0, sending: 0, sent: f.addresses.size - 1, bounced: 1, failed: 0 });
    expect(summary.retries).toBe(4);
    const received = byAddress(peer.accepted);
    expect(received.size).toBe(f.addresses.size - 1);
    for (const [address, messages] of received) expect(messages, address).toHaveLength(1);
    expect(received.has('bounce@example.fr')).toBe(false);
    expect(tries.get('slow.cab@example.fr')).toBe(3);

    // Every message carries one code per person who gave the address, and each code opens that person's notice.
    for (const [address, [message]] of received) {
      const codes = [...new Set(message!.body.match(CODE) ?? [])];
      expect(codes, address).toHaveLength(f.addresses.get(address)!);
      for (const code of codes) {
        const result = await openNoticeByCode(code, async (id) => f.store.notice(id));
        expect(result.status).toBe('ok');
        if (result.status === 'ok') expect(result.notice.masked.email).toBe(maskEmail(address));
      }
    }

    // What the messages hold and do not hold.
    for (const message of peer.accepted) {
      const text = message.body.toLowerCase();
      for (const nir of f.nirs) expect(message.body.includes(nir)).toBe(false);
      for (const word of HEALTH_WORDS) expect(text.includes(word), word).toBe(false);
      expect(message.body).toMatch(/Content-Type: text\/plain/i);
      expect(message.body).toMatch(/Content-Type: text\/html/i);
      expect(message.body).not.toMatch(/Content-Disposition: attachment/i);
      expect(text).not.toMatch(/<a[\s>]|href=|https?:\/\//);
      expect(message.body).toContain('verif.labo-exemple.example');
      expect(message.headers).toMatch(/^Auto-Submitted: auto-generated/im);
    }

    const again = await sendNotices({ ...options, transport: createSmtpTransport(peer.url, 5) });
    expect(again.sentNow).toBe(0);
    expect(peer.accepted).toHaveLength(f.addresses.size - 1);
  });

  it('survives SIGKILL mid-campaign (in a transaction and between two), one connection: every address exactly once', async () => {
    const f = await fixture();
    fixtures.push(f);
    let kill: () => void = () => {};
    let data = 0;
    let recipients = 0;
    const peer = await startSmtpPeer({
      onRecipient: () => (++recipients === 120 ? (kill(), 451) : undefined), // killed at RCPT TO of a message
      beforeAccept: () => {
        if (++data !== 40) return 'reply';
        kill(); // killed after the end of data arrived, before the 250: the server keeps it (RFC 1047)
        return 'keep';
      },
    });
    peers.push(peer);
    expect(await sendInChild(f, peer, 1, (k) => (kill = k))).toBe('SIGKILL');
    expect(peer.accepted).toHaveLength(40);
    expect(await sendInChild(f, peer, 1, (k) => (kill = k))).toBe('SIGKILL');
    expect(await sendInChild(f, peer, 1, (k) => (kill = k))).toBe(0);
    const received = byAddress(peer.accepted);
    expect(received.size).toBe(f.addresses.size);
    for (const [address, messages] of received) expect(messages, address).toHaveLength(1);
    expect(new Outbox(f.store.db, f.ws.key.secretKey).counts(BREACH)).toMatchObject({ sent: f.addresses.size, pending: 0, sending: 0 });
  });

  it('pooled connections, SIGKILL right after a 250 and right before one: every address exactly once', async () => {
    const f = await fixture();
    fixtures.push(f);
    let kill: () => void = () => {};
    let kept = 0;
    const peer = await startSmtpPeer({
      beforeAccept: () => (++kept === 90 ? (kill(), 'keep') : 'reply'),
      afterAccept: () => peer.count === 40 && kill(),
    });
    peers.push(peer);
    expect(await sendInChild(f, peer, 5, (k) => (kill = k))).toBe('SIGKILL');
    expect(await sendInChild(f, peer, 5, (k) => (kill = k))).toBe('SIGKILL');
    expect(await sendInChild(f, peer, 5, () => {})).toBe(0);
    const received = byAddress(peer.accepted);
    expect(received.size).toBe(f.addresses.size);
    for (const [address, messages] of received) expect(messages, address).toHaveLength(1);
    const outbox = new Outbox(f.store.db, f.ws.key.secretKey);
    expect(outbox.counts(BREACH)).toMatchObject({ sent: f.addresses.size, pending: 0, sending: 0 });
  });

  it('a relay that loses a message after its end of data: counted sent but unconfirmed, shown by status, sent again only on --retry-unconfirmed', async () => {
    const f = await fixture();
    fixtures.push(f);
    let lose = true;
    const peer = await startSmtpPeer({ beforeAccept: (m) => (lose && m.to === 'p.baa@example.fr' ? ((lose = false), 'lose') : 'reply') });
    peers.push(peer);
    expect(await sendInChild(f, peer, 3, () => {})).toBe(0);
    expect(byAddress(peer.accepted).has('p.baa@example.fr')).toBe(false);
    expect(peer.accepted).toHaveLength(f.addresses.size - 1);
    const status = (): Promise<{ email: Record<string, number>; emailUnconfirmed: number; text: string }> =>
      new Promise((resolveStatus) => {
        const run = (json: boolean): Promise<string> =>
          new Promise((done) => {
            const child = spawn(process.execPath, [BIN, 'notices', 'status', '--breach', BREACH, ...(json ? ['--json'] : [])], {
              env: { ...process.env, VIGIE_DB: f.ws.db, VIGIE_KEY_FILE: f.ws.keyFile },
            });
            let out = '';
            child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
            child.on('exit', () => done(out));
          });
        void Promise.all([run(true), run(false)]).then(([json, text]) => resolveStatus({ ...(JSON.parse(json) as { email: Record<string, number>; emailUnconfirmed: number }), text }));
      });
    const before = await status();
    expect(before.email).toMatchObject({ sent: f.addresses.size, pending: 0, sending: 0 });
    expect(before.emailUnconfirmed).toBe(1);
    expect(before.text).toMatch(/1 without the server's reply/);
    expect(await sendInChild(f, peer, 3, () => {})).toBe(0); // a plain rerun sends nothing
    expect(peer.accepted).toHaveLength(f.addresses.size - 1);
    const retry = spawn(process.execPath, [BIN, 'notices', 'send', '--breach', BREACH, '--smtp', peer.url, '--retry-unconfirmed', '--progress', 'none'], {
      env: { ...process.env, VIGIE_DB: f.ws.db, VIGIE_KEY_FILE: f.ws.keyFile },
    });
    expect(await new Promise((done) => retry.on('exit', done))).toBe(0);
    const received = byAddress(peer.accepted);
    expect(received.size).toBe(f.addresses.size);
    for (const [address, messages] of received) expect(messages, address).toHaveLength(1);
    expect((await status()).emailUnconfirmed).toBe(0);
  });
});
