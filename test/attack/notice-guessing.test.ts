// Red team, notice codes (DESIGN §5; docs/threat-model.md "notice codes"): a letter's code is 80 random bits and the
// server stores notices under noticeId = HKDF(code), 128 bits, sealed under another key derived from the code. An
// attacker guessing ids gets 404 for each, a budget of its own per address (10 at once, then one every 10 s), and no
// answer that says "close": ids near a real one are as unknown as random ones, in the same words and about the time.

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveNoticeKeys } from '../../src/crypto/hkdf-seal.js';
import { parseNoticeCode } from '../../src/crypto/notice-code.js';
import type { NoticeDocument } from '../../src/lookup/notice.js';
import { createMemoryRateLimitStore } from '../../src/server/rate-limit/index.js';
import { sealNotice } from '../../src/server/test-fixture.js';
import { buildTarget, shippedLimits, type Target } from './harness.js';

const doc: NoticeDocument = {
  v: 1,
  breach: 'labos-2021',
  reference: 'LABEX-2021-000042',
  lang: 'fr',
  issuedAt: '2021-03-15',
  labs: ['LAB01'],
  categories: ['identity', 'nir', 'health_comment'],
  masked: { nir: '2 55 08 ** *** *** 38' },
};

let target: Target;
let noticeId: string;
const randomId = () => randomBytes(16).toString('base64url');
/** Ids that differ from the real one in one character only (the last one keeps its 2 significant bits). */
const nearMisses = (): string[] => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return [...alphabet].filter((ch) => ch !== noticeId[0]).map((ch) => `${ch}${noticeId.slice(1)}`);
};

beforeAll(async () => {
  target = await buildTarget({ csv: 'NOM;NIR\nMARTIN;255081416802538\n' });
  const code = await sealNotice(target.store, doc);
  noticeId = (await deriveNoticeKeys(parseNoticeCode(code)!)).noticeId;
  // A realistic table: a few thousand other notices around the real one.
  for (let i = 0; i < 2000; i++) await sealNotice(target.store, { ...doc, reference: `LABEX-2021-${i}` });
}, 120_000);

afterAll(async () => {
  await target?.close();
});

describe('guessing notice ids', () => {
  it('answers 404 to random ids, then 429 past the budget of the address; the real id answers once the wait is over', async () => {
    const limits = shippedLimits().notice;
    expect(limits).toEqual({ burst: 10, refillPerSecond: 0.1 });
    let nowMs = 0;
    const app = target.app({ noticeRateLimit: createMemoryRateLimitStore({ ...limits, now: () => nowMs }) });
    const get = (id: string) => app.inject({ url: `/v1/notices/${id}`, remoteAddress: '198.51.100.60' });
    for (let i = 0; i < limits.burst; i++) {
      const r = await get(randomId());
      expect(r.statusCode).toBe(404);
      expect(r.json()).toEqual({ error: { code: 'E_NOT_FOUND', message: 'no such notice' } });
    }
    const refused = await get(noticeId);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBe(1 / limits.refillPerSecond);
    // 10 + 360 guesses an hour per address; against 2^80 codes (or 2^128 ids), not a search anyone can run.
    nowMs += 10_000;
    const opened = await get(noticeId);
    expect(opened.statusCode).toBe(200);
    expect(opened.headers['content-type']).toBe('application/octet-stream');
    expect((await get(randomId())).statusCode).toBe(429);
  });

  it('answers ids one character away from a real one exactly as random ones: 404, the same body and headers', async () => {
    const app = target.app({ noticeRateLimit: null });
    const shape = async (id: string) => {
      const r = await app.inject(`/v1/notices/${id}`);
      const { date: _date, ...headers } = r.headers;
      return { status: r.statusCode, body: r.body, headers };
    };
    const reference = await shape(randomId());
    expect(reference.status).toBe(404);
    for (const id of nearMisses()) expect(await shape(id)).toEqual(reference);
  });

  it('takes about the same time for near misses and random ids (interleaved medians within a factor of 1.5)', async () => {
    const app = target.app({ noticeRateLimit: null });
    const near = nearMisses();
    const time = async (id: string) => {
      const start = process.hrtime.bigint();
      await app.inject(`/v1/notices/${id}`);
      return Number(process.hrtime.bigint() - start);
    };
    for (let i = 0; i < 50; i++) await time(randomId()); // warm-up
    const a: number[] = [];
    const b: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (const id of near) {
        a.push(await time(id));
        b.push(await time(randomId()));
      }
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
    const ratio = median(a) / median(b);
    expect(ratio).toBeGreaterThan(1 / 1.5);
    expect(ratio).toBeLessThan(1.5);
  });

  it('refuses ids that are not 22 characters of canonical base64url with 400, never reaching the store', async () => {
    const app = target.app({ noticeRateLimit: null });
    const lastBitsSet = `${noticeId.slice(0, 21)}${noticeId[21] === 'B' ? 'C' : 'B'}`;
    for (const id of [noticeId.slice(1), `${noticeId}A`, lastBitsSet, '..%2F..%2Fetc%2Fpasswd', `${noticeId.slice(0, 20)}%00`, `${noticeId.slice(0, 21)}=`]) {
      const r = await app.inject(`/v1/notices/${id}`);
      expect(r.statusCode, id).toBe(400);
    }
  });
});
