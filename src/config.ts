// The one place where Vigie reads its environment. Everything else receives a Config.

import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { VigieError } from './errors.js';
import { normalizeBucketBaseUrl } from './lookup/protocol.js';

/** Token bucket of `/v1/evaluate` per client address: `burst` guesses at once, refilled at `refillPerSecond`. */
export interface RateLimitConfig {
  readonly burst: number;
  readonly refillPerSecond: number;
}

export interface Config {
  /** Store location: a SQLite file path (default ./vigie.db). */
  readonly db: string;
  /** Path of the OPRF secret key file (default ./vigie.key), mode 0600. */
  readonly keyFile: string;
  /** `vigie serve` port (VIGIE_PORT, default 8080; 0 picks a free port). */
  readonly port: number;
  /** `vigie serve` listen address (VIGIE_HOST, default 127.0.0.1: put a TLS proxy in front to publish). */
  readonly host: string;
  /** Proxies whose X-Forwarded-For is believed (VIGIE_TRUSTED_PROXIES, comma-separated IPs or CIDRs; default none). */
  readonly trustedProxies: readonly string[];
  /** VIGIE_RATE_LIMIT = "burst/refill-per-second" (default 20/1), or "off" (benchmarks only). */
  readonly rateLimit: RateLimitConfig | null;
  /** HSTS max-age in seconds (VIGIE_HSTS = seconds, "on" for one year, "off"; default off: only behind TLS). */
  readonly hsts: number | null;
  /** GET /v1/notices/{id} per client address, apart from evaluations (VIGIE_NOTICE_RATE_LIMIT, default 10/0.1), or null. */
  readonly noticeRateLimit: RateLimitConfig | null;
  /** The controller's configuration file (VIGIE_CONTROLLER, controller.json); the portal words itself generically without. */
  readonly controllerFile: string | null;
  /** The dashboard's bearer token (VIGIE_ADMIN_TOKEN); without it /admin does not exist. */
  readonly adminToken: string | null;
  /** The built portal: VIGIE_PORTAL_DIR, else "default" (the package's dist/web); "off" serves the API alone. */
  readonly portal: { readonly dir: string } | 'default' | 'off';
  /** VIGIE_BUCKET_BASE_URL: where `vigie export`'s tree is served (a CDN), announced in GET /v1/index; null: the API. */
  readonly bucketBaseUrl: string | null;
  /** Shared rate limits across replicas (VIGIE_REDIS_URL, redis:// or rediss://); null keeps them in this process. */
  readonly redisUrl: string | null;
  /** What the rate limits do while Redis cannot be reached (VIGIE_REDIS_FAILURE, default "closed": refuse with 503). */
  readonly redisFailure: RedisFailurePolicy;
  /**
   * Worker threads of `vigie serve` for blind evaluations (VIGIE_EVAL_THREADS, default: one per core; 0 evaluates on
   * the event loop). The event loop then only does HTTP, so a rush of checks does not delay bucket answers.
   */
  readonly evalThreads: number | null;
}

/** "closed" refuses evaluations while the shared budget cannot be checked; "open" falls back to this replica's own buckets. */
export type RedisFailurePolicy = 'closed' | 'open';

/** A person checking a few identifiers, retrying a typo or two, stays well inside 20 at once and one a second. */
export const DEFAULT_RATE_LIMIT: RateLimitConfig = { burst: 20, refillPerSecond: 1 };
/**
 * A person opens their notice once or twice, or mistypes the code a few times: 10 at once, then one every 10 s.
 * A notice id is 128 bits derived from an 80-bit code, so the limit is about load and probing, not guessing.
 */
export const DEFAULT_NOTICE_RATE_LIMIT: RateLimitConfig = { burst: 10, refillPerSecond: 0.1 };
/** A batch holds up to 8 blinded elements (DESIGN §4) and costs 8 tokens, so the burst must hold at least 8. */
const MIN_BURST = 8;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const db = nonEmpty(env, 'VIGIE_DB') ?? './vigie.db';
  const keyFile = nonEmpty(env, 'VIGIE_KEY_FILE') ?? './vigie.key';
  const port = parsePort(nonEmpty(env, 'VIGIE_PORT'));
  const host = nonEmpty(env, 'VIGIE_HOST') ?? '127.0.0.1';
  const trustedProxies = parseTrustedProxies(nonEmpty(env, 'VIGIE_TRUSTED_PROXIES'));
  const rateLimit = parseRateLimit(nonEmpty(env, 'VIGIE_RATE_LIMIT'));
  const hsts = parseHsts(nonEmpty(env, 'VIGIE_HSTS'));
  const noticeRateLimit = parseRateLimit(nonEmpty(env, 'VIGIE_NOTICE_RATE_LIMIT'), 'VIGIE_NOTICE_RATE_LIMIT', DEFAULT_NOTICE_RATE_LIMIT, 1);
  const controllerFile = nonEmpty(env, 'VIGIE_CONTROLLER') ?? null;
  const adminToken = nonEmpty(env, 'VIGIE_ADMIN_TOKEN') ?? null;
  const portalDir = nonEmpty(env, 'VIGIE_PORTAL_DIR');
  const portal = portalDir === undefined ? 'default' : portalDir.trim().toLowerCase() === 'off' ? 'off' : { dir: portalDir };
  const redisUrl = parseRedisUrl(nonEmpty(env, 'VIGIE_REDIS_URL'));
  const redisFailure = parseRedisFailure(nonEmpty(env, 'VIGIE_REDIS_FAILURE'));
  const bucketBaseUrl = parseBucketBaseUrl(nonEmpty(env, 'VIGIE_BUCKET_BASE_URL'));
  const evalThreads = parseThreads(nonEmpty(env, 'VIGIE_EVAL_THREADS'), 'VIGIE_EVAL_THREADS');
  return { db, keyFile, port, host, trustedProxies, rateLimit, hsts, noticeRateLimit, controllerFile, adminToken, portal, bucketBaseUrl, redisUrl, redisFailure, evalThreads };
}

/** The evaluation threads `vigie serve` starts: VIGIE_EVAL_THREADS, else one per core. */
export function evalThreadsOf(config: Pick<Config, 'evalThreads'>): number {
  return config.evalThreads ?? availableParallelism();
}

/** A number of worker threads, 0 to 64; undefined (unset) means the default, null. */
export function parseThreads(value: string | undefined, name: string): number | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (!/^\d{1,2}$/.test(v) || Number(v) > 64) throw new VigieError('E_CONFIG', `${name} expected a whole number of threads from 0 to 64, got "${value}"`);
  return Number(v);
}

function nonEmpty(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new VigieError('E_CONFIG', `${name} is set but empty`);
  return value;
}

export function parsePort(value: string | undefined, name = 'VIGIE_PORT'): number {
  if (value === undefined) return 8080;
  if (!/^\d{1,5}$/.test(value.trim()) || Number(value) > 65535) {
    throw new VigieError('E_CONFIG', `${name} expected a port number 0..65535, got "${value}"`);
  }
  return Number(value);
}

/** Each entry an IPv4/IPv6 address or CIDR (`10.0.0.0/8`, `fd00::/8`); the server parses them again into masks. */
function parseTrustedProxies(value: string | undefined): string[] {
  if (value === undefined) return [];
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= max);
    if (family === 0 || !prefixOk || extra !== undefined) {
      throw new VigieError('E_CONFIG', `VIGIE_TRUSTED_PROXIES expected comma-separated IP addresses or CIDRs, got "${entry}"`);
    }
  }
  return entries;
}

function parseRateLimit(
  value: string | undefined,
  name = 'VIGIE_RATE_LIMIT',
  fallback: RateLimitConfig = DEFAULT_RATE_LIMIT,
  minBurst = MIN_BURST,
): RateLimitConfig | null {
  if (value === undefined) return fallback;
  if (value.trim().toLowerCase() === 'off') return null;
  const match = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(value);
  const burst = Number(match?.[1]);
  const refillPerSecond = Number(match?.[2]);
  if (match === null || burst < minBurst || burst > 1_000_000 || !(refillPerSecond > 0) || refillPerSecond > 1_000_000) {
    throw new VigieError(
      'E_CONFIG',
      `${name} expected "burst/refill-per-second" with burst ${minBurst}..1000000 and a positive refill (e.g. "20/1"), or "off"; got "${value}"`,
    );
  }
  return { burst, refillPerSecond };
}

/** An absolute http(s) URL without query, fragment or credentials (docs/protocol.md §3), without its trailing slash. */
function parseBucketBaseUrl(value: string | undefined): string | null {
  if (value === undefined) return null;
  try {
    return normalizeBucketBaseUrl(value.trim());
  } catch (error) {
    // The value is not echoed: a URL with credentials in it would put them in a log.
    throw new VigieError('E_CONFIG', `VIGIE_BUCKET_BASE_URL: ${(error as Error).message} (e.g. https://cdn.example.fr/vigie)`);
  }
}

function parseHsts(value: string | undefined): number | null {
  if (value === undefined) return null;
  const v = value.trim().toLowerCase();
  if (v === 'off') return null;
  if (v === 'on') return 31_536_000;
  if (!/^\d{1,9}$/.test(v)) throw new VigieError('E_CONFIG', `VIGIE_HSTS expected a max-age in seconds, "on" or "off", got "${value}"`);
  return Number(v);
}

/** The URL may carry a password: the error names the variable and the expected form, never the value. */
function parseRedisUrl(value: string | undefined): string | null {
  if (value === undefined) return null;
  let url: URL | null = null;
  try {
    url = new URL(value.trim());
  } catch {
    url = null;
  }
  if (url === null || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    throw new VigieError('E_CONFIG', 'VIGIE_REDIS_URL expected redis://[user:password@]host[:port][/db] or rediss://... (value not shown: it may hold a password)');
  }
  return value.trim();
}

function parseRedisFailure(value: string | undefined): RedisFailurePolicy {
  if (value === undefined) return 'closed';
  const v = value.trim().toLowerCase();
  if (v !== 'closed' && v !== 'open') throw new VigieError('E_CONFIG', `VIGIE_REDIS_FAILURE expected "closed" or "open", got "${value}"`);
  return v;
}
