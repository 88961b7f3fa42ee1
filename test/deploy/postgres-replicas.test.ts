// The architecture of docs/deploy.md with its real store: two `vigie serve` replicas on one PostgreSQL schema (this
// test's own, dropped at the end), a throwaway Redis, nginx from deploy/nginx.conf, and `vigie check --server`
// through nginx as a person's machine runs it.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStore, checkThrough, send, startNginx, startReplica, type Nginx, type Replica, type Workspace } from './cluster.js';
import { missingNginx, missingRedisServer, reachable, servicesPresent, startThrowawayRedis, type ThrowawayRedis } from './services.js';

const POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';
const run = servicesPresent('deploy tests on PostgreSQL', [
  ...missingNginx(),
  ...missingRedisServer(),
  ...((await reachable(5432)) ? [] : ['PostgreSQL on 127.0.0.1:5432']),
]);

describe.skipIf(!run)('two replicas on one PostgreSQL store behind nginx', () => {
  const schema = `vigie_deploy_${randomBytes(5).toString('hex')}`;
  let ws: Workspace;
  let redis: ThrowawayRedis;
  const replicas: Replica[] = [];
  let nginx: Nginx;

  beforeAll(async () => {
    ws = buildStore(500, `${POSTGRES}?schema=${schema}`);
    redis = await startThrowawayRedis();
    const env = { VIGIE_REDIS_URL: redis.url, VIGIE_TRUSTED_PROXIES: '127.0.0.1' };
    replicas.push(await startReplica(ws, env), await startReplica(ws, env));
    nginx = await startNginx(replicas.map((r) => r.port));
  });

  afterAll(async () => {
    await nginx?.stop();
    for (const r of replicas) await r.stop('SIGTERM');
    await redis?.kill();
    ws?.remove();
    // Only this test's schema: the database is shared.
    const client = new pg.Client({ connectionString: POSTGRES });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it('serves one index from both replicas, and a check through nginx finds a member and not a stranger', async () => {
    const [a, b] = await Promise.all(replicas.map(async (r) => JSON.parse((await send(`${r.url}/v1/index`)).body) as { indexId: string }));
    expect(a!.indexId).toMatch(/^[0-9a-f]{32}$/);
    expect(b!.indexId).toBe(a!.indexId);
    const person = JSON.parse(readFileSync(join(ws.dir, 'truth.jsonl'), 'utf8').split('\n')[0]!) as { nir: string };
    const member = checkThrough(nginx.url, '--nir', person.nir);
    expect(member.found).toBe(true);
    expect(member.matches.map((m) => m.type)).toEqual(['nir']);
    expect(checkThrough(nginx.url, '--nir', '1 84 12 75 123 456 19').found).toBe(false);
  });
});
