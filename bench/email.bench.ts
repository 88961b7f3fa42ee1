// E-mail benchmark (issue 5): notice e-mails per second from the outbox to an SMTP server on loopback (smtp-server,
// in a child process so that it does not share the sender's event loop) over pooled connections; and bare nodemailer
// sending the same messages on the same kind of pool, for comparison.
//
//   npm run bench:email -- [--messages 5000] [--connections 5]

import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { exampleControllerConfig } from '../src/controller/example.js';
import { SqliteStore } from '../src/index/sqlite-store.js';
import { composeEmail } from '../src/notices/email.js';
import { Outbox, type OutboxMessage } from '../src/notices/outbox.js';
import { createSmtpTransport, sendNotices } from '../src/notices/send.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '5000' },
    connections: { type: 'string', default: '5' },
    sink: { type: 'boolean', default: false },
  },
});

if (values.sink) {
  // The peer: accept everything, count, discard.
  const { SMTPServer } = await import('smtp-server');
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    maxClients: 200,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        count++;
        callback();
      });
    },
  });
  server.on('error', () => {});
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.server.address() as { port: number }).port }));
  process.on('message', () => process.send!({ count }));
} else {
  const total = Number(values.messages);
  const connections = Number(values.connections);
  const sink: ChildProcess = fork(fileURLToPath(import.meta.url), ['--sink'], { stdio: 'inherit' });
  const port = await new Promise<number>((resolve) => sink.once('message', (m: { port: number }) => resolve(m.port)));
  const url = `smtp://127.0.0.1:${port}`;
  const received = (): Promise<number> =>
    new Promise((resolve) => {
      sink.once('message', (m: { count: number }) => resolve(m.count));
      sink.send('count');
    });

  const dir = join(tmpdir(), `vigie-bench-email-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const config = exampleControllerConfig();
  const secretKey = randomBytes(32);
  const store = new SqliteStore(join(dir, 'vigie.db'));
  const messages: OutboxMessage[] = Array.from({ length: total }, (_, i) => ({
    to: `person${i}@example.fr`,
    lang: 'fr',
    persons: [{ label: `Prénom${i} N.`, reference: `LABEX-BNCH-${String(i).padStart(6, '0')}`, code: 'ABCD-EFGH-JKMN-PQRS' }],
  }));
  const outbox = new Outbox(store.db, secretKey);
  store.db.transaction(() => outbox.replace('bench', messages, 'labo.example'))();
  console.log(`${total} messages, ${connections} pooled connections, SMTP sink in a child process on loopback; Node ${process.version}`);

  // Bare nodemailer: its own pooled transport, the same composed messages, no outbox, no end-of-data record.
  const bare = nodemailer.createTransport({ pool: true, maxConnections: connections, maxMessages: Number.POSITIVE_INFINITY, host: '127.0.0.1', port });
  let start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < total) {
        const message = messages[next++]!;
        const mail = composeEmail(message, config);
        await bare.sendMail({ from: 'n@labo.example', to: message.to, subject: mail.subject, text: mail.text, html: mail.html, messageId: `<${next}@b>`, headers: {} });
      }
    }),
  );
  const bareRate = total / ((performance.now() - start) / 1000);
  bare.close();
  console.log(`bare nodemailer pool:          ${Math.round(bareRate)} messages/s`);

  const before = await received();
  const transport = createSmtpTransport(url, connections);
  start = performance.now();
  const summary = await sendNotices({ store, secretKey, breachId: 'bench', config, transport, from: 'n@labo.example', concurrency: connections });
  const seconds = (performance.now() - start) / 1000;
  transport.close();
  const after = await received();
  console.log(`vigie notices send (outbox):   ${Math.round(summary.sentNow / seconds)} messages/s (${summary.sentNow} sent, sink received ${after - before}; goal >= 200/s)`);
  console.log(`ratio to bare nodemailer:      ${(summary.sentNow / seconds / bareRate).toFixed(2)}`);
  store.close();
  sink.kill();
  rmSync(dir, { recursive: true, force: true });
}
