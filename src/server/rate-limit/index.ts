// Rate limits of `/v1/evaluate` (DESIGN §1.3, §4): every OPRF evaluation is a guess an attacker could test, so each
// client address gets a token bucket. The store is an interface: in memory by default, Redis with scale-out.

export interface RateLimitResult {
  allowed: boolean;
  /** Whole seconds until `cost` tokens will be available (0 when allowed), for `Retry-After` (RFC 6585 §4, RFC 9110 §10.2.3). */
  retryAfterSeconds: number;
}

export interface RateLimitStore {
  /** Takes `cost` tokens from the bucket of `key` if it holds them; takes nothing otherwise. */
  take(key: string, cost: number): RateLimitResult | Promise<RateLimitResult>;
}

export { createMemoryRateLimitStore, type MemoryRateLimitOptions } from './memory-store.js';
