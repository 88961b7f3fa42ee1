// The portal's phone canonicalization gives the server's canonical form, byte for byte, for every prefix and for
// the spellings people type; and it asks for the full metadata exactly when its table cannot decide.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizePhone as serverNormalize } from '../identifiers/phone.js';
import { loadFullPhoneMetadata, normalizePhone, phoneNeedsFullMetadata } from './phone.js';

const SPELLINGS: ((nine: string) => string)[] = [
  (n) => `0${n}`,
  (n) => `0${n[0]} ${n.slice(1, 3)} ${n.slice(3, 5)} ${n.slice(5, 7)} ${n.slice(7)}`,
  (n) => `+33 ${n[0]} ${n.slice(1, 3)} ${n.slice(3, 5)} ${n.slice(5, 7)} ${n.slice(7)}`,
  (n) => `+33 (0)${n}`,
  (n) => `0033${n}`,
  (n) => `33${n}`,
  (n) => n,
  (n) => `0${n.slice(0, 3)}.${n.slice(3)}`,
];

describe('portal phone canonicalization', () => {
  it('answers French spellings without the full metadata, and throws rather than guess when it is needed', () => {
    expect(phoneNeedsFullMetadata('06 12 34 56 78')).toBe(false);
    expect(normalizePhone('06 12 34 56 78')).toEqual({ ok: true, value: '+33612345678' });
    expect(normalizePhone('0690 12 34 56')).toEqual({ ok: true, value: '+590690123456' });
    expect(phoneNeedsFullMetadata('+49 30 123456')).toBe(true);
    expect(phoneNeedsFullMetadata('Tel: 06 12 34 56 78')).toBe(true);
    expect(() => normalizePhone('+49 30 123456')).toThrow(/loadFullPhoneMetadata/);
  });

  it('equals the server on the lowest and highest number of every 5-digit prefix, in every spelling', async () => {
    await loadFullPhoneMetadata();
    let compared = 0;
    for (let prefix5 = 10_000; prefix5 <= 99_999; prefix5 += 1) {
      for (const suffix of ['0000', '9999']) {
        const nine = `${prefix5}${suffix}`;
        const spell = SPELLINGS[(prefix5 + Number(suffix)) % SPELLINGS.length]!;
        expect(normalizePhone(spell(nine)), spell(nine)).toEqual(serverNormalize(spell(nine)));
        compared++;
      }
    }
    expect(compared).toBe(180_000);
  });

  it('equals the server on random numbers, spellings and foreign numbers', async () => {
    await loadFullPhoneMetadata();
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{8}$/), fc.nat(SPELLINGS.length - 1), (nine, k) => {
        const typed = SPELLINGS[k]!(nine);
        expect(normalizePhone(typed)).toEqual(serverNormalize(typed));
      }),
      { numRuns: 3000 },
    );
    for (const typed of ['+49 30 1234567', '+1 202 555 0143', '0044 20 7946 0958', '(06) 12 34 56 78', 'abc', '06', '+33 1']) {
      expect(normalizePhone(typed), typed).toEqual(serverNormalize(typed));
    }
  });
});
