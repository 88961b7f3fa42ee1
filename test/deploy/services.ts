// What the scale-out tests share: whether Redis and nginx are here (skipped with a visible message when not, a
// failure on CI), free loopback ports, and throwaway redis-server processes that a test may stop, pause and start
// again. The shared Redis on 6379 is never stopped: outages are played on a server of the test's own.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, Socket } from 'node:net';

export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';
export const NGINX = '/usr/sbin/nginx';
const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p)) ?? null;

/** Whether a TCP connection to host:port opens within `ms`. */
export function reachable(port: number, host = '127.0.0.1', ms = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(ms, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.connect(port, host);
  });
}

/**
 * Whether the tests needing `what` run here: on CI (CI=true) a missing service is a failure, elsewhere the tests
 * are skipped with a message that shows in the run's output.
 */
export function servicesPresent(what: string, missing: string[]): boolean {
  if (missing.length === 0) return true;
  const reason = `${what}: ${missing.join(', ')} not available`;
  if (process.env['CI'] === 'true') throw new Error(`${reason} (CI=true: these tests must run)`);
  console.warn(`\n*** SKIPPED ${reason} ***\n`);
  return false;
}

/** What is missing for tests against the shared Redis on 6379. */
export async function missingSharedRedis(): Promise<string[]> {
  return (await reachable(6379)) ? [] : ['Redis on 127.0.0.1:6379'];
}

/** What is missing to start throwaway Redis servers (outages are played on those). */
export function missingRedisServer(): string[] {
  return REDIS_SERVER === null ? ['redis-server (apt-get install redis-server)'] : [];
}

export function missingNginx(): string[] {
  return existsSync(NGINX) ? [] : [`nginx (${NGINX}: apt-get install nginx)`];
}

/** A port free on the loopback interface at the time of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A redis-server of the test's own, on a port of its own, keeping nothing on disk. */
export interface ThrowawayRedis {
  port: number;
  url: string;
  /** Kills it (SIGKILL, by its pid): an outage. */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: a Redis that accepts connections but never answers. */
  pause(): void;
  resume(): void;
}

export async function startThrowawayRedis(): Promise<ThrowawayRedis> {
  if (REDIS_SERVER === null) throw new Error('redis-server is not installed');
  const port = await freePort();
  let child: ChildProcess | null = null;
  const redis: ThrowawayRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      const running = child;
      if (running === null || running.exitCode !== null) return;
      const exited = new Promise((r) => running.once('exit', r));
      running.kill('SIGCONT');
      running.kill('SIGKILL');
      await exited;
      child = null;
    },
    async start() {
      child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], {
        stdio: 'ignore',
      });
      await waitFor(`redis-server on ${port}`, () => reachable(port, '127.0.0.1', 200));
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
  };
  await redis.start();
  return redis;
}
