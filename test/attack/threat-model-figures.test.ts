// The figures docs/threat-model.md quotes, recomputed from the code's own parameters: if a parameter changes (bucket
// bits, entry layout, limits, code length, timeouts), this fails and names the figure to update in the document.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_NOTICE_RATE_LIMIT, DEFAULT_RATE_LIMIT } from '../../src/config.js';
import { GCM_TAG_BYTES, TAG_BYTES } from '../../src/crypto/hkdf-seal-params.js';
import { NOTICE_CODE_BITS } from '../../src/crypto/notice-code.js';
import { CATEGORIES, categoryMask } from '../../src/identifiers/categories.js';
import { payloadJson } from '../../src/index/index-builder.js';
import { chooseBucketBits, TARGET_MEAN_ENTRIES } from '../../src/lookup/bucket.js';
import { MIN_ADMIN_TOKEN_LENGTH } from '../../src/server/admin.js';

/** Distinct identifiers of the 2021 leak's full-size synthetic file (docs/benchmarks.md, ingest). */
const LEAK_2021 = 1_662_084;

describe('the figures of the threat model', () => {
  it('§2: b = 15 for the 2021 leak (32,768 buckets, mean 50.7), b = 21 for a national one', () => {
    expect(TARGET_MEAN_ENTRIES).toBe(64);
    expect(chooseBucketBits(LEAK_2021)).toBe(15);
    expect(LEAK_2021 / 2 ** 15).toBeCloseTo(50.7, 1);
    expect(chooseBucketBits(33e6 * 3.4)).toBe(21);
  });

  it('§2: an entry of one breach with all 12 categories is 16 + 192 + 16 = 224 bytes', () => {
    const plaintext = Math.ceil(Buffer.byteLength(payloadJson([{ id: 'labos-2021', cats: categoryMask(CATEGORIES) }])) / 16) * 16;
    expect(CATEGORIES.length).toBe(12);
    expect(TAG_BYTES + plaintext + GCM_TAG_BYTES).toBe(224);
  });

  it('§2, §4.7: 20 evaluations at once then 1 a second (3,620 the first hour); notices 10 then 1 every 10 s', () => {
    expect(DEFAULT_RATE_LIMIT).toEqual({ burst: 20, refillPerSecond: 1 });
    expect(DEFAULT_RATE_LIMIT.burst + 3600 * DEFAULT_RATE_LIMIT.refillPerSecond).toBe(3620);
    expect(DEFAULT_NOTICE_RATE_LIMIT).toEqual({ burst: 10, refillPerSecond: 0.1 });
  });

  it('§3: among the 999 NIRs of one birth date and place, about 0.03 others share a NIR\'s bucket at b = 15', () => {
    const bits = chooseBucketBits(LEAK_2021);
    const bucketOf = (c: string) => createHash('sha256').update('vigie/v1/bucket').update(c).digest().readUInt32BE(0) >>> (32 - bits);
    // Over many neighbourhoods, the mean number of other candidates in a candidate's bucket.
    let others = 0;
    let candidates = 0;
    for (let n = 0; n < 40; n++) {
      const prefix = `1${String(50 + n).padStart(2, '0')}0775${String(100 + n).padStart(3, '0')}`;
      const counts = new Map<number, number>();
      const buckets = Array.from({ length: 999 }, (_, i) => bucketOf(`nir:${prefix}${String(i + 1).padStart(3, '0')}`));
      for (const b of buckets) counts.set(b, (counts.get(b) ?? 0) + 1);
      for (const b of buckets) others += counts.get(b)! - 1;
      candidates += buckets.length;
    }
    const mean = others / candidates;
    expect(998 / 2 ** bits).toBeCloseTo(0.03, 2);
    expect(mean).toBeLessThan(0.06);
  });

  it('§4.8: notice codes of 80 bits; 491,840 notices give 4 × 10^-19 per guess', () => {
    expect(NOTICE_CODE_BITS).toBe(80);
    expect(491_840 / 2 ** NOTICE_CODE_BITS).toBeCloseTo(4.07e-19, 20);
  });

  it('§2: admin tokens of 32 characters at least', () => {
    expect(MIN_ADMIN_TOKEN_LENGTH).toBe(32);
  });
});
