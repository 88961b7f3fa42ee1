// The Lookup API over HTTP (DESIGN §4 "Wire"): a Fastify instance around the lookup service, with validation,
// rate limits, security headers, metrics and logs that never hold an identifier. Testable with app.inject.

import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { RateLimitConfig } from '../config.js';
import type { ControllerConfig } from '../controller/types.js';
import { VigieError } from '../errors.js';
import type { LookupService } from '../index/lookup-service.js';
import type { Store } from '../index/store.js';
import type { EvaluateRequest } from '../lookup/protocol.js';
import { publicBreach } from './breaches.js';
import { clientAddress, parseCidrs, rateLimitKey } from './client-address.js';
import { errorBody, toHttpError } from './http-errors.js';
import { createMetrics, type Metrics } from './metrics.js';
import { OPENAPI_DOCUMENT } from './openapi.js';
import { createMemoryRateLimitStore, type RateLimitStore } from './rate-limit/index.js';
import { bucketParamsSchema, evaluateBodySchema, evaluateResponseSchema, noticeParamsSchema } from './schemas.js';
import { portalCsp, registerPortal, type Portal, type PortalAssets } from './portal.js';
import { registerAdmin, type AdminOptions } from './admin.js';
import { safeLogger } from './logging.js';

export interface AppOptions {
  service: LookupService;
  /** Breach records (GET /v1/breaches) and manifests by index id. */
  store: Pick<Store, 'breaches' | 'manifest'>;
  /** A pino logger (JSON lines); none by default. Request logs carry id, route pattern, status and duration only. */
  logger?: Logger;
  /** Rate limit of /v1/evaluate: a token-bucket configuration, a store of one's own (Redis), or null for none. */
  rateLimit?: RateLimitConfig | RateLimitStore | null;
  /** IPs/CIDRs whose X-Forwarded-For is believed. */
  trustedProxies?: readonly string[];
  /** HSTS max-age in seconds; null (default) sends none: set it only when clients reach the server over TLS. */
  hsts?: number | null;
  metrics?: Metrics;
  /** Largest request body in bytes (default 4 KiB: an evaluation of 8 elements is under 500 bytes). */
  bodyLimit?: number;
  /** Bytes of bucket kept in memory (default 32 MiB); buckets are immutable, so the cache never goes stale. */
  bucketCacheBytes?: number;
  /** Sealed notices (GET /v1/notices/{noticeId}); without them every notice id is unknown. */
  notices?: Pick<Store, 'notice' | 'markNoticeOpened'>;
  /** Rate limit of GET /v1/notices/{noticeId}, a budget apart from evaluations (default 10 at once, 1 per 10 s). */
  noticeRateLimit?: RateLimitConfig | RateLimitStore | null;
  /** The controller's configuration: who answers for the breach (GET /v1/breaches, the portal's wording). */
  controller?: ControllerConfig | null;
  /** The built portal (pages at / and /en/, assets); without it the server answers the API alone. */
  portal?: PortalAssets;
  /** The controller's dashboard (/admin), only when an administration token is configured. */
  admin?: Omit<AdminOptions, 'controller'>;
  /**
   * Where the buckets are also served (VIGIE_BUCKET_BASE_URL, normalized: see normalizeBucketBaseUrl): announced in
   * GET /v1/index so that clients fetch buckets there, and allowed in the portal's connect-src. Null: the API only.
   */
  bucketBaseUrl?: string | null;
}

export const BUCKET_CACHE_CONTROL = 'public, max-age=31536000, immutable';
const UNMATCHED = 'unmatched';
const BUCKET_ROUTE = '/v1/indexes/:indexId/buckets/:hex';
const BUCKET_PREFIX = '/v1/indexes/';
const BUCKET_URL = /^\/v1\/indexes\/[0-9a-f]{32}\/buckets\/[0-9a-f]{1,8}$/;

/** Every route of the API, as method and pattern (the OpenAPI test and the 405 answer read this). */
export interface RouteInfo {
  method: string;
  url: string;
}

const routeTables = new WeakMap<FastifyInstance, RouteInfo[]>();

export function registeredRoutes(app: FastifyInstance): RouteInfo[] {
  return routeTables.get(app) ?? [];
}

function isRateLimitStore(value: RateLimitConfig | RateLimitStore): value is RateLimitStore {
  return typeof (value as RateLimitStore).take === 'function';
}

/** Whether a request has a header, read from rawHeaders: `req.headers` builds an object of every header on first use. */
function hasHeader(raw: readonly string[], lowerName: string): boolean {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) return true;
  }
  return false;
}

/** RFC 9110 §13.1.2: If-None-Match uses the weak comparison; "*" matches any current representation. */
function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === opaque);
}

/** A JSON request body must say application/json, with no charset or UTF-8 (RFC 8259 §8.1). */
const JSON_MEDIA_TYPE = /^application\/json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

interface CachedBucket {
  body: Buffer;
  etag: string;
  /** The fast path's complete response headers, as a flat [name, value, ...] list built once. */
  rawHeaders: string[];
}

export function createApp(options: AppOptions): FastifyInstance {
  const { service, store } = options;
  const metrics = options.metrics ?? createMetrics();
  const trusted = parseCidrs(options.trustedProxies ?? []);
  const rateLimit = options.rateLimit === undefined ? { burst: 20, refillPerSecond: 1 } : options.rateLimit;
  const limiter: RateLimitStore | null =
    rateLimit === null ? null : isRateLimitStore(rateLimit) ? rateLimit : createMemoryRateLimitStore(rateLimit);
  const hsts = options.hsts ?? null;
  const noticeRateLimit = options.noticeRateLimit === undefined ? { burst: 10, refillPerSecond: 0.1 } : options.noticeRateLimit;
  const noticeLimiter: RateLimitStore | null =
    noticeRateLimit === null ? null : isRateLimitStore(noticeRateLimit) ? noticeRateLimit : createMemoryRateLimitStore(noticeRateLimit);
  const controller = options.controller ?? null;
  const routes: RouteInfo[] = [];
  /** The portal once registered (below), and the not-found answers that are its pages (they carry its headers). */
  let portal: Portal | null = null;
  const portalPages = new WeakSet<FastifyRequest>();
  let draining = false;

  const app = Fastify({
    ...(options.logger === undefined ? {} : { loggerInstance: safeLogger(options.logger) as FastifyBaseLogger }),
    // Fastify's own request logs carry req.url, which can hold a bucket id: ours are written in onResponse.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: options.bodyLimit ?? 4096,
    // The built-in 503-on-close body is not our error shape; the server drains in-flight requests instead.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // Our own node:http server, so that a bucket already in memory is answered before Fastify's machinery.
    serverFactory: (handler) => {
      // Node checks headersTimeout and requestTimeout on a timer, every 30 s by default: a slowloris then held a
      // connection for up to 40 s. Checked every second, the timeouts below are the bound (test/attack/slow-requests).
      // Node answers an HTTP/1.1 request without Host (400, RFC 9112 §3.2) and an Expect it cannot meet (417, RFC 9110
      // §10.1.1) by itself, without the headers every answer carries: these two are answered here instead
      // (found by test/attack/fuzz-http).
      const server = createServer({ connectionsCheckingInterval: 1_000, requireHostHeader: false }, (req, res) => {
        if (req.httpVersion === '1.1' && !hasHeader(req.rawHeaders, 'host')) return plainError(res, 400, 'the request has no Host header');
        // While draining (vigie serve stopping) every request goes through Fastify, which answers it with
        // Connection: close, so that a proxy's kept-alive connections end and the process can exit.
        if (draining || !serveCachedBucket(req, res)) handler(req, res);
      });
      server.on('checkExpectation', (_req, res: ServerResponse) => plainError(res, 417, 'the only expectation this server meets is 100-continue'));
      // Slow clients are cut by these (Node checks them periodically), without a per-socket idle timer to refresh.
      server.keepAliveTimeout = 72_000;
      server.headersTimeout = 10_000;
      server.requestTimeout = 10_000;
      return server;
    },
    routerOptions: { maxParamLength: 64, ignoreTrailingSlash: false, ignoreDuplicateSlashes: false },
    // Validation is strict: no type coercion, no silent removal of unknown properties, no defaults.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false } },
    // A malformed URL (bad percent-encoding, an overlong parameter) is answered before any hook runs.
    // Neither the onSend nor the onResponse hooks run on this path, so it applies headers and observes itself.
    frameworkErrors: (error, request, reply) => {
      applyHeaders(request, reply);
      reply.raw.once('finish', () => observe(request, reply));
      return sendError(reply, error);
    },
    clientErrorHandler: (error: NodeJS.ErrnoException, socket) => {
      // Malformed HTTP never reaches a route: answer in our shape with the same headers, and log only the code.
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      const body = JSON.stringify(errorBody('E_BAD_REQUEST', 'the request is not valid HTTP'));
      if (socket.writable) {
        const reason = status === 400 ? 'Bad Request' : status === 408 ? 'Request Timeout' : 'Request Header Fields Too Large';
        const headers = { ...operatorHeaders, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' };
        const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
        socket.write(`HTTP/1.1 ${status} ${reason}\r\n${lines}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      }
      app.log.debug({ code: error.code }, 'client error');
      socket.destroy();
    },
  });
  routeTables.set(app, routes);
  app.addHook('preClose', (done) => {
    draining = true;
    done();
  });
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD' && method !== 'OPTIONS') routes.push({ method, url: route.url });
  });

  // Only JSON bodies: the text/plain parser would let a cross-origin "simple request" (no preflight) reach a route.
  app.removeContentTypeParser('text/plain');

  const common: Record<string, string> = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // An API answer is data, never a document: nothing may run or frame it.
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    ...(hsts === null ? {} : { 'Strict-Transport-Security': `max-age=${hsts}` }),
  };
  const apiHeaders: Record<string, string> = {
    ...common,
    // Cross-Origin-Resource-Policy: the /v1 answers are public, the same for everyone, and carry no ambient
    // authority (no cookies, no credentials), so partner pages (insurers' portals, password managers), including
    // cross-origin-isolated ones, may load them: "cross-origin". /healthz and /metrics are for the operator only.
    'Cross-Origin-Resource-Policy': 'cross-origin',
    // CORS (Fetch standard): any origin, never credentials, so a browser sends no cookie and the answer is public.
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Expose-Headers': 'Retry-After, ETag',
  };
  const operatorHeaders: Record<string, string> = { ...common, 'Cross-Origin-Resource-Policy': 'same-origin' };

  /** An error answered below Fastify (see serverFactory), with the operator's headers, then the connection closed. */
  function plainError(res: ServerResponse, status: number, message: string): void {
    const body = JSON.stringify(errorBody('E_BAD_REQUEST', message));
    res.shouldKeepAlive = false;
    res.writeHead(status, { ...operatorHeaders, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }
  const portalHeaders: Record<string, string> = {
    ...common,
    'Content-Security-Policy': portalCsp(),
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    'X-Frame-Options': 'DENY',
  };

  /** Headers of every answer, errors included; the portal's pages and assets carry their own policy. */
  function applyHeaders(request: FastifyRequest, reply: FastifyReply): void {
    const portalRoute = request.routeOptions.config?.portal === true || portalPages.has(request);
    // A page may widen its own CSP (buckets on a CDN); every other header is the portal's.
    const pageCsp = portalRoute ? reply.getHeader('Content-Security-Policy') : undefined;
    reply.headers(request.url.startsWith('/v1/') ? apiHeaders : portalRoute ? portalHeaders : operatorHeaders);
    if (typeof pageCsp === 'string') reply.header('Content-Security-Policy', pageCsp);
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
  }

  /** Metrics and the one log line of a finished request. */
  function observe(request: FastifyRequest, reply: FastifyReply): void {
    // The route pattern (/v1/indexes/:indexId/buckets/:hex), never the URL: a path or query may hold a bucket id.
    const route = request.routeOptions.url ?? UNMATCHED;
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    request.log.info({ route, method: request.method, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 }, 'request');
  }

  function sendError(reply: FastifyReply, error: unknown, headers: Record<string, string> = {}): FastifyReply {
    const { status, code, message } = toHttpError(error);
    if (status >= 500) {
      // Name, code and stack frames, without the message line: a message may quote input (a JSON parser's does).
      const e = error as { name?: string; code?: string; stack?: string };
      reply.log.error({ error: { type: e?.name, code: e?.code, frames: e?.stack?.split('\n').slice(1, 8).join('\n') } }, 'internal error');
    }
    return reply.code(status).headers(headers).type('application/json; charset=utf-8').send(errorBody(code, message));
  }

  app.setErrorHandler((error: FastifyError, _request, reply) => sendError(reply, error));

  app.setNotFoundHandler(async (request, reply) => {
    // RFC 9110 §15.5.6: a known resource asked with another method is 405 with an Allow header.
    const path = request.url.split('?')[0] ?? '';
    const allowed = routes.filter((r) => patternMatches(r.url, path)).map((r) => r.method);
    if (allowed.length > 0) {
      const allow = [...new Set(allowed.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m]))), 'OPTIONS'].join(', ');
      return sendError(reply, new VigieError('E_METHOD_NOT_ALLOWED', `this resource allows ${allow}`), { Allow: allow });
    }
    // A person who mistyped an address gets a page with the way back, not a JSON error.
    if (portal !== null && request.method === 'GET' && !path.startsWith('/v1/') && /text\/html/.test(request.headers.accept ?? '')) {
      portalPages.add(request);
      return reply.code(404).header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(await portal.notFoundPage(path));
    }
    return sendError(reply, new VigieError('E_NOT_FOUND', 'no such resource'));
  });

  // Callback-style hooks: no promise per request on the hot paths.
  app.addHook('onSend', (request, reply, payload, done) => {
    applyHeaders(request, reply);
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    observe(request, reply);
    done();
  });

  // CORS preflight for the API: GET from anywhere and POST of JSON to /v1/evaluate, without credentials.
  app.options('/v1/*', async (_request, reply) =>
    reply
      .code(204)
      .header('Access-Control-Allow-Methods', 'GET, HEAD, POST')
      .header('Access-Control-Allow-Headers', 'Content-Type, If-None-Match')
      .header('Access-Control-Max-Age', '86400')
      .header('Cache-Control', 'public, max-age=86400')
      .send(),
  );

  // A shared rate-limit store's reachability as last seen (no round trip per probe); absent with in-memory limits.
  const limiterStatus = limiter?.status?.bind(limiter);
  app.get('/healthz', async () => ({ status: 'ok', index: (await store.manifest()) !== null, ...(limiterStatus === undefined ? {} : { rateLimit: limiterStatus() }) }));

  app.get('/metrics', async (_request, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.render()));

  app.get('/v1/openapi.json', async (_request, reply) => reply.header('Cache-Control', 'public, max-age=3600').send(OPENAPI_DOCUMENT));

  app.get('/v1/keys', async (_request, reply) => reply.header('Cache-Control', 'public, max-age=300').send(await service.keys()));

  const bucketBaseUrl = options.bucketBaseUrl ?? null;
  app.get('/v1/index', async (_request, reply) => {
    const manifest = await service.index();
    return reply.header('Cache-Control', 'public, max-age=60').send(bucketBaseUrl === null ? manifest : { ...manifest, bucketBaseUrl });
  });

  app.get('/v1/breaches', async (_request, reply) =>
    reply.header('Cache-Control', 'public, max-age=60').send({ breaches: (await store.breaches()).map((b) => publicBreach(b, controller)) }),
  );

  /** Takes `cost` tokens for the client's address; false (and a 429 sent) when the budget is spent. */
  async function withinLimit(limiter: RateLimitStore | null, request: FastifyRequest, reply: FastifyReply, cost: number, message: string): Promise<boolean> {
    if (limiter === null) return true;
    const address = clientAddress(request.socket.remoteAddress, request.headers['x-forwarded-for'], trusted);
    const verdict = await limiter.take(address === null ? 'unknown' : rateLimitKey(address), cost);
    if (verdict.storeFailure !== undefined) metrics.countRateLimitFailure(request.routeOptions.url ?? UNMATCHED);
    if (verdict.allowed) return true;
    if (verdict.storeFailure === 'closed') {
      // Failing closed (issue 7): the shared budget cannot be checked, so no guess is evaluated; RFC 9110 §15.6.4.
      sendError(reply, new VigieError('E_RATE_LIMIT_UNAVAILABLE', message), { 'Retry-After': String(verdict.retryAfterSeconds) });
      return false;
    }
    metrics.countRateLimited(request.routeOptions.url ?? UNMATCHED);
    // RFC 6585 §4: 429 Too Many Requests MAY carry Retry-After; RFC 9110 §10.2.3: delay-seconds, an integer.
    sendError(reply, new VigieError('E_RATE_LIMITED', message), { 'Retry-After': String(verdict.retryAfterSeconds) });
    return false;
  }

  // DESIGN §5: the sealed bytes of one notice. The id is derived from the person's letter code in the browser; the
  // server cannot open the notice and logs only the route pattern (never the id). Rate-limited on its own budget.
  app.get<{ Params: { noticeId: string } }>('/v1/notices/:noticeId', { schema: { params: noticeParamsSchema } }, async (request, reply) => {
    if (!(await withinLimit(noticeLimiter, request, reply, 1, 'too many notice look-ups from this address: retry later'))) return reply;
    const { noticeId } = request.params;
    const sealed = (await options.notices?.notice(noticeId)) ?? null;
    if (sealed === null) throw new VigieError('E_NOT_FOUND', 'no such notice');
    // Counted for the controller's "opened on the portal" figure: the id only, no time, no address (DESIGN §5).
    await options.notices!.markNoticeOpened(noticeId);
    return reply
      .header('Cache-Control', 'no-store')
      .type('application/octet-stream')
      .send(Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength));
  });

  app.post<{ Body: EvaluateRequest }>(
    '/v1/evaluate',
    {
      schema: { body: evaluateBodySchema, response: { 200: evaluateResponseSchema } },
      preValidation: async (request) => {
        if (!JSON_MEDIA_TYPE.test(request.headers['content-type'] ?? '')) {
          throw new VigieError('E_UNSUPPORTED_MEDIA_TYPE', 'the body must be application/json (UTF-8)');
        }
      },
    },
    async (request, reply) => {
      const { keyId, blinded } = request.body;
      const { keys } = await service.keys();
      if (!keys.some((k) => k.keyId === keyId)) throw new VigieError('E_UNKNOWN_KEY', 'unknown keyId: fetch GET /v1/keys and GET /v1/index again');
      // Each blinded element is one guess: a batch of n costs n tokens (DESIGN §1.3).
      if (!(await withinLimit(limiter, request, reply, blinded.length, 'too many evaluations from this address: retry later'))) return reply;
      // The service decodes every element and checks it is a canonical non-identity ristretto255 encoding before
      // any scalar multiplication (RFC 9497 §3.3.2, RFC 9496 §4.3.1), then answers with one batched DLEQ proof.
      const response = await service.evaluate({ keyId, blinded });
      metrics.countEvaluations(blinded.length);
      return reply.header('Cache-Control', 'no-store').send(response);
    },
  );

  /**
   * The hot path of a rush: GET of a bucket already in the cache, no query, no If-None-Match. Fastify's routing,
   * hooks and reply cost about a third of such a request (measured); this answers with exactly the headers the
   * route below sends (a socket test compares them) and is observed and logged the same way. Anything else,
   * including a miss, goes through Fastify.
   */
  /** The request log of the fast path: route and method serialized once (pino child bindings). */
  const bucketLog = app.log.child({ route: BUCKET_ROUTE, method: 'GET' });
  function serveCachedBucket(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET') return false;
    const url = req.url ?? '';
    if (!url.startsWith(BUCKET_PREFIX) || !BUCKET_URL.test(url) || hasHeader(req.rawHeaders, 'if-none-match')) return false;
    const hit = bucketCache.get(url.slice(BUCKET_PREFIX.length));
    if (hit === undefined) return false;
    const start = performance.now();
    res.writeHead(200, hit.rawHeaders);
    res.end(hit.body);
    const ms = performance.now() - start;
    metrics.observeRequest('GET', BUCKET_ROUTE, 200, ms / 1000);
    bucketLog.info({ reqId: randomUUID(), status: 200, ms: Math.round(ms * 100) / 100 }, 'request');
    return true;
  }

  const bucketCache = new Map<string, CachedBucket>();
  const bucketCacheBytes = options.bucketCacheBytes ?? 32 * 1024 * 1024;
  let cachedBytes = 0;

  async function bucketOf(indexId: string, hex: string): Promise<CachedBucket | null> {
    const key = `${indexId}/buckets/${hex}`; // the URL after BUCKET_PREFIX, so the fast path looks it up as is
    const hit = bucketCache.get(key);
    if (hit !== undefined) {
      bucketCache.delete(key); // re-insert: the Map stays in least-recently-used order
      bucketCache.set(key, hit);
      return hit;
    }
    const bytes = await service.bucketOf(indexId, hex);
    if (bytes === null) return null;
    const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // A strong validator (RFC 9110 §8.8.3): a digest of the bytes, which never change for a given URL.
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    const headers: Record<string, string> = {
      ...apiHeaders,
      'Cache-Control': BUCKET_CACHE_CONTROL,
      ETag: etag,
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(body.length),
    };
    const entry = { body, etag, rawHeaders: Object.entries(headers).flat() };
    if (body.length <= bucketCacheBytes) {
      bucketCache.set(key, entry);
      cachedBytes += body.length;
      for (const [k, v] of bucketCache) {
        if (cachedBytes <= bucketCacheBytes) break;
        bucketCache.delete(k);
        cachedBytes -= v.body.length;
      }
    }
    return entry;
  }

  app.get<{ Params: { indexId: string; hex: string } }>(
    BUCKET_ROUTE,
    { schema: { params: bucketParamsSchema } },
    async (request: FastifyRequest<{ Params: { indexId: string; hex: string } }>, reply) => {
      const { indexId, hex } = request.params;
      if ((await service.manifestOf(indexId)) === null) throw new VigieError('E_UNKNOWN_INDEX', 'no such index: fetch GET /v1/index again');
      const bucket = await bucketOf(indexId, hex);
      if (bucket === null) throw new VigieError('E_NOT_FOUND', 'no such bucket in this index');
      reply.header('Cache-Control', BUCKET_CACHE_CONTROL).header('ETag', bucket.etag);
      if (noneMatch(request.headers['if-none-match'], bucket.etag)) return reply.code(304).send();
      return reply.type('application/octet-stream').send(bucket.body);
    },
  );

  if (options.portal !== undefined) {
    portal = registerPortal(app, { assets: options.portal, service, store, controller, bucketBaseUrl });
  }
  if (options.admin !== undefined) registerAdmin(app, { ...options.admin, controller: controller ?? undefined });

  return app;
}

/** Whether a concrete path matches a route pattern (":name" one segment, "*" the rest). */
function patternMatches(pattern: string, path: string): boolean {
  const p = pattern.split('/');
  const s = path.split('/');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '*') return true;
    if (i >= s.length) return false;
    if (p[i]!.startsWith(':') ? s[i] === '' : p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}
