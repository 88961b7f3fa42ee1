// The SMTP transport against a real server on loopback (smtp-server): the end-of-data hook runs once per message, right
// before the marker <CRLF>.<CRLF> is written, in the same synchronous run (what lets the outbox tell "sent again" from
// "never again" after a crash); a hook that fails keeps the marker back, so the server discards the
// message; refusals keep the connection (RSET); a lost connection after the end of data rejects without a reply code.

import { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpPeer, type SmtpPeer } from '../../test/notices-smtp-peer.js';
import { createSmtpTransport, type OutgoingMail } from './smtp-transport.js';

const peers: SmtpPeer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.close();
});

const mail = (i: number): OutgoingMail => ({
  from: 'Laboratoire <notification@labo.example>',
  to: `p${i}@example.fr`,
  subject: 'Fuite de données : votre situation',
  text: `Bonjour,\r\n.\r\nune ligne qui commence par un point, puis le code ABCD-EFGH-JKMN-PQRS.\n${'x'.repeat(3000)}\n`,
  html: `<p>Bonjour ${i}</p>`,
  messageId: `<m${i}@labo.example>`,
  headers: { 'Auto-Submitted': 'auto-generated' },
});

/**
 * Every end-of-data marker written to any TCP socket while `run` runs, and every hook call: a marker is "marker" only
 * when written before a process.nextTick callback queued by the last hook could run, i.e. in the same synchronous
 * run as the hook (nothing but its return in between).
 */
async function watchWrites<T>(run: (hook: () => void) => Promise<T>): Promise<{ result: T; events: string[] }> {
  const events: string[] = [];
  let tickPassed = true;
  const original = Socket.prototype.write;
  Socket.prototype.write = function (this: Socket, chunk: unknown, ...rest: unknown[]): boolean {
    const text = Buffer.isBuffer(chunk) ? chunk.toString('latin1') : String(chunk);
    if (text.endsWith('\r\n.\r\n') || text === '.\r\n') events.push(tickPassed ? 'marker later' : 'marker');
    return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof Socket.prototype.write;
  try {
    const result = await run(() => {
      events.push('hook');
      tickPassed = false;
      process.nextTick(() => (tickPassed = true));
    });
    return { result, events };
  } finally {
    Socket.prototype.write = original;
  }
}

describe('SMTP transport', () => {
  it('calls the end-of-data hook once per message, inside the socket write that carries the marker', async () => {
    let connections = 0;
    const peer = await startSmtpPeer({ onConnect: () => connections++ });
    peers.push(peer);
    const transport = createSmtpTransport(peer.url, 3);
    const { events } = await watchWrites((hook) => Promise.all(Array.from({ length: 30 }, (_, i) => transport.send(mail(i), hook))));
    transport.close();
    expect(peer.accepted).toHaveLength(30);
    expect(events).toHaveLength(60);
    // Hooks and markers alternate per connection; every marker followed its hook before any I/O callback ran.
    expect(events.filter((e) => e === 'hook')).toHaveLength(30);
    expect(events.filter((e) => e === 'marker')).toHaveLength(30);
    expect(connections).toBe(3);
    const received = peer.accepted.find((m) => m.to === 'p7@example.fr')!;
    expect(received.messageId).toBe('<m7@labo.example>');
    expect(received.body).toContain('\r\n.\r\nune ligne'); // dot-stuffed on the wire (RFC 5321 §4.5.2), restored by the server
    expect(received.headers).toMatch(/^Auto-Submitted: auto-generated/im);
    expect(received.headers).toMatch(/^Subject: =\?UTF-8\?/im);
  });

  it('a hook that throws keeps the marker back: the server discards the message, the error reaches the caller, the next message goes through', async () => {
    const peer = await startSmtpPeer();
    peers.push(peer);
    const transport = createSmtpTransport(peer.url, 1);
    const failure = new Error('the outbox could not record the end of data');
    const { events } = await watchWrites(async (hook) => {
      await expect(transport.send(mail(1), () => { throw failure; })).rejects.toBe(failure);
      await transport.send(mail(2), hook);
    });
    transport.close();
    expect(events).toEqual(['hook', 'marker']); // only the second message's
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(peer.accepted.map((m) => m.to)).toEqual(['p2@example.fr']);
  });

  it('a refused recipient rejects with its reply code before the end of data and keeps the connection (RSET)', async () => {
    let connections = 0;
    const peer = await startSmtpPeer({ onConnect: () => connections++, onRecipient: (a) => (a === 'p1@example.fr' ? 550 : a === 'p2@example.fr' ? 451 : undefined) });
    peers.push(peer);
    const transport = createSmtpTransport(peer.url, 1);
    let hooks = 0;
    await expect(transport.send(mail(1), () => hooks++)).rejects.toMatchObject({ responseCode: 550 });
    await expect(transport.send(mail(2), () => hooks++)).rejects.toMatchObject({ responseCode: 451 });
    await transport.send(mail(3), () => hooks++);
    transport.close();
    expect(hooks).toBe(1);
    expect(connections).toBe(1);
    expect(peer.accepted.map((m) => m.to)).toEqual(['p3@example.fr']);
  });

  it('a connection lost after the end of data rejects without a reply code, after the hook; the next message opens a new connection', async () => {
    let connections = 0;
    const peer = await startSmtpPeer({ onConnect: () => connections++, beforeAccept: (m) => (m.to === 'p1@example.fr' ? 'lose' : 'reply') });
    peers.push(peer);
    const transport = createSmtpTransport(peer.url, 1);
    let hooked = false;
    const error = await transport.send(mail(1), () => (hooked = true)).then(() => null, (e: unknown) => e as { responseCode?: number });
    expect(hooked).toBe(true);
    expect(error).not.toBeNull();
    expect(error!.responseCode).toBeUndefined();
    await transport.send(mail(2), () => {});
    transport.close();
    expect(connections).toBe(2);
    expect(peer.accepted.map((m) => m.to)).toEqual(['p2@example.fr']);
  });

  it('refuses URLs that are not smtp:// or smtps://', () => {
    expect(() => createSmtpTransport('http://relay.example', 1)).toThrow(/smtp:\/\//);
    expect(() => createSmtpTransport('not a url', 1)).toThrow(/--smtp expects/);
  });
});
