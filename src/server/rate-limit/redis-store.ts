// Token buckets in Redis, one budget shared by every `vigie serve` replica (issue 7). The semantics are those of
// memory-store.ts (burst, refill, Retry-After); each take is one atomic Lua script, timed by Redis itself, so that
// replicas whose clocks disagree still spend the same budget. When Redis cannot be reached, a failure policy answers.

import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RateLimitConfig, RedisFailurePolicy } from '../../config.js';
import { createMemoryRateLimitStore } from './memory-store.js';
import type { RateLimitResult, RateLimitStore } from './index.js';

/**
 * One take, atomically (Redis runs a script to its end before any other command: no two replicas can both spend
 * the last token). KEYS[1] the bucket; ARGV burst, refill per second, cost, and, in tests only, the time in
 * microseconds. The bucket is a hash {tokens, us}; it expires once it would be full again, when it is
 * indistinguishable from a new one (plus a second of slack: expiring late changes nothing, the refill is capped).
 * Returns {allowed 0|1, retry-after seconds}, computed exactly as memory-store.ts does.
 */
export const TAKE_SCRIPT = `
local burst = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now
if ARGV[4] then
  now = tonumber(ARGV[4])
else
  -- Redis before 5 replicates scripts verbatim and refuses a write after TIME; effects replication allows it.
  if redis.replicate_commands then redis.replicate_commands() end
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local held = redis.call('HMGET', KEYS[1], 'tokens', 'us')
local tokens = burst
if held[1] and held[2] then
  local elapsed = math.max(0, now - tonumber(held[2])) / 1000000
  tokens = math.min(burst, tonumber(held[1]) + elapsed * refill)
end
local allowed = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
end
if tokens >= burst then
  redis.call('DEL', KEYS[1])
else
  -- Numbers are written with every digit: Redis would otherwise format them with 14 significant digits.
  redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'us', string.format('%.0f', now))
  redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / refill * 1000) + 1000)
end
local retry = 0
if allowed == 0 then retry = math.max(1, math.ceil((math.min(cost, burst) - tokens) / refill)) end
return {allowed, retry}
`;

const TAKE_SHA1 = createHash('sha1').update(TAKE_SCRIPT).digest('hex');

/** Retry-After of a refusal while Redis is unreachable: about the time a reconnection takes (see retryStrategy). */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

export interface RedisRateLimitsOptions {
  /** redis:// or rediss:// URL (VIGIE_REDIS_URL); it may hold a password, so it is never logged. */
  url: string;
  /** "closed" (default) refuses with 503 while Redis is unreachable; "open" limits with this process's own buckets. */
  failure?: RedisFailurePolicy;
  /** The secret the key names are derived from: the OPRF secret key, which every replica holds and Redis does not. */
  secret: Uint8Array;
  /** Prefix of every key (default "vigie:rl:"); each store adds its own name. */
  prefix?: string;
  /** Outages and recoveries, one line each; never an address. */
  logger?: Logger;
  /** Milliseconds a take waits for Redis before the failure policy answers (default 1000). */
  timeoutMs?: number;
  /** Tests only: a microsecond clock in place of Redis TIME, to compare with the in-memory store step by step. */
  nowMicros?: () => number;
}

export interface RedisRateLimits {
  /** A store with a budget of its own: its keys are `<prefix><name>:<pseudonym of the address>`. */
  store(name: string, limit: RateLimitConfig): RateLimitStore;
  /** Whether Redis answered last time (no round trip). */
  status(): 'up' | 'down';
  /** Resolves true once connected, false if `ms` pass first. */
  ready(ms: number): Promise<boolean>;
  /** The Redis key a store of `name` uses for a rate-limit key (tests: no address may appear in it). */
  keyOf(name: string, rateLimitKey: string): string;
  close(): Promise<void>;
}

/** A promise that rejects after `ms`, but only once replies already received have been read. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // The timer phase of the event loop runs before the I/O phase: after a pause of the whole process (a loaded
    // machine), a plain timer would fire although the answer is waiting in the socket. setImmediate runs after
    // the I/O phase, so an answer that has arrived wins.
    const timer = setTimeout(() => setImmediate(() => reject(new Error(`no answer from Redis within ${ms} ms`))), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** What to log of a failure: a socket code, the first word of a Redis error, or the error's type; never a URL. */
function reasonOf(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof e.code === 'string') return e.code;
  if (e.name === 'ReplyError' && typeof e.message === 'string') return e.message.split(' ')[0] ?? 'ReplyError';
  if (typeof e.message === 'string' && e.message.startsWith('no answer from Redis')) return 'timeout';
  return typeof e.name === 'string' ? e.name : 'error';
}

export function createRedisRateLimits(options: RedisRateLimitsOptions): RedisRateLimits {
  const failure = options.failure ?? 'closed';
  const prefix = options.prefix ?? 'vigie:rl:';
  const timeoutMs = options.timeoutMs ?? 1000;
  const { logger, nowMicros } = options;
  // A client address is personal data (GDPR art. 4(1); CJEU C-582/14 Breyer), and Redis, its snapshots and its
  // MONITOR output would be one more place holding it. A bare SHA-256 would not help: the IPv4 space (2^32) and
  // the /64s in use are hashed exhaustively in minutes. So a key name is an HMAC-SHA256 of the address under a
  // key derived (HKDF, RFC 5869, an info string of its own) from the OPRF secret key: every replica already holds
  // it, Redis never does, so names are pseudonyms in the sense of GDPR art. 4(5) and cannot be reversed from a
  // Redis dump. They are stable while the key is, as one budget needs; a key rotation starts every budget afresh
  // (one extra burst per address at most). Buckets expire once full again (art. 5(1)(e), storage limitation).
  const nameKey = Buffer.from(hkdfSync('sha256', options.secret, new Uint8Array(0), 'vigie/v1/rate-limit-key-names', 32));
  const keyOf = (name: string, rateLimitKey: string): string =>
    `${prefix}${name}:${createHmac('sha256', nameKey).update(rateLimitKey).digest('base64url').slice(0, 22)}`;

  const client = new Redis(options.url, {
    // Never queue a request behind an outage: while disconnected a command fails at once and the policy answers.
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    // A Redis that accepts but never answers (paused, overloaded) has its connection dropped and made again.
    socketTimeout: Math.max(3000, timeoutMs * 3),
    // Reconnect forever, at most 2 s apart, so that the service recovers by itself when Redis is back.
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
    connectionName: 'vigie-rate-limit',
  });

  let closed = false;
  let downSince: number | null = null;
  function markDown(error: unknown): void {
    if (closed || downSince !== null) return;
    downSince = Date.now();
    // Once per outage, whatever the number of refused requests.
    logger?.error(
      { rateLimitStore: 'redis', failure, reason: reasonOf(error) },
      failure === 'closed'
        ? 'rate-limit store unreachable: rate-limited requests are refused (503) until it is back'
        : 'rate-limit store unreachable: each replica limits with its own buckets until it is back',
    );
  }
  function markUp(): void {
    if (downSince === null) return;
    logger?.info({ rateLimitStore: 'redis', downSeconds: Math.round((Date.now() - downSince) / 100) / 10 }, 'rate-limit store reachable again');
    downSince = null;
  }
  // Without an 'error' listener ioredis prints every failed reconnection to the console.
  client.on('error', markDown);
  client.on('ready', markUp);
  const status = (): 'up' | 'down' => (downSince === null && client.status === 'ready' ? 'up' : 'down');

  async function run(key: string, args: (string | number)[]): Promise<[number, number]> {
    try {
      return (await client.evalsha(TAKE_SHA1, 1, key, ...args)) as [number, number];
    } catch (error) {
      // NOSCRIPT: this Redis has not seen the script (restarted, SCRIPT FLUSH, a fail-over): send it whole once.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return (await client.eval(TAKE_SCRIPT, 1, key, ...args)) as [number, number];
    }
  }

  return {
    store(name, limit) {
      const { burst, refillPerSecond } = limit;
      // Checked as the in-memory store checks them (same messages), so both refuse the same configurations.
      const fallback = createMemoryRateLimitStore(limit);
      return {
        async take(key, cost): Promise<RateLimitResult> {
          const args: (string | number)[] = [burst, refillPerSecond, cost];
          if (nowMicros !== undefined) args.push(nowMicros());
          try {
            const [allowed, retryAfterSeconds] = await withDeadline(run(keyOf(name, key), args), timeoutMs);
            markUp();
            return allowed === 1 ? { allowed: true, retryAfterSeconds: 0 } : { allowed: false, retryAfterSeconds };
          } catch (error) {
            markDown(error);
            if (failure === 'open') return { ...fallback.take(key, cost), storeFailure: 'open' };
            return { allowed: false, retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS, storeFailure: 'closed' };
          }
        },
        status,
      };
    },
    status,
    ready(ms) {
      if (client.status === 'ready') return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          client.off('ready', onReady);
          resolve(false);
        }, ms);
        const onReady = (): void => {
          clearTimeout(timer);
          resolve(true);
        };
        client.once('ready', onReady);
      });
    },
    keyOf,
    async close() {
      closed = true;
      // Requests have drained before this is called: nothing is waiting on the connection.
      client.disconnect();
    },
  };
}
