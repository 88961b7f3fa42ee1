import { describe, expect, it } from 'vitest';
import { createMemoryRateLimitStore } from './memory-store.js';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('in-memory token bucket', () => {
  it('allows the burst, then one token per refill interval, and says when to come back', () => {
    const c = clock();
    const store = createMemoryRateLimitStore({ burst: 10, refillPerSecond: 2, now: c.now });
    for (let i = 0; i < 10; i++) expect(store.take('a', 1).allowed).toBe(true);
    expect(store.take('a', 1)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(store.take('a', 8)).toEqual({ allowed: false, retryAfterSeconds: 4 });
    c.advance(500);
    expect(store.take('a', 1).allowed).toBe(true);
    expect(store.take('a', 1).allowed).toBe(false);
    // Another key has its own bucket.
    expect(store.take('b', 10).allowed).toBe(true);
  });

  it('charges the cost of a batch, and takes nothing from a refused request', () => {
    const c = clock();
    const store = createMemoryRateLimitStore({ burst: 20, refillPerSecond: 1, now: c.now });
    expect(store.take('a', 8).allowed).toBe(true);
    expect(store.take('a', 8).allowed).toBe(true);
    expect(store.take('a', 8)).toEqual({ allowed: false, retryAfterSeconds: 4 });
    expect(store.take('a', 4).allowed).toBe(true);
    expect(store.take('a', 1).allowed).toBe(false);
  });

  it('never refills beyond the burst', () => {
    const c = clock();
    const store = createMemoryRateLimitStore({ burst: 5, refillPerSecond: 1, now: c.now });
    store.take('a', 5);
    c.advance(3_600_000);
    expect(store.take('a', 5).allowed).toBe(true);
    expect(store.take('a', 1).allowed).toBe(false);
  });

  it('keeps memory bounded: idle buckets are dropped, and the least recently used beyond maxKeys', () => {
    const c = clock();
    const store = createMemoryRateLimitStore({ burst: 4, refillPerSecond: 1, maxKeys: 100, now: c.now });
    for (let i = 0; i < 100; i++) store.take(`k${i}`, 1);
    expect(store.size).toBe(100);
    for (let i = 100; i < 1000; i++) store.take(`k${i}`, 1);
    expect(store.size).toBeLessThanOrEqual(100);
    c.advance(4_000); // every bucket is full again: indistinguishable from a new one
    store.take('fresh', 1);
    expect(store.size).toBe(1);
  });

  it('does not evict a bucket in use before an idle one', () => {
    const c = clock();
    const store = createMemoryRateLimitStore({ burst: 4, refillPerSecond: 1, maxKeys: 3, now: c.now });
    store.take('a', 4);
    store.take('b', 1);
    store.take('c', 1);
    store.take('a', 0); // a used last
    store.take('d', 1); // evicts b, the least recently used
    expect(store.take('a', 1).allowed).toBe(false);
  });

  it.each([
    [0, 1],
    [5, 0],
    [Number.POSITIVE_INFINITY, 1],
  ])('refuses burst %d / refill %d', (burst, refillPerSecond) => {
    expect(() => createMemoryRateLimitStore({ burst, refillPerSecond })).toThrow(RangeError);
  });
});
