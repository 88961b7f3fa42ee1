// The Redis token bucket against a real Redis: the in-memory store's semantics step by step, one budget for two
// replicas under concurrent takes, pseudonymous expiring keys, NOSCRIPT, and outages (a throwaway redis-server
// killed, paused, started again): closed refuses and recovers by itself, open limits locally, one log line each.

import { createHash, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { missingRedisServer, missingSharedRedis, SHARED_REDIS_URL, servicesPresent, startThrowawayRedis, waitFor, type ThrowawayRedis } from '../../../test/deploy/services.js';
import { createMemoryRateLimitStore } from './memory-store.js';
import { createRedisRateLimits, TAKE_SCRIPT, UNAVAILABLE_RETRY_AFTER_SECONDS, type RedisRateLimits, type RedisRateLimitsOptions } from './redis-store.js';

const run = servicesPresent('Redis rate-limit store tests', [...(await missingSharedRedis()), ...missingRedisServer()]);

/** Every test's keys live under one random prefix, deleted at the end: the shared Redis is never flushed. */
const PREFIX = `vigie-test:${randomBytes(6).toString('hex')}:`;
const SECRET = randomBytes(32);
const opened: RedisRateLimits[] = [];
const throwaways: ThrowawayRedis[] = [];
let admin: Redis | null = null;

/** A connected client (commands fail at once until then: no offline queue). */
async function limits(options: Partial<RedisRateLimitsOptions> = {}): Promise<RedisRateLimits> {
  const made = createRedisRateLimits({ url: SHARED_REDIS_URL, secret: SECRET, prefix: PREFIX, ...options });
  opened.push(made);
  if (!(await made.ready(5000))) throw new Error('Redis did not answer within 5 s');
  return made;
}

function adminClient(): Redis {
  admin ??= new Redis(SHARED_REDIS_URL, { lazyConnect: false });
  return admin;
}

async function ourKeys(): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await adminClient().scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

class Lines extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString().split('\n')) if (line !== '') this.lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  }
  messages(): string[] {
    return this.lines.map((l) => String(l['msg']));
  }
}

afterAll(async () => {
  for (const l of opened) await l.close();
  for (const t of throwaways) await t.kill();
  if (admin !== null) {
    const keys = await ourKeys();
    if (keys.length > 0) await admin.del(...keys);
    admin.disconnect();
  }
});

describe.skipIf(!run)('Redis token bucket', () => {
  it('answers exactly as the in-memory store, step by step (same burst, refill and Retry-After)', async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 8, max: 40 }),
        fc.constantFrom(0.1, 0.5, 1, 2, 7.5),
        fc.array(fc.record({ advanceMs: fc.integer({ min: 0, max: 5000 }), key: fc.constantFrom('a', 'b'), cost: fc.integer({ min: 0, max: 12 }) }), {
          minLength: 1,
          maxLength: 30,
        }),
        async (burst, refillPerSecond, steps) => {
          let t = 1_700_000_000_000; // ms; the Redis script is given the same instant in microseconds
          const memory = createMemoryRateLimitStore({ burst, refillPerSecond, now: () => t });
          const redis = (await limits({ nowMicros: () => t * 1000 })).store(`prop${round++}`, { burst, refillPerSecond });
          for (const step of steps) {
            t += step.advanceMs;
            expect(await redis.take(step.key, step.cost)).toEqual(memory.take(step.key, step.cost));
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('keeps one budget for two replicas taking at the same time (the script is atomic)', async () => {
    const limit = { burst: 25, refillPerSecond: 0.001 };
    const a = (await limits()).store('shared', limit);
    const b = (await limits()).store('shared', limit);
    const verdicts = await Promise.all(Array.from({ length: 120 }, (_, i) => (i % 2 === 0 ? a : b).take('4:198.51.100.7', 1)));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(25);
    const refused = verdicts.find((v) => !v.allowed)!;
    // One token per 1000 s: Retry-After says so, in whole seconds.
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 1000 });
    // Another address, and the notice budget of the same address, are budgets of their own.
    expect((await a.take('4:198.51.100.8', 25)).allowed).toBe(true);
    expect((await (await limits()).store('notice', limit).take('4:198.51.100.7', 1)).allowed).toBe(true);
  });

  it('takes its time from Redis, not from the replica', async () => {
    const store = (await limits()).store('clock', { burst: 10, refillPerSecond: 1 });
    await store.take('4:198.51.100.9', 3);
    const [key] = (await ourKeys()).filter((k) => k.startsWith(`${PREFIX}clock:`));
    const [seconds, micros] = await adminClient().time();
    const stored = Number(await adminClient().hget(key!, 'us'));
    expect(Math.abs(Number(seconds) * 1e6 + Number(micros) - stored)).toBeLessThan(5e6);
  });

  it('names keys by an HMAC of the address (never the address), and lets them expire once the bucket is full', async () => {
    const l = await limits();
    const store = l.store('names', { burst: 10, refillPerSecond: 2 });
    for (const address of ['4:203.0.113.77', '6:20010db8aaaabbbb/64']) {
      await store.take(address, 4);
      const key = l.keyOf('names', address);
      expect(key).toMatch(new RegExp(`^${PREFIX}names:[A-Za-z0-9_-]{22}$`));
      expect(key).not.toContain('203.0.113');
      expect(key).not.toContain('20010db8');
      // 4 tokens short, refilled at 2 per second: full again after 2 s (plus a second of slack).
      const ttl = await adminClient().pttl(key);
      expect(ttl).toBeGreaterThan(2000);
      expect(ttl).toBeLessThanOrEqual(3000);
    }
    const keys = (await ourKeys()).filter((k) => k.startsWith(`${PREFIX}names:`));
    expect(keys).toHaveLength(2);
    // Another deployment's secret gives other names: the names cannot be computed without the key file.
    const other = createRedisRateLimits({ url: SHARED_REDIS_URL, secret: randomBytes(32), prefix: PREFIX });
    opened.push(other);
    expect(other.keyOf('names', '4:203.0.113.77')).not.toBe(l.keyOf('names', '4:203.0.113.77'));
    // A bucket refilled to the brim is deleted rather than kept.
    const full = l.store('names-full', { burst: 10, refillPerSecond: 1000 });
    await full.take('4:203.0.113.78', 1);
    await new Promise((r) => setTimeout(r, 20));
    await full.take('4:203.0.113.78', 0);
    expect(await adminClient().exists(l.keyOf('names-full', '4:203.0.113.78'))).toBe(0);
  });
});

describe.skipIf(!run)('Redis outages', () => {
  it('sends the script again after NOSCRIPT (a restarted or flushed Redis)', async () => {
    const server = await startThrowawayRedis();
    throwaways.push(server);
    const l = await limits({ url: server.url });
    const store = l.store('noscript', { burst: 10, refillPerSecond: 1 });
    expect((await store.take('k', 1)).allowed).toBe(true);
    const direct = new Redis(server.url);
    try {
      await direct.script('FLUSH');
      expect((await store.take('k', 1)).allowed).toBe(true);
      expect((await store.take('k', 9)).allowed).toBe(false); // the bucket survived the flush: 8 tokens left
      const [loaded] = (await direct.script('EXISTS', createHash('sha1').update(TAKE_SCRIPT).digest('hex'))) as number[];
      expect(loaded).toBe(1);
    } finally {
      direct.disconnect();
    }
  });

  it('fails closed when Redis dies (503 material, at once), logs it once, and recovers by itself', async () => {
    const server = await startThrowawayRedis();
    throwaways.push(server);
    const log = new Lines();
    const l = await limits({ url: server.url, logger: pino(log) });
    const store = l.store('outage', { burst: 100, refillPerSecond: 1 });
    expect(await store.take('k', 1)).toEqual({ allowed: true, retryAfterSeconds: 0 });
    expect(store.status?.()).toBe('up');

    await server.kill();
    for (let i = 0; i < 20; i++) {
      const start = performance.now();
      expect(await store.take('k', 1)).toEqual({ allowed: false, retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS, storeFailure: 'closed' });
      expect(performance.now() - start).toBeLessThan(1500);
    }
    expect(store.status?.()).toBe('down');
    const down = log.lines.filter((l) => l['msg'] === 'rate-limit store unreachable: rate-limited requests are refused (503) until it is back');
    expect(down).toHaveLength(1);
    expect(down[0]).toMatchObject({ level: 50, failure: 'closed' });

    await server.start();
    await waitFor('the store to recover', async () => (await store.take('k', 1)).storeFailure === undefined, 15_000);
    expect(store.status?.()).toBe('up');
    expect(log.messages().filter((m) => m === 'rate-limit store reachable again')).toHaveLength(1);
    expect(log.messages().filter((m) => m.startsWith('rate-limit store unreachable'))).toHaveLength(1);
    // Nothing logged holds the URL or an address.
    expect(JSON.stringify(log.lines)).not.toContain(String(server.port));
  });

  it('does not hang on a Redis that accepts but never answers: the failure policy answers after the timeout', async () => {
    const server = await startThrowawayRedis();
    throwaways.push(server);
    const l = await limits({ url: server.url, timeoutMs: 300 });
    const store = l.store('paused', { burst: 10, refillPerSecond: 1 });
    expect((await store.take('k', 1)).allowed).toBe(true);
    server.pause();
    try {
      const start = performance.now();
      expect(await store.take('k', 1)).toMatchObject({ allowed: false, storeFailure: 'closed' });
      const waited = performance.now() - start;
      expect(waited).toBeGreaterThanOrEqual(290);
      expect(waited).toBeLessThan(2000);
    } finally {
      server.resume();
    }
    await waitFor('the store to answer again', async () => (await store.take('k', 1)).storeFailure === undefined, 15_000);
  });

  it('fails open on request: this replica limits with its own bucket while Redis is away', async () => {
    const server = await startThrowawayRedis();
    throwaways.push(server);
    const l = await limits({ url: server.url, failure: 'open', logger: pino(new Lines()) });
    const store = l.store('open', { burst: 8, refillPerSecond: 0.01 });
    await server.kill();
    const verdicts = [];
    for (let i = 0; i < 10; i++) verdicts.push(await store.take('k', 1));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(8);
    expect(verdicts.every((v) => v.storeFailure === 'open')).toBe(true);
    expect(verdicts.at(-1)).toEqual({ allowed: false, retryAfterSeconds: 100, storeFailure: 'open' });
  });
});
