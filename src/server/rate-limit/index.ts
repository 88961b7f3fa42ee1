// Rate limits of `/v1/evaluate` (DESIGN §1.3, §4): every OPRF evaluation is a guess an attacker could test, so each
// client address gets a token bucket. The store is an interface: in memory by default, Redis with scale-out.

export interface RateLimitResult {
  allowed: boolean;
  /** Whole seconds until `cost` tokens will be available (0 when allowed), for `Retry-After` (RFC 6585 §4, RFC 9110 §10.2.3). */
  retryAfterSeconds: number;
  /**
   * Set when a shared store could not be asked and its failure policy answered instead: "closed" refuses (answered
   * 503 E_RATE_LIMIT_UNAVAILABLE, not 429: the client did nothing wrong); "open" took from this process's own bucket.
   */
  storeFailure?: 'closed' | 'open';
}

export interface RateLimitStore {
  /** Takes `cost` tokens from the bucket of `key` if it holds them; takes nothing otherwise. */
  take(key: string, cost: number): RateLimitResult | Promise<RateLimitResult>;
  /** A shared store's reachability as last seen, without a round trip (for /healthz); absent in memory. */
  status?(): 'up' | 'down';
}

export { createMemoryRateLimitStore, type MemoryRateLimitOptions } from './memory-store.js';
