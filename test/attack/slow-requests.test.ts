// Red team, resources (docs/threat-model.md "denial of service"): bodies over the limit, headers over Node's limit,
// a slowloris dripping header lines, a body dripping a byte at a time, a connection that never says anything, and
// hundreds of idle connections. Each is cut within the server's own timeouts (app.ts: headersTimeout and
// requestTimeout 10 s, checked every second), and none stops the service for others. Over a real socket.

import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blindAll, buildTarget, httpCall, portOf, type Target } from './harness.js';

let target: Target;
let port: number;
let app: ReturnType<Target['app']>;
let body: string;

beforeAll(async () => {
  target = await buildTarget({ csv: 'NOM;NIR\nMARTIN;255081416802538\n' });
  app = target.app({ rateLimit: null });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = portOf(app);
  body = JSON.stringify({ keyId: target.key.keyId, blinded: blindAll(['nir:2550814168025']).blinded });
}, 120_000);

afterAll(async () => {
  await target?.close();
});

interface Closed {
  /** Milliseconds from connecting to the server closing the connection. */
  ms: number;
  response: string;
}

/** Opens a socket, lets `drive` write to it, and resolves when the server closes it (or after `limitMs`). */
function until(drive: (socket: Socket) => void, limitMs = 30_000): Promise<Closed> {
  return new Promise((resolve) => {
    const start = performance.now();
    let response = '';
    const socket = connect(port, '127.0.0.1', () => drive(socket));
    const timer = setTimeout(() => socket.destroy(), limitMs);
    socket.on('data', (d: Buffer) => (response += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - start, response });
    });
  });
}

/** Writes `text` one piece every `everyMs` for as long as the socket lives. */
function drip(socket: Socket, pieces: () => string, everyMs: number): void {
  const timer = setInterval(() => {
    if (socket.destroyed || !socket.writable) clearInterval(timer);
    else socket.write(pieces());
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}

describe('oversized requests', () => {
  it('answers a body over the limit with 413 without reading it all', async () => {
    const closed = await until((s) => {
      s.write(`POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n`);
      s.write('{"keyId":"'.padEnd(8192, 'a'));
    });
    expect(closed.response).toMatch(/^HTTP\/1\.1 413 /);
    expect(closed.response).toContain('E_PAYLOAD_TOO_LARGE');
    expect(closed.ms).toBeLessThan(5_000);
  });

  it('answers a chunked body that grows past the limit with 413', async () => {
    const closed = await until((s) => {
      s.write('POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
      for (let i = 0; i < 20; i++) s.write(`400\r\n${'a'.repeat(0x400)}\r\n`);
    });
    expect(closed.response).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('answers headers over 16 KiB with 431', async () => {
    const closed = await until((s) => s.write(`GET /v1/keys HTTP/1.1\r\nHost: x\r\nX-Junk: ${'a'.repeat(20_000)}\r\n\r\n`));
    expect(closed.response).toMatch(/^HTTP\/1\.1 431 /);
  });
});

describe('slow and idle connections', () => {
  it('has its timeouts set: 10 s for headers and for a whole request, 72 s of keep-alive', () => {
    expect(app.server.headersTimeout).toBe(10_000);
    expect(app.server.requestTimeout).toBe(10_000);
    expect(app.server.keepAliveTimeout).toBe(72_000);
  });

  it('cuts a slowloris, a dripping body and a silent connection within the timeouts, all at once', async () => {
    const bound = app.server.requestTimeout + 3_000; // the timeout, plus Node's periodic check, plus a loaded machine
    const [slowloris, slowBody, silent] = await Promise.all([
      until((s) => {
        s.write('GET /v1/keys HTTP/1.1\r\nHost: x\r\n');
        let n = 0;
        drip(s, () => `X-Drip-${n++}: a\r\n`, 500);
      }),
      until((s) => {
        s.write(`POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
        drip(s, () => ' ', 500);
      }),
      until(() => undefined),
    ]);
    for (const [name, closed] of Object.entries({ slowloris, slowBody, silent })) {
      expect(closed.ms, name).toBeLessThan(bound);
      expect(closed.ms, name).toBeGreaterThan(app.server.headersTimeout - 1_000);
    }
    expect(slowloris.response).toMatch(/^HTTP\/1\.1 408 /);
  }, 40_000);

  it('keeps answering others while 500 connections sit idle', async () => {
    const idle: Socket[] = [];
    try {
      await Promise.all(
        Array.from({ length: 500 }, () => new Promise<void>((resolve) => idle.push(connect(port, '127.0.0.1', () => resolve())))),
      );
      const start = performance.now();
      const keys = await httpCall({ port, path: '/v1/keys' });
      const evaluated = await httpCall({ port, method: 'POST', path: '/v1/evaluate', headers: { 'content-type': 'application/json' }, body });
      expect(keys.status).toBe(200);
      expect(evaluated.status).toBe(200);
      expect(performance.now() - start).toBeLessThan(5_000);
    } finally {
      for (const s of idle) s.destroy();
    }
  });
});
