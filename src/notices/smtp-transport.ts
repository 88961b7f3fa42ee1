// SMTP for `vigie notices send` (RFC 5321): a pool of nodemailer connections, each carrying one message at a time,
// with the one hook exactly-once delivery needs: `onEndOfData`, called synchronously right before the end-of-data
// marker <CRLF>.<CRLF> (RFC 5321 §4.1.1.4) is written to the socket, with nothing in between but the return.
//
// Why: a server that has not received the marker must discard the partial message (§4.1.1.4), so a message
// interrupted before it can be sent again without a duplicate; once the marker has left, a server may queue the
// message even if the client never reads the 250 (RFC 1047), so it must not be sent again. The outbox records the
// moment durably in `onEndOfData` (src/notices/outbox-state.ts), and the two system calls (the record's write to the
// store, the marker's write to the socket) follow each other directly: the connection's socket is wrapped so that
// the hook runs inside the very `write` call that carries the marker (tested in smtp-transport.test.ts). A first
// version ran the hook when the message stream ended, a few process.nextTick callbacks before the marker: a SIGKILL
// at random times still fell between the two about once in ten kills under load (test/attack/crash-notices).

import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { VigieError } from '../errors.js';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Record<string, string>;
}

/** What the sender needs of a transport (injectable in tests). */
export interface MailTransport {
  /**
   * Sends one message. Resolves on the server's 2yz reply; rejects with an error carrying `responseCode` when the
   * server refused it, without one when no reply came. `onEndOfData` is called at most once, synchronously, right
   * before the end-of-data marker is written; if it throws, the marker is not written and `send` rejects with that
   * error.
   */
  send(mail: OutgoingMail, onEndOfData: () => void): Promise<void>;
  close(): void;
}

type SmtpError = Error & { responseCode?: number; code?: string };

interface Endpoint {
  options: SMTPConnection.Options;
  auth: SMTPConnection.AuthenticationType | undefined;
}

/** The end-of-data marker as nodemailer's data stream writes it: <CRLF>.<CRLF>, or .<CRLF> after a final CRLF. */
function endsWithMarker(chunk: unknown): boolean {
  const bytes = Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : null;
  if (bytes === null || bytes.length < 3) return false;
  const n = bytes.length;
  // A dot-stuffed body line never is "\n.\r\n" (a line starting with a dot gets a second one, RFC 5321 §4.5.2).
  return bytes[n - 3] === 0x2e && bytes[n - 2] === 0x0d && bytes[n - 1] === 0x0a && (n === 3 || bytes[n - 4] === 0x0a);
}

/** One connection of the pool, opened on first use and again after it was lost. */
class Lane {
  private connection: SMTPConnection | null = null;
  private messages = 0;
  /** Set once the message stream has ended: run by the socket's `write` just before it writes the marker. */
  private armed: (() => void) | null = null;
  private hookError: unknown = null;

  constructor(private readonly endpoint: Endpoint) {}

  private open(): Promise<SMTPConnection> {
    return new Promise<SMTPConnection>((resolve, reject) => {
      const connection = new SMTPConnection(this.endpoint.options);
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        connection.close();
        reject(error);
      };
      // Errors during a transaction reach its send callback too; this listener keeps them from being thrown.
      connection.on('error', (error: Error) => fail(error));
      connection.once('end', () => {
        if (this.connection === connection) this.connection = null;
        fail(Object.assign(new Error('connection closed by the server'), { code: 'ECONNECTION' }));
      });
      connection.connect((error?: Error) => {
        if (error !== undefined && error !== null) return fail(error);
        const ready = (): void => {
          try {
            this.watch(connection);
          } catch (watchError) {
            return fail(watchError as Error);
          }
          settled = true;
          resolve(connection);
        };
        if (this.endpoint.auth === undefined) return ready();
        connection.login(this.endpoint.auth, (loginError) => (loginError !== null ? fail(loginError) : ready()));
      });
    });
  }

  /**
   * Wraps the connection's socket (nodemailer's `_socket`, final once connected: after STARTTLS it is the TLS
   * socket) so that the armed hook runs inside the `write` that carries the marker. If the hook throws, the socket is
   * destroyed instead: the marker never leaves and the server discards the message. A message larger than the
   * socket's buffers (the notices are about 5 KB; Node buffers 16 KB, the kernel more) would still have body bytes
   * queued in Node when the marker is written, and the marker would reach the kernel an I/O turn later.
   */
  private watch(connection: SMTPConnection): void {
    const socket = (connection as unknown as { _socket?: Socket })._socket;
    if (socket === undefined || typeof socket.write !== 'function') throw new Error('nodemailer internals changed: no socket to watch for the end of data');
    const write = socket.write;
    const watched = (chunk: unknown, ...rest: unknown[]): boolean => {
      const hook = this.armed;
      if (hook !== null && endsWithMarker(chunk)) {
        this.armed = null;
        try {
          hook();
        } catch (error) {
          this.hookError = error;
          socket.destroy();
          return false;
        }
      }
      return (write as (...args: unknown[]) => boolean).call(socket, chunk, ...rest);
    };
    socket.write = watched as typeof socket.write;
  }

  private drop(connection: SMTPConnection): void {
    if (this.connection === connection) this.connection = null;
    connection.close();
  }

  async send(envelope: { from: string; to: string[] }, raw: Buffer, onEndOfData: () => void): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const reused = this.connection !== null && this.messages > 0;
      let connection = this.connection;
      if (connection === null) {
        connection = this.connection = await this.open().catch((error: unknown) => {
          this.connection = null;
          throw error;
        });
        this.messages = 0;
      }
      let bodyRead = false;
      this.armed = null;
      this.hookError = null;
      const stream = new Readable({
        read: (): void => {
          if (!bodyRead) {
            bodyRead = true;
            stream.push(raw);
            return;
          }
          this.armed = onEndOfData; // the marker follows: the socket's write runs the hook just before it
          stream.push(null);
        },
      });
      try {
        await new Promise<void>((resolve, reject) => connection.send(envelope, stream, (error) => (error === null ? resolve() : reject(error))));
        this.messages++;
        return;
      } catch (error) {
        if (this.hookError !== null) {
          this.drop(connection);
          throw this.hookError;
        }
        const code = (error as SmtpError).responseCode;
        if (code !== undefined && code !== 421) {
          // The server refused this message and the session is sound: reset it (RSET) and keep the connection.
          await new Promise<void>((resolve) => connection.reset((resetError) => (resetError === null ? resolve() : (this.drop(connection), resolve()))));
        } else this.drop(connection);
        // A kept-alive connection the server closed while idle: nothing of the message was sent, try a fresh one once.
        if (code === undefined && reused && !bodyRead && attempt === 0) continue;
        throw error;
      } finally {
        this.armed = null;
      }
    }
  }

  close(): void {
    const connection = this.connection;
    this.connection = null;
    connection?.quit();
  }
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
  const endpoint: Endpoint = {
    options: {
      host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: parsed.port === '' ? (secure ? 465 : 587) : Number(parsed.port),
      secure,
      requireTLS: parsed.searchParams.get('tls') === 'required',
      logger: false,
    },
    auth: parsed.username === '' ? undefined : { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) },
  };
  const lanes: Lane[] = [];
  const idle: Lane[] = [];
  const waiting: ((lane: Lane) => void)[] = [];
  const acquire = (): Promise<Lane> => {
    const lane = idle.pop();
    if (lane !== undefined) return Promise.resolve(lane);
    if (lanes.length < maxConnections) {
      const fresh = new Lane(endpoint);
      lanes.push(fresh);
      return Promise.resolve(fresh);
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (lane: Lane): void => {
    const next = waiting.shift();
    if (next !== undefined) next(lane);
    else idle.push(lane);
  };
  return {
    async send(mail, onEndOfData) {
      const node = new MailComposer({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        headers: mail.headers,
      }).compile();
      const envelope = node.getEnvelope();
      const raw = await node.build();
      const lane = await acquire();
      try {
        await lane.send({ from: envelope.from === false ? '' : envelope.from, to: envelope.to }, raw, onEndOfData);
      } finally {
        release(lane);
      }
    },
    close() {
      for (const lane of lanes) lane.close();
    },
  };
}
