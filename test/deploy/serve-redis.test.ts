// `vigie serve` wired to Redis, in one process and without nginx: the configuration, two budgets under distinct
// key prefixes, 503 E_RATE_LIMIT_UNAVAILABLE with Retry-After while Redis is away (and the open policy), the
// failure counter and /healthz; and a stop that ends kept-alive connections instead of waiting for the client.

import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/cli/serve.js';
import { readConfig } from '../../src/config.js';
import { b64uEncode } from '../../src/crypto/encoding.js';
import { bucketHexOf } from '../../src/lookup/client.js';
import { createServerLogger } from '../../src/server/logging.js';
import { createRedisRateLimits } from '../../src/server/rate-limit/redis-store.js';
import { createFixture, type Fixture } from '../../src/server/test-fixture.js';
import { evaluateBody } from './cluster.js';
import { missingRedisServer, servicesPresent, startThrowawayRedis, waitFor, type ThrowawayRedis } from './services.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

describe('Redis settings', () => {
  it('reads VIGIE_REDIS_URL and VIGIE_REDIS_FAILURE, closed by default', () => {
    expect(readConfig({})).toMatchObject({ redisUrl: null, redisFailure: 'closed' });
    expect(readConfig({ VIGIE_REDIS_URL: 'rediss://vigie:pw@10.0.0.21:6380/2', VIGIE_REDIS_FAILURE: 'OPEN' })).toMatchObject({
      redisUrl: 'rediss://vigie:pw@10.0.0.21:6380/2',
      redisFailure: 'open',
    });
  });

  it.each(['http://10.0.0.21', 'redis://', 'localhost:6379', 'redis//x'])('refuses VIGIE_REDIS_URL=%s without echoing it', (value) => {
    const withSecret = value.replace('10.0.0.21', 's3cret@10.0.0.21');
    expect(() => readConfig({ VIGIE_REDIS_URL: withSecret })).toThrow(/VIGIE_REDIS_URL/);
    try {
      readConfig({ VIGIE_REDIS_URL: withSecret });
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cret');
    }
  });

  it('refuses a failure policy other than closed or open', () => {
    expect(() => readConfig({ VIGIE_REDIS_FAILURE: 'fail-open' })).toThrow(/VIGIE_REDIS_FAILURE/);
  });
});

const run = servicesPresent('vigie serve with Redis', missingRedisServer());

describe.skipIf(!run)('vigie serve with Redis', () => {
  let f: Fixture;
  let redis: ThrowawayRedis;
  const running: RunningServer[] = [];
  const log = new Sink();

  beforeAll(async () => {
    f = await createFixture();
    redis = await startThrowawayRedis();
  });
  afterAll(async () => {
    for (const r of running) await r.close();
    await redis?.kill();
    f?.cleanup();
  });

  async function start(extra: Record<string, string>): Promise<RunningServer> {
    const config = readConfig({
      VIGIE_DB: join(f.dir, 'vigie.db'),
      VIGIE_KEY_FILE: join(f.dir, 'vigie.key'),
      VIGIE_PORT: '0',
      VIGIE_PORTAL_DIR: 'off',
      VIGIE_REDIS_URL: redis.url,
      ...extra,
    });
    const server = await startServer(config, createServerLogger({ stream: log }).logger);
    running.push(server);
    return server;
  }

  const evaluate = (server: RunningServer, elements: number) =>
    fetch(`${server.url}/v1/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: evaluateBody(f.key.keyId, elements) });
  const notice = (server: RunningServer) => fetch(`${server.url}/v1/notices/${b64uEncode(randomBytes(16))}`);

  it('keeps the evaluation and notice budgets apart, in Redis under their own prefixes', async () => {
    const server = await start({ VIGIE_RATE_LIMIT: '8/0.01', VIGIE_NOTICE_RATE_LIMIT: '3/0.01' });
    expect((await evaluate(server, 8)).status).toBe(200);
    const refused = await evaluate(server, 1);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('100');
    for (let i = 0; i < 3; i++) expect((await notice(server)).status).toBe(404);
    expect((await notice(server)).status).toBe(429);
    // The names those budgets have in Redis: derived from this key file, never the address.
    const names = createRedisRateLimits({ url: redis.url, secret: f.key.secretKey });
    const direct = new Redis(redis.url);
    try {
      expect(await direct.exists(names.keyOf('evaluate', '4:127.0.0.1'))).toBe(1);
      expect(await direct.exists(names.keyOf('notice', '4:127.0.0.1'))).toBe(1);
      expect((await direct.keys('*127.0.0.1*')).length).toBe(0);
    } finally {
      direct.disconnect();
      await names.close();
    }
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok', index: true, rateLimit: 'up' });
  });

  it('answers 503 E_RATE_LIMIT_UNAVAILABLE with Retry-After while Redis is away, counts it, and recovers', async () => {
    const direct = new Redis(redis.url);
    await direct.flushall(); // this test's own Redis: the budgets spent above start afresh
    direct.disconnect();
    const closed = await start({ VIGIE_RATE_LIMIT: '100/1' });
    const open = await start({ VIGIE_RATE_LIMIT: '100/1', VIGIE_REDIS_FAILURE: 'open' });
    expect((await evaluate(closed, 1)).status).toBe(200);
    await redis.kill();
    try {
      const refused = await evaluate(closed, 1);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(await refused.json()).toMatchObject({ error: { code: 'E_RATE_LIMIT_UNAVAILABLE' } });
      expect((await notice(closed)).status).toBe(503);
      // The open policy goes on with this process's own buckets.
      expect((await evaluate(open, 1)).status).toBe(200);
      expect(await (await fetch(`${closed.url}/healthz`)).json()).toMatchObject({ rateLimit: 'down' });
      const metrics = await (await fetch(`${closed.url}/metrics`)).text();
      expect(metrics).toMatch(/^vigie_rate_limit_store_failures_total\{route="\/v1\/evaluate"\} 1$/m);
      expect(metrics).toMatch(/^vigie_rate_limit_store_failures_total\{route="\/v1\/notices\/:noticeId"\} 1$/m);
      expect(metrics).not.toMatch(/^vigie_rate_limited_total\{route="\/v1\/evaluate"\}/m);
    } finally {
      await redis.start();
    }
    await waitFor('evaluations again', async () => (await evaluate(closed, 1)).status === 200, 15_000);
    expect(log.text).not.toContain(redis.url);
  });

  it('stops while a client keeps its connection busy: kept-alive connections are told to close', async () => {
    const server = await start({ VIGIE_RATE_LIMIT: 'off' });
    const hex = await bucketHexOf(f.members[0]!, f.manifest.bucketBits);
    const bucketUrl = new URL(`${server.url}/v1/indexes/${f.manifest.indexId}/buckets/${hex}`);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<string | undefined>((resolve) => {
        const req = request(bucketUrl, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.headers.connection));
        });
        req.on('error', () => resolve('error'));
        req.end();
      });
    expect(await get()).toBe('keep-alive');
    // A request in flight when the stop begins (its body still coming), so its connection is not idle...
    const body = evaluateBody(f.key.keyId, 1);
    const inFlight = new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/v1/evaluate`, { agent, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 300);
    });
    await new Promise((r) => setTimeout(r, 100));
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    // ...is answered, and the same connection then carries bucket GETs (the fast path ahead of Fastify) back to back.
    expect(await inFlight).toBe(200);
    const answers: (string | undefined)[] = [];
    const deadline = Date.now() + 5000;
    while (!closed && Date.now() < deadline) answers.push(await get());
    agent.destroy(); // past the deadline, this is what lets a server that ignores the stop close at last
    await closing;
    // Told to close, the connection ends and the server stops; it would otherwise serve this client forever.
    expect(Date.now()).toBeLessThan(deadline);
    expect(answers.includes('close') || answers.includes('error')).toBe(true);
  });
});
