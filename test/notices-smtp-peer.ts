// A real SMTP server on loopback (smtp-server) as the peer of `vigie notices send` in tests and the e-mail benchmark:
// it records the messages it kept, and can fail recipients or act at chosen moments. Like a real MTA it keeps a
// message once its end of data has arrived, whether or not the client is still there to read the 250 (RFC 1047),
// and discards a message whose end of data never came (RFC 5321 §4.1.1.4).

import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMessage {
  to: string;
  messageId: string;
  headers: string;
  /** The whole message, quoted-printable soft breaks removed and =XX decoded. */
  body: string;
}

export interface SmtpPeerOptions {
  /** Reply to RCPT TO: undefined accepts; a code (451, 550) refuses with it. */
  onRecipient?: (address: string) => number | undefined;
  /**
   * Called when a message's end of data has arrived, before the reply: 'reply' (the default) keeps it and answers
   * 250; 'keep' keeps it and never answers (the client is gone: a crash); 'lose' neither keeps nor answers and drops
   * the connection (a relay that failed before queueing the message).
   */
  beforeAccept?: (message: ReceivedMessage) => 'reply' | 'keep' | 'lose';
  /** Called right after the 250 reply was written. */
  afterAccept?: (message: ReceivedMessage) => void;
  /** Keep bodies (tests) or only count (benchmark). */
  keepBodies?: boolean;
  /** Called when a client connects. */
  onConnect?: () => void;
}

export interface SmtpPeer {
  url: string;
  accepted: ReceivedMessage[];
  count: number;
  /** Messages whose data began but whose end of data never came (the client went away): discarded. */
  partial: number;
  close(): Promise<void>;
}

function decodeQuotedPrintable(text: string): string {
  const bytes = Buffer.from(text.replace(/=\r?\n/g, ''), 'latin1');
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x3d && /^[0-9A-F]{2}$/.test(bytes.subarray(i + 1, i + 3).toString('latin1'))) {
      out.push(parseInt(bytes.subarray(i + 1, i + 3).toString('latin1'), 16));
      i += 2;
    } else out.push(bytes[i]!);
  }
  return Buffer.from(out).toString('utf8');
}

export async function startSmtpPeer(options: SmtpPeerOptions = {}): Promise<SmtpPeer> {
  const accepted: ReceivedMessage[] = [];
  let count = 0;
  let partial = 0;
  const open = new Set<unknown>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    maxClients: 100,
    onConnect(_session, callback) {
      options.onConnect?.();
      callback();
    },
    onRcptTo(address, _session: SMTPServerSession, callback) {
      const code = options.onRecipient?.(address.address);
      if (code === undefined) return callback();
      const error = new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later') as Error & { responseCode: number };
      error.responseCode = code;
      return callback(error);
    },
    onClose(session) {
      if (open.delete(session)) partial++;
    },
    onData(stream, session, callback) {
      open.add(session);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        open.delete(session);
        const raw = Buffer.concat(chunks).toString('latin1');
        const headerEnd = raw.indexOf('\r\n\r\n');
        const headers = raw.slice(0, headerEnd);
        const message: ReceivedMessage = {
          to: session.envelope.rcptTo.map((r) => r.address).join(','),
          messageId: /^Message-ID:\s*(\S+)/im.exec(headers)?.[1] ?? '',
          headers,
          body: options.keepBodies === false ? '' : decodeQuotedPrintable(raw),
        };
        const action = options.beforeAccept?.(message) ?? 'reply';
        if (action === 'lose') {
          const connections = (server as unknown as { connections: Set<{ session: unknown; _socket: { destroy(): void } }> }).connections;
          for (const c of connections) if (c.session === session) c._socket.destroy();
          return;
        }
        count++;
        if (options.keepBodies !== false) accepted.push(message);
        if (action === 'keep') return; // no reply: the client is gone
        callback();
        options.afterAccept?.(message);
      });
    },
  });
  // A client killed mid-transaction resets its connection: expected here, not a test failure.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    get count() {
      return count;
    },
    get partial() {
      return partial;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
