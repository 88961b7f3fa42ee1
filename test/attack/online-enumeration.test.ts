// Red team, online (DESIGN §1.3; docs/threat-model.md "someone who knows a victim's birth date and place"): a NIR is
// low-entropy, and whoever knows a person's sex, month and place of birth is left with the 999 order numbers of that
// neighbourhood (DATA.md §2). Each candidate costs one evaluation, and evaluations are rate-limited per address. This
// runs the whole enumeration against the limits `vigie serve` ships, on a simulated clock, and checks that what it
// costs is exactly what the budget says: the figures docs/threat-model.md quotes.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64uDecode } from '../../src/crypto/encoding.js';
import { deriveEntryKeysSync } from '../../src/crypto/node.js';
import { finalizeBatch } from '../../src/crypto/voprf-client.js';
import { nirKey } from '../../src/identifiers/index.js';
import { bucketHexOf } from '../../src/lookup/client.js';
import { createMemoryRateLimitStore } from '../../src/server/rate-limit/index.js';
import { fixtureNir } from '../../src/server/test-fixture.js';
import { blindAll, buildTarget, injectEvaluate, shippedLimits, type Target } from './harness.js';

/** Sex 2, born July 1985 in Paris (75056): the victim's neighbourhood. */
const NEIGHBOURHOOD = '2850775056';
/** The order numbers of the persons of that neighbourhood who are in the leak. */
const IN_LEAK = [7, 42, 311, 640, 999];
const candidates = Array.from({ length: 999 }, (_, i) => `nir:${NEIGHBOURHOOD}${String(i + 1).padStart(3, '0')}`);

let target: Target;

beforeAll(async () => {
  const bodies = [...IN_LEAK.map((o) => `${NEIGHBOURHOOD}${String(o).padStart(3, '0')}`)];
  for (let i = 0; bodies.length < 400; i++) if (!fixtureNir(i).startsWith(NEIGHBOURHOOD)) bodies.push(fixtureNir(i));
  const lines = bodies.map((body, i) => `PATIENT${i};${body}${String(nirKey(body)).padStart(2, '0')}`);
  target = await buildTarget({ csv: `NOM;NIR\n${lines.join('\n')}\n` });
}, 120_000);

afterAll(async () => {
  await target?.close();
});

interface Run {
  /** Candidates evaluated before the first 429. */
  beforeFirstRefusal: number;
  /** Simulated seconds from the first request to the last evaluation. */
  seconds: number;
  requests: number;
  refusals: number;
  /** Order numbers the attacker found in the index (only when he also matched). */
  found: number[];
}

/**
 * The attacker's loop: single candidates while the burst lasts (the most a burst can give), then batches of 8
 * (DESIGN §4's maximum), waiting exactly what Retry-After says after each 429, rotating over `addresses`.
 */
async function enumerate(addresses: string[], match: boolean): Promise<Run> {
  const limits = shippedLimits().evaluate;
  let nowMs = 0;
  const limiter = createMemoryRateLimitStore({ ...limits, now: () => nowMs });
  const app = target.app({ rateLimit: limiter });
  const manifest = target.manifest;
  const buckets = new Map<string, Buffer>();
  const run: Run = { beforeFirstRefusal: 0, seconds: 0, requests: 0, refusals: 0, found: [] };
  let next = 0;
  let refused = false;
  let turn = 0;
  while (next < candidates.length) {
    const size = refused ? Math.min(8, candidates.length - next) : 1;
    const batch = candidates.slice(next, next + size);
    const { blinds, blinded } = blindAll(batch);
    const address = addresses[turn++ % addresses.length]!;
    const response = await injectEvaluate(app, { keyId: target.key.keyId, blinded }, address);
    run.requests++;
    if (response.statusCode === 429) {
      expect(response.json()).toEqual({ error: { code: 'E_RATE_LIMITED', message: expect.any(String) } });
      const retryAfter = Number(response.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      run.refusals++;
      refused = true;
      // One address waits; several wait only when every one of them has been refused in this round.
      if (run.refusals % addresses.length === 0) nowMs += retryAfter * 1000;
      continue;
    }
    expect(response.statusCode).toBe(200);
    if (!refused) run.beforeFirstRefusal += size;
    run.seconds = nowMs / 1000;
    next += size;
    if (!match) continue;
    const { evaluated, proof } = response.json() as { evaluated: string[]; proof: string };
    const ys = finalizeBatch(
      batch.map((c) => new TextEncoder().encode(c)),
      blinds.map((b) => b.blind),
      blinds.map((b) => b.blindedElement),
      evaluated.map(b64uDecode),
      b64uDecode(proof),
      target.key.publicKey,
    );
    for (const [i, c] of batch.entries()) {
      const hex = await bucketHexOf(c, manifest.bucketBits);
      let bucket = buckets.get(hex);
      if (bucket === undefined) {
        bucket = (await app.inject(`/v1/indexes/${manifest.indexId}/buckets/${hex}`)).rawPayload;
        buckets.set(hex, bucket);
      }
      const { tag } = deriveEntryKeysSync(ys[i]!, manifest.indexId);
      for (let offset = 0; offset < bucket.length; offset += manifest.entrySize) {
        if (bucket.subarray(offset, offset + tag.length).equals(tag)) run.found.push(Number(c.slice(-3)));
      }
    }
  }
  return run;
}

describe('enumerating the 999 NIRs of one birth date and place, under the shipped limits', () => {
  it('from one address: the burst, then one candidate a second; about 16 minutes for the whole neighbourhood', async () => {
    const { burst, refillPerSecond } = shippedLimits().evaluate;
    expect({ burst, refillPerSecond }).toEqual({ burst: 20, refillPerSecond: 1 });
    const run = await enumerate(['198.51.100.23'], true);
    // The budget, exactly: `burst` at once...
    expect(run.beforeFirstRefusal).toBe(burst);
    // ...then the rest at the refill rate (batches of 8 and whole-second Retry-After round up by less than a batch).
    const floor = (candidates.length - burst) / refillPerSecond;
    expect(run.seconds).toBeGreaterThanOrEqual(floor);
    expect(run.seconds).toBeLessThanOrEqual(floor + 8 / refillPerSecond);
    // 979 s: 16 min 19 s. The attack works; what the limit buys is time, and the operator's metrics see it.
    expect(floor / 60).toBeCloseTo(16.3, 1);
    // The attacker learns which order numbers of the neighbourhood are in the leak, and nothing else.
    expect(run.found.sort((a, b) => a - b)).toEqual(IN_LEAK);
  }, 60_000);

  it('from many addresses: the time divides by their number (the residual risk a botnet is)', async () => {
    const { burst } = shippedLimits().evaluate;
    const four = ['198.51.100.1', '198.51.100.2', '2001:db8:1::1', '2001:db8:2::1'];
    const run = await enumerate(four, false);
    expect(run.beforeFirstRefusal).toBe(four.length * burst);
    const floor = (candidates.length - four.length * burst) / four.length;
    expect(run.seconds).toBeGreaterThanOrEqual(floor - 8);
    expect(run.seconds).toBeLessThanOrEqual(floor + 8);
  }, 60_000);
});
