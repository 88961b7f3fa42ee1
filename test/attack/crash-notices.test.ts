// Crash test of a notice campaign (issue 8 item 4, DESIGN §1.5 "every notice is sent exactly once"): `vigie notices
// send` against a real SMTP server on loopback, killed with SIGKILL at seeded random points of the campaign: at RCPT TO
// of a message, after its end of data arrived but before the server's 250 (the server keeps the message, as a real
// MTA does: RFC 1047), right after a 250, a few milliseconds after one (between messages, during a commit), or while
// starting (recovering, claiming). Rerun until done, then counted by recipient at the server: nobody skipped, nobody
// sent twice. After each kill the outbox is checked against what the server kept: each kept message is `sent`, or
// `sending` with its end of data recorded (then counted sent, unconfirmed, by the rerun).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nirKey } from '../../src/identifiers/nir.js';
import { createWorkspace, type Workspace } from '../helpers.js';
import { startSmtpPeer, type ReceivedMessage, type SmtpPeer } from '../notices-smtp-peer.js';
import { fuzzConfig } from './support/fuzz-config.js';
import { requireBuild, spawnVigie, type VigieChild } from './support/vigie-child.js';

const { runs: POINTS, random } = fuzzConfig('crash-notices', {
  seed: 'vigie-crash-notices-1',
  runs: 24,
  minimum: 20,
  runsVariable: 'VIGIE_CRASH_POINTS',
  unit: 'kill points',
});
// The breach that `vigie controller init` describes.
const BREACH = 'labos-2021';
const PERSONS = 400;
/** Persons 0-59 share an address three by three (families); the others have their own. */
const FAMILY = 3;
const FAMILIES = 20;
const CONNECTIONS = 5;
const CODE = /\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b/g;

type KillKind = 'rcpt' | 'before-250' | 'after-250' | 'soon-after-250' | 'starting';

interface KillPoint {
  kind: KillKind;
  /**
   * The first event of the kind once the server has accepted this many messages in all (for 'starting', a 250 past
   * it, should the timer not have fired yet: every run ends near its point of the campaign).
   */
  accepted: number;
  /** 'soon-after-250': delay after that 250; 'starting': delay after the spawn. */
  ms: number;
}

let ws: Workspace;
let env: NodeJS.ProcessEnv;
let peer: SmtpPeer;
/** The point the running sender is to be killed at, and the sender. */
let armed: KillPoint | null = null;
let current: VigieChild | null = null;
/** Message-IDs the server kept during the current run. */
let acceptedThisRun: string[] = [];

const name = (i: number): string => Array.from(String(i).padStart(3, '0'), (d) => 'bcdfghjklm'[Number(d)]).join('');
const addressOf = (i: number): string => (i < FAMILY * FAMILIES ? `famille.${name(Math.floor(i / FAMILY))}@example.fr` : `p.${name(i)}@example.fr`);

/** Kills the sender if the armed point is this event; true when it did (the server then answers as if cut off). */
function fire(event: 'rcpt' | 'before-250' | 'after-250'): boolean {
  const point = armed;
  if (point === null || peer.count < point.accepted) return false;
  if (point.kind === event || (event === 'after-250' && point.kind === 'starting')) {
    armed = null;
    current?.kill();
    return true;
  }
  if (event === 'after-250' && point.kind === 'soon-after-250') {
    armed = null;
    const child = current;
    setTimeout(() => child?.kill(), point.ms);
  }
  return false;
}

function vigie(...args: string[]): VigieChild {
  return spawnVigie(args, env);
}

/** State of each message in the outbox, by Message-ID (docs/notices.md, "The outbox"). */
function outbox(): Map<string, { state: string; attempts: number; ended: boolean }> {
  const db = new Database(ws.db, { fileMustExist: true });
  try {
    const rows = db.prepare('SELECT message_id, state, attempts, data_ended FROM notice_outbox WHERE breach_id = ?').all(BREACH) as {
      message_id: string;
      state: string;
      attempts: number;
      data_ended: number;
    }[];
    return new Map(rows.map((r) => [r.message_id, { state: r.state, attempts: r.attempts, ended: r.data_ended === 1 }]));
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  requireBuild();
  ws = createWorkspace();
  env = { ...process.env, VIGIE_DB: ws.db, VIGIE_KEY_FILE: ws.keyFile };
  const rows = ['CODE_LABO;NOM;PRENOM;DATE_NAISSANCE;NIR;EMAIL;ADRESSE1;CP;VILLE'];
  for (let i = 0; i < PERSONS; i++) {
    const body = `${1 + (i % 2)}7${String(i % 10)}${String(1 + (i % 12)).padStart(2, '0')}69123${String(1 + Math.floor(i / 2)).padStart(3, '0')}`;
    const nir = `${body}${String(nirKey(body)).padStart(2, '0')}`;
    const date = `${String(1 + (i % 28)).padStart(2, '0')}/${String(1 + (i % 12)).padStart(2, '0')}/197${i % 10}`;
    rows.push(['LAB01', `NOM${name(i).toUpperCase()}`, `Prenom${name(i)}`, date, nir, addressOf(i), `${i} avenue Jean Jaurès`, '69007', 'Lyon'].join(';'));
  }
  const file = join(ws.dir, 'leak.csv');
  writeFileSync(file, `${rows.join('\n')}\n`);
  const controller = join(ws.dir, 'controller.json');
  for (const args of [
    ['ingest', file, '--breach', BREACH, '--progress', 'none'],
    ['controller', 'init', '--out', controller],
    ['notices', 'generate', '--breach', BREACH, '--source', file, '--controller', controller, '--out', join(ws.dir, 'letters'), '--progress', 'none', '--json'],
  ]) {
    const exit = await vigie(...args).exited;
    expect(exit.code, `${args.slice(0, 2).join(' ')}: ${exit.stderr}`).toBe(0);
    if (args[1] === 'generate') expect(JSON.parse(exit.stdout)).toMatchObject({ persons: PERSONS, personsWithEmail: PERSONS, emails: PERSONS - FAMILIES * (FAMILY - 1) });
  }
  peer = await startSmtpPeer({
    onRecipient: () => (fire('rcpt') ? 451 : undefined),
    beforeAccept: () => (fire('before-250') ? 'keep' : 'reply'),
    afterAccept: (message) => {
      acceptedThisRun.push(message.messageId);
      fire('after-250');
    },
  });
});

afterAll(async () => {
  await peer?.close();
  ws?.cleanup();
});

describe('kill -9 during a notice campaign', () => {
  it(`at ${POINTS} seeded points, then reruns until done: every address exactly once`, async () => {
    const addresses = new Set(Array.from({ length: PERSONS }, (_, i) => addressOf(i)));
    const kinds: KillKind[] = ['rcpt', 'before-250', 'after-250', 'soon-after-250', 'starting'];
    const thresholds = Array.from({ length: POINTS }, () => 1 + random.int(addresses.size - 1)).sort((a, b) => a - b);
    const points: KillPoint[] = thresholds.map((accepted) => {
      const kind = random.pick(kinds);
      return { kind, accepted, ms: kind === 'starting' ? random.int(900) : random.int(40) };
    });
    const send = ['notices', 'send', '--breach', BREACH, '--smtp', peer.url, '--connections', String(CONNECTIONS), '--backoff', '20', '--progress', 'none', '--json'];
    const log: string[] = [];
    /** Messages kept by the server whose reply the sender never recorded (counted sent, unconfirmed, by the rerun). */
    let unrecorded = 0;
    /** Message-IDs found `sending` with their end of data recorded after a kill (the rerun counts them sent). */
    const endedAtKill = new Set<string>();
    let kills = 0;

    for (const point of points) {
      acceptedThisRun = [];
      armed = point;
      const startCount = peer.count;
      current = vigie(...send);
      const timer = point.kind === 'starting' ? setTimeout(() => current?.kill(), point.ms) : null;
      const exit = await current.exited;
      if (timer !== null) clearTimeout(timer);
      armed = null;
      const states = outbox();
      let caught = 0;
      for (const id of acceptedThisRun) {
        const entry = states.get(id);
        if (entry?.state === 'sent') continue;
        // Kept by the server, yet not `sent`: only `sending` with its end of data recorded may be left.
        expect(entry, `Message-ID ${id} kept by the server, then ${JSON.stringify(entry)} in the outbox`).toMatchObject({ state: 'sending', ended: true });
        caught++;
      }
      unrecorded += caught;
      for (const [id, e] of states) if (e.state === 'sending' && e.ended) endedAtKill.add(id);
      expect(caught).toBeLessThanOrEqual(CONNECTIONS); // one message in flight per connection
      const where =
        point.kind === 'starting' ? `${point.ms} ms after the start (or ${point.accepted} accepted)`
        : point.kind === 'soon-after-250' ? `${point.ms} ms after a 250 once ${point.accepted} were accepted`
        : `${point.kind} once ${point.accepted} were accepted`;
      if (exit.signal === 'SIGKILL') kills++;
      log.push(`${where}: ${exit.signal ?? `exit ${exit.code}`}, ${peer.count - startCount} accepted in this run, ${caught} kept but not yet recorded`);
    }

    // Reruns until the outbox is empty (exit 0: nothing pending; 3: messages wait for their backoff).
    const status = async (): Promise<Record<string, number>> =>
      (JSON.parse((await vigie('notices', 'status', '--breach', BREACH, '--json').exited).stdout) as { email: Record<string, number> }).email;
    const rerun = async (...extra: string[]): Promise<number> => {
      let reruns = 0;
      for (;;) {
        acceptedThisRun = [];
        const exit = await vigie(...send, ...extra).exited;
        reruns++;
        expect([0, 3], exit.stderr).toContain(exit.code);
        if (exit.code === 0) return reruns;
        expect(reruns).toBeLessThan(20);
      }
    };
    const reruns = await rerun();
    // A message in flight at --max-attempts (6) kills in a row is given up as `failed` (docs/notices.md, recover):
    // shown by `status`, sent by the documented --retry-failed. Counted here, not hidden.
    const failedAtMax = (await status())['failed'] ?? 0;
    if (failedAtMax > 0) await rerun('--retry-failed');
    const email = await status();

    // Counted by recipient at the server.
    const received = new Map<string, ReceivedMessage[]>();
    for (const m of peer.accepted) received.set(m.to, [...(received.get(m.to) ?? []), m]);
    const skipped = [...addresses].filter((a) => !received.has(a));
    const receivedIds = new Set(peer.accepted.map((m) => m.messageId));
    const missing = [...outbox().keys()].filter((id) => !receivedIds.has(id)).sort();
    const lostAfterEnd = [...endedAtKill].filter((id) => !receivedIds.has(id)).sort();
    const copies = [...received.values()].reduce((n, ms) => n + ms.length - 1, 0);
    console.log(
      `crash-notices: ${kills} kills over ${points.length} points, then ${reruns} rerun(s); ${addresses.size} addresses, ` +
        `${peer.accepted.length} messages kept by the server; skipped ${skipped.length}; given up after repeated crashes and retried ` +
        `${failedAtMax}; second copies ${copies}; ${unrecorded} kept before their reply was recorded (counted sent, unconfirmed); ` +
        `${lostAfterEnd.length} recorded as ended but never received; ${peer.partial} partial messages discarded by the server; ` +
        `outbox ${JSON.stringify(email)}\n  ${log.join('\n  ')}`,
    );

    expect(kills).toBeGreaterThanOrEqual(20);
    expect(email).toEqual({ pending: 0, sending: 0, sent: addresses.size, bounced: 0, failed: 0 });
    // Never a second copy. Never a silent skip: a message the server never got can only be one whose end of data was
    // recorded in the microseconds before the marker's write(2) when the kill came (docs/notices.md: 5 in 627 kills
    // measured); it is counted sent but unconfirmed, and `vigie notices status` lists it.
    expect(missing).toEqual(lostAfterEnd);
    // A statistical bound, loose on purpose (one was seen in 24 kills with the whole suite loading both cores): the
    // order of the record and the marker's write is checked exactly by src/notices/smtp-transport.test.ts.
    expect(lostAfterEnd.length).toBeLessThanOrEqual(3);
    const unconfirmedIds = new Set(
      (JSON.parse((await vigie('notices', 'status', '--breach', BREACH, '--json').exited).stdout) as { emailUnconfirmedMessageIds: string[] }).emailUnconfirmedMessageIds,
    );
    expect(missing).toHaveLength(skipped.length);
    for (const id of missing) expect(unconfirmedIds.has(id), `${id} not received, not listed as unconfirmed`).toBe(true);
    expect([...received.keys()].filter((a) => !addresses.has(a))).toEqual([]);
    expect(copies).toBe(0);
    for (const [address, messages] of received) expect(messages.length, address).toBe(1);
    // Every person with an address got their code, in the message to their address only.
    const codes = new Map<string, string>();
    for (const [address, messages] of received) {
      for (const code of new Set(messages[0]!.body.match(CODE) ?? [])) {
        expect(codes.get(code) ?? address, code).toBe(address);
        codes.set(code, address);
      }
    }
    expect(codes.size).toBe(PERSONS);
  }, 300_000);
});
