// An in-memory token bucket per key, with bounded memory: a bucket idle long enough to be full again is
// indistinguishable from a new one and is dropped; past `maxKeys` the least recently used bucket goes first.

import type { RateLimitResult, RateLimitStore } from './index.js';

export interface MemoryRateLimitOptions {
  /** Tokens a bucket holds when full: the largest burst allowed. */
  burst: number;
  /** Tokens added per second. */
  refillPerSecond: number;
  /** Most buckets kept at once (default 100 000, a few MB). */
  maxKeys?: number;
  /** Milliseconds clock, injectable for tests (default performance.now). */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export interface MemoryRateLimitStore extends RateLimitStore {
  take(key: string, cost: number): RateLimitResult;
  /** Buckets currently held (for tests and metrics). */
  readonly size: number;
}

export function createMemoryRateLimitStore(options: MemoryRateLimitOptions): MemoryRateLimitStore {
  const { burst, refillPerSecond } = options;
  if (!(burst >= 1) || !Number.isFinite(burst)) throw new RangeError(`"burst" expected a finite number >= 1, got ${burst}`);
  if (!(refillPerSecond > 0) || !Number.isFinite(refillPerSecond)) {
    throw new RangeError(`"refillPerSecond" expected a finite positive number, got ${refillPerSecond}`);
  }
  const maxKeys = options.maxKeys ?? 100_000;
  const now = options.now ?? (() => performance.now());
  const fullAfterMs = (burst / refillPerSecond) * 1000;
  // A Map iterates in insertion order; re-inserting a bucket on each use keeps it ordered by last use, so the
  // idle ones are always at the front and eviction stops at the first recent one.
  const buckets = new Map<string, Bucket>();

  function evict(t: number): void {
    for (const [key, bucket] of buckets) {
      if (t - bucket.updatedMs < fullAfterMs && buckets.size < maxKeys) break;
      buckets.delete(key);
    }
  }

  return {
    get size() {
      return buckets.size;
    },
    take(key, cost) {
      const t = now();
      const held = buckets.get(key);
      let tokens = burst;
      if (held !== undefined) {
        tokens = Math.min(burst, held.tokens + ((t - held.updatedMs) / 1000) * refillPerSecond);
        buckets.delete(key);
      } else {
        evict(t);
      }
      const allowed = tokens >= cost;
      if (allowed) tokens -= cost;
      buckets.set(key, { tokens, updatedMs: t });
      // A cost above the burst can never pass; say when the bucket is full rather than a time that will not help.
      const missing = Math.min(cost, burst) - tokens;
      const retryAfterSeconds = allowed ? 0 : Math.max(1, Math.ceil(missing / refillPerSecond));
      return { allowed, retryAfterSeconds };
    },
  };
}
