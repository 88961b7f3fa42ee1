// `vigie serve`: the Lookup API over HTTP on the local store and key, until SIGINT or SIGTERM; and the client
// side that `vigie check --server URL` uses to check against a running server instead of the local store.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { evalThreadsOf, parsePort, parseThreads, type Config } from '../config.js';
import { VigieError } from '../errors.js';
import { createVoprfServer } from '../crypto/voprf-server.js';
import { createEvaluatorPool, type EvaluatorPool } from '../index/evaluator-pool.js';
import { createLookupService } from '../index/lookup-service.js';
import { SqliteStore } from '../index/sqlite-store.js';
import type { Store } from '../index/store.js';
import { createLookupClient, type LookupClient } from '../lookup/index.js';
import { loadControllerConfig } from '../controller/config.js';
import type { ControllerConfig } from '../controller/types.js';
import { createApp } from '../server/app.js';
import { CheckCounter } from '../server/admin.js';
import { loadPortalAssets, type PortalAssets } from '../server/portal.js';
import { createServerLogger } from '../server/logging.js';
import type { RedisRateLimits } from '../server/rate-limit/redis-store.js';
import { loadConfig, loadKey, openStore } from './context.js';
import { println, type CliIo } from './io.js';
import type { Command } from './main.js';

export interface RunningServer {
  app: FastifyInstance;
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  /** Whether the portal's pages are served (at / and /en/), or the API alone. */
  portal: boolean;
  close(): Promise<void>;
}

/**
 * The portal's build beside this module: dist/web from dist/src/cli (the installed command), or from src/cli (tests
 * run on the sources after `npm run build`). Null when neither holds a build.
 */
export function defaultPortalDir(): string | null {
  for (const relative of ['../../web/', '../../dist/web/']) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(`${dir}.vite/manifest.json`)) return dir;
  }
  return null;
}

function portalOf(config: Config): PortalAssets | undefined {
  if (config.portal === 'off') return undefined;
  if (config.portal === 'default') {
    const dir = defaultPortalDir();
    return dir === null ? undefined : loadPortalAssets(dir);
  }
  return loadPortalAssets(config.portal.dir);
}

/** Opens the key and the store of `config`, and listens. The store must exist and belong to the key. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const key = loadKey(config);
  // Read before the store is opened: a bad controller.json or a missing build fails fast, naming the file.
  const controller: ControllerConfig | null = config.controllerFile === null ? null : loadControllerConfig(config.controllerFile);
  const portal = portalOf(config);
  const store = await openStore(config, { mustExist: true });
  let redis: RedisRateLimits | null = null;
  let pool: EvaluatorPool | null = null;
  try {
    const bound = await store.getMeta('key_id');
    if (bound !== null && bound !== key.keyId) {
      throw new VigieError('E_KEY_FILE', `the store ${config.db} was built with key ${bound}, but the key file holds key ${key.keyId}`);
    }
    const server = await createVoprfServer(key.secretKey);
    // Blind evaluations on worker threads (one per core by default): the event loop keeps to HTTP, buckets and
    // notices, and one process uses every core. 0 keeps them on the event loop.
    const threads = evalThreadsOf(config);
    if (threads > 0) {
      pool = await createEvaluatorPool({
        secretKey: key.secretKey,
        threads,
        // The message only: no job content is in it. The requests it held answer 500; a new worker takes its place.
        onWorkerLost: (error) => logger.error({ err: { message: error.message } }, 'evaluation worker lost: replaced'),
      });
    }
    const service = createLookupService({ store, server, keyId: key.keyId, ...(pool === null ? {} : { evaluator: pool }) });
    redis = await sharedRateLimits(config, key.secretKey, logger);
    const app = createApp({
      service,
      store,
      logger,
      // With Redis, one budget across every replica; each limiter has a key prefix of its own.
      rateLimit: redis === null || config.rateLimit === null ? config.rateLimit : redis.store('evaluate', config.rateLimit),
      trustedProxies: config.trustedProxies,
      hsts: config.hsts,
      notices: store,
      noticeRateLimit: redis === null || config.noticeRateLimit === null ? config.noticeRateLimit : redis.store('notice', config.noticeRateLimit),
      controller,
      bucketBaseUrl: config.bucketBaseUrl,
      ...(portal === undefined ? {} : { portal }),
      ...(config.adminToken === null ? {} : { admin: { token: config.adminToken, store: sqliteOnly(store, 'the dashboard (VIGIE_ADMIN_TOKEN)'), checks: new CheckCounter() } }),
    });
    try {
      await app.listen({ port: config.port, host: config.host });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new VigieError('E_CONFIG', `cannot listen on ${config.host}:${config.port} (${code}): set --port/--host or VIGIE_PORT/VIGIE_HOST`, { cause: error });
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    let closed: Promise<void> | null = null;
    return {
      app,
      url: `http://${host}:${port}`,
      portal: portal !== undefined,
      close: () =>
        (closed ??= app.close().finally(async () => {
          await store.close();
          await redis?.close();
          await pool?.close();
        })),
    };
  } catch (error) {
    await store.close();
    await redis?.close();
    await pool?.close();
    throw error;
  }
}

/**
 * The Redis connection of the rate limits when VIGIE_REDIS_URL is set and a limit is on; null otherwise. Loaded
 * only then, so that a single-process deployment never loads the client. Waits briefly for the connection: the
 * first requests would otherwise meet the failure policy; an unreachable Redis does not stop the server (it is
 * logged, requests get the failure policy's answer, and the connection is retried until it comes back).
 */
async function sharedRateLimits(config: Config, secret: Uint8Array, logger: Logger): Promise<RedisRateLimits | null> {
  if (config.redisUrl === null || (config.rateLimit === null && config.noticeRateLimit === null)) return null;
  const { createRedisRateLimits } = await import('../server/rate-limit/redis-store.js');
  const redis = createRedisRateLimits({ url: config.redisUrl, failure: config.redisFailure, secret, logger });
  await redis.ready(2000);
  return redis;
}

/** A lookup client for `vigie check --server URL`: only blinded elements and bucket ids leave this machine. */
export function createServerLookupClient(url: string): LookupClient {
  if (!/^https?:\/\//i.test(url)) throw new VigieError('E_USAGE', '--server expects an http:// or https:// URL');
  return createLookupClient({ baseUrl: url });
}

/** Resolves on the first SIGINT or SIGTERM (Ctrl-C, a container stop), with the signal's name. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Serves until `until()` settles (asked once listening), then drains in-flight requests, closes the store, returns 0. */
export async function serve(config: Config, io: CliIo, until: () => Promise<unknown>): Promise<number> {
  // Buffered writes to fd 1 when stdout is the process's; an injected stream (tests) is written as is.
  const { logger, close: closeLogger } = createServerLogger(io.stdout === process.stdout ? {} : { stream: io.stdout });
  let running: RunningServer;
  try {
    running = await startServer(config, logger);
  } catch (error) {
    await closeLogger();
    throw error;
  }
  logger.info(
    {
      url: running.url,
      rateLimit: config.rateLimit,
      rateLimitStore: config.redisUrl === null ? 'memory' : `redis (failure ${config.redisFailure})`,
      trustedProxies: config.trustedProxies.length,
      hsts: config.hsts,
      evalThreads: evalThreadsOf(config),
    },
    'vigie serve listening',
  );
  println(io.stderr, `vigie serve: listening on ${running.url} (Ctrl-C to stop)`);
  if (!running.portal && config.portal === 'default') println(io.stderr, 'vigie serve: the portal is not built (npm run build): serving the API alone');
  try {
    const signal = await until();
    logger.info({ signal: typeof signal === 'string' ? signal : undefined }, 'shutting down');
  } finally {
    await running.close();
    logger.info('stopped');
    await closeLogger();
  }
  return 0;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the portal and the Lookup API over HTTP (private checks, notices, buckets, metrics)',
  usage: 'vigie serve [--port 8080] [--host 127.0.0.1] [--controller controller.json] [--eval-threads N]',
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    controller: { type: 'string' },
    'eval-threads': { type: 'string' },
  },
  async run({ values }, io) {
    const config = loadConfig(io);
    const port = typeof values['port'] === 'string' ? asUsage(() => parsePort(values['port'] as string, '--port')) : config.port;
    const host = typeof values['host'] === 'string' ? values['host'] : config.host;
    const controllerFile = typeof values['controller'] === 'string' ? values['controller'] : config.controllerFile;
    const evalThreads =
      typeof values['eval-threads'] === 'string' ? asUsage(() => parseThreads(values['eval-threads'] as string, '--eval-threads')) : config.evalThreads;
    return serve({ ...config, port, host, controllerFile, evalThreads }, io, untilSignal);
  },
};

/** A flag's value checked by a configuration parser: its complaint is a usage error, not a configuration one. */
function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new VigieError('E_USAGE', (error as Error).message);
  }
}

/** The dashboard reads the notice outbox and the dossier log, which live in the SQLite store alone for now. */
function sqliteOnly(store: Store, what: string): SqliteStore {
  if (!(store instanceof SqliteStore)) throw new VigieError('E_CONFIG', `${what} runs on a SQLite store only for now: unset it, or set VIGIE_DB to a SQLite file`);
  return store;
}
