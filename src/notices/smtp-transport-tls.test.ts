// The end-of-data hook through TLS: implicit (smtps://) and STARTTLS (smtp://...?tls=required). After STARTTLS the
// connection writes through a TLS socket that nodemailer creates during the handshake; the transport must watch that
// one, or the record would never be made. smtp-server's built-in certificate is self-signed, so this file (its own
// process: vitest runs each file in a fork) turns certificate verification off; nothing else runs here.

import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { expect, it } from 'vitest';
import { createSmtpTransport } from './smtp-transport.js';

process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';

for (const secure of [true, false]) {
  it(`${secure ? 'implicit TLS' : 'STARTTLS'}: one hook per message, every message kept once`, async () => {
    const kept: string[] = [];
    let tls = false;
    const server = new SMTPServer({
      secure,
      authOptional: true,
      logger: false,
      onData(stream, session, callback) {
        tls = session.secure;
        stream.on('data', () => {});
        stream.on('end', () => {
          kept.push(session.envelope.rcptTo.map((r) => r.address).join(','));
          callback();
        });
      },
    });
    server.on('error', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.server.address() as AddressInfo).port;
    const transport = createSmtpTransport(secure ? `smtps://127.0.0.1:${port}` : `smtp://127.0.0.1:${port}?tls=required`, 2);
    let hooks = 0;
    const mail = (i: number) => ({ from: 'n@labo.example', to: `p${i}@example.fr`, subject: 'Avis', text: 'x', html: '<p>x</p>', messageId: `<${i}@labo.example>`, headers: {} });
    await Promise.all([1, 2, 3, 4].map((i) => transport.send(mail(i), () => hooks++)));
    transport.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(tls).toBe(true);
    expect(hooks).toBe(4);
    expect(kept.sort()).toEqual(['p1@example.fr', 'p2@example.fr', 'p3@example.fr', 'p4@example.fr']);
  });
}
