// Issue 7's must-holds on loopback, with deploy/nginx.conf as shipped (ports and prefix aside) in front of two
// `vigie serve` replicas sharing one store and one Redis (a throwaway redis-server this test starts, stops and
// starts again; the shared Redis on 6379 is never touched): one global rate limit within 5%; stopping a replica
// under load (SIGTERM, then SIGKILL) loses no request nginx can retry; a Redis outage fails closed and recovers.

import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStore, clientAddress, evaluateBody, keyIdOf, load, send, startNginx, startReplica, type Nginx, type Replica, type Workspace } from './cluster.js';
import { missingNginx, missingRedisServer, servicesPresent, startThrowawayRedis, waitFor, type ThrowawayRedis } from './services.js';

const run = servicesPresent('deploy tests (nginx in front of two replicas with Redis)', [...missingNginx(), ...missingRedisServer()]);

/** Burst of the evaluate budget; refilled so slowly (one token per 100 s) that a burst test sees the burst alone. */
const BURST = 100;

let ws: Workspace;
let redis: ThrowawayRedis;
let env: Record<string, string>;
const replicas: Replica[] = [];
let nginx: Nginx;
let keyId: string;

async function metricOf(replica: Replica, name: string): Promise<number> {
  const text = (await send(`${replica.url}/metrics`)).body;
  return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+(?:\\.\\d+)?)$`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);
}

function tally(counts: Map<number, number>): Record<string, number> {
  return Object.fromEntries([...counts].map(([status, n]) => [String(status), n]));
}

describe.skipIf(!run)('two replicas behind nginx, with Redis', () => {
  beforeAll(async () => {
    if (!existsSync(new URL('../../dist/src/cli/main.js', import.meta.url))) throw new Error('dist/ is not built: run "npm run build" first');
    ws = buildStore(2000);
    redis = await startThrowawayRedis();
    env = { VIGIE_REDIS_URL: redis.url, VIGIE_RATE_LIMIT: `${BURST}/0.01`, VIGIE_TRUSTED_PROXIES: '127.0.0.1' };
    replicas.push(await startReplica(ws, env), await startReplica(ws, env));
    nginx = await startNginx(replicas.map((r) => r.port));
    keyId = await keyIdOf(nginx.url);
  });

  afterAll(async () => {
    await nginx?.stop();
    for (const r of replicas) await r.stop('SIGTERM');
    await redis?.kill();
    ws?.remove();
  });

  it('enforces one budget across both replicas, within 5%, whatever X-Forwarded-For a client sends', async () => {
    const body = evaluateBody(keyId);
    const answers = await Promise.all(
      Array.from({ length: 3 * BURST }, (_, i) =>
        // The client forges a different X-Forwarded-For each time: nginx replaces it with the real address.
        send(`${nginx.url}/v1/evaluate`, { method: 'POST', body, localAddress: '127.0.0.2', headers: { 'X-Forwarded-For': `203.0.113.${i % 250}` } }),
      ),
    );
    const allowed = answers.filter((a) => a.status === 200).length;
    const refused = answers.filter((a) => a.status === 429);
    expect(allowed + refused.length).toBe(3 * BURST);
    expect(Math.abs(allowed - BURST)).toBeLessThanOrEqual(0.05 * BURST);
    expect(JSON.parse(refused[0]!.body)).toMatchObject({ error: { code: 'E_RATE_LIMITED' } });
    expect(Number(refused[0]!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Both replicas evaluated part of the burst: the budget is shared, not merely held by one of them.
    const perReplica = await Promise.all(replicas.map((r) => metricOf(r, 'vigie_evaluations_total')));
    expect(perReplica.every((n) => n > 0)).toBe(true);
    expect(perReplica.reduce((a, b) => a + b, 0)).toBe(allowed);
  });

  it('loses no request when a replica is stopped under load (SIGTERM: drains and exits 0; SIGKILL)', async () => {
    const body = evaluateBody(keyId);
    for (const [signal, block] of [
      ['SIGTERM', 10],
      ['SIGKILL', 20],
    ] as const) {
      let stop = false;
      // Each request from an address of its own: the budget is not what is measured here.
      const loading = load(nginx.url, body, 8, () => stop, (i) => clientAddress(block, i));
      await new Promise((r) => setTimeout(r, 1500));
      const victim = replicas[1]!;
      const code = await victim.stop(signal);
      await new Promise((r) => setTimeout(r, 1500));
      stop = true;
      const counts = tally(await loading);
      expect(Object.keys(counts).filter((s) => s !== '200' && s !== '429'), `${signal}: ${JSON.stringify(counts)}`).toEqual([]);
      expect(counts['200'] ?? 0).toBeGreaterThan(20);
      if (signal === 'SIGTERM') {
        expect(code).toBe(0);
        expect(victim.logs().at(-1)?.['msg']).toBe('stopped');
      }
      // Started again on the same port, as an orchestrator would, for the next round and the next test.
      replicas[1] = await startReplica(ws, env, victim.port);
    }
    // nginx did retry: some requests went to the stopped replica first, then to the other one.
    await new Promise((r) => setTimeout(r, 1200)); // the access log is flushed every second
    expect(nginx.accessLog()).toMatch(/evaluate 200 \d+ [\d.]+ upstream=127\.0\.0\.1:\d+, 127\.0\.0\.1:\d+/);
  }, 60_000);

  it('fails closed with 503 while Redis is unreachable, logs it once per replica, and recovers by itself', async () => {
    const body = evaluateBody(keyId);
    const evaluate = () => send(`${nginx.url}/v1/evaluate`, { method: 'POST', body, localAddress: '127.0.0.3' });
    expect((await evaluate()).status).toBe(200);
    await redis.kill();
    for (let i = 0; i < 6; i++) {
      const answer = await evaluate();
      expect(answer.status).toBe(503);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'E_RATE_LIMIT_UNAVAILABLE' } });
      expect(answer.headers['retry-after']).toBe('5');
    }
    for (const replica of replicas) {
      expect(JSON.parse((await send(`${replica.url}/healthz`)).body)).toMatchObject({ status: 'ok', rateLimit: 'down' });
      expect(await metricOf(replica, 'vigie_rate_limit_store_failures_total')).toBeGreaterThan(0);
    }

    await redis.start(); // empty, as after a restart: the script is sent again (NOSCRIPT)
    await waitFor('evaluations to be served again', async () => (await evaluate()).status === 200, 20_000);
    for (const replica of replicas) {
      await waitFor('the replica to see Redis again', async () => JSON.parse((await send(`${replica.url}/healthz`)).body).rateLimit === 'up', 10_000);
      await waitFor('the log lines to be flushed', () => replica.logs().some((l) => l['msg'] === 'rate-limit store reachable again'), 5000);
      const messages = replica.logs().map((l) => String(l['msg']));
      expect(messages.filter((m) => m.startsWith('rate-limit store unreachable'))).toHaveLength(1);
      expect(messages.filter((m) => m === 'rate-limit store reachable again')).toHaveLength(1);
    }
  }, 60_000);

  it('passes buckets with their year-long caching and keeps a copy; refuses large bodies in the API error shape', async () => {
    const manifest = JSON.parse((await send(`${nginx.url}/v1/index`)).body) as { indexId: string; bucketBits: number };
    const url = `${nginx.url}/v1/indexes/${manifest.indexId}/buckets/${'0'.repeat(Math.ceil(manifest.bucketBits / 4))}`;
    const first = await send(url);
    const second = await send(url);
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(second.headers['x-cache-status']).toBe('HIT');
    expect(second.body).toBe(first.body);
    const notModified = await send(url, { headers: { 'If-None-Match': String(first.headers['etag']) } });
    expect(notModified.status).toBe(304);

    const large = await send(`${nginx.url}/v1/evaluate`, { method: 'POST', body: 'x'.repeat(20_000), localAddress: '127.0.0.4' });
    expect(large.status).toBe(413);
    expect(JSON.parse(large.body)).toMatchObject({ error: { code: 'E_PAYLOAD_TOO_LARGE' } });
    expect((await send(`${nginx.url}/metrics`)).status).toBe(404);
  });
});
