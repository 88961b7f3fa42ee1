// Property tests for reading notice codes back (DESIGN §5): every way a person may retype a printed code (case,
// spaces, dashes of any kind, O for 0, I or L for 1) maps back to the same code, hence the same notice.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveNoticeKeysSync } from '../src/crypto/node.js';
import { formatNoticeCode, generateNoticeCode, NOTICE_CODE_ALPHABET, parseNoticeCode } from '../src/crypto/notice-code.js';

const code = fc.uint8Array({ minLength: 10, maxLength: 10 }).map((bytes) => generateNoticeCode(() => bytes));
const SEPARATORS = ['', '', '', ' ', '  ', '-', '–', '—', '\u2212', '\u00a0', '\u202f', '\t'];

/** One tolerated misspelling of a character of a canonical code. */
function misspell(c: string, variant: number): string {
  const lower = variant % 2 === 1;
  if (c === '0') return ['0', 'O', 'o'][variant % 3]!;
  if (c === '1') return ['1', 'I', 'i', 'L', 'l'][variant % 5]!;
  return lower ? c.toLowerCase() : c;
}

describe('notice code read-back', () => {
  it('property: every tolerated misspelling of a code maps back to it, and to the same notice id', () => {
    fc.assert(
      fc.property(code, fc.array(fc.nat(), { minLength: 16, maxLength: 16 }), fc.array(fc.constantFrom(...SEPARATORS), { minLength: 17, maxLength: 17 }), (c, variants, seps) => {
        let typed = seps[0]!;
        for (let i = 0; i < 16; i++) typed += misspell(c[i]!, variants[i]!) + seps[i + 1]!;
        expect(parseNoticeCode(typed)).toBe(c);
        expect(deriveNoticeKeysSync(parseNoticeCode(typed)!).noticeId).toBe(deriveNoticeKeysSync(c).noticeId);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: the printed form reads back; a code with a character dropped, added or replaced by U does not read as it', () => {
    fc.assert(
      fc.property(code, fc.nat({ max: 15 }), (c, at) => {
        expect(parseNoticeCode(formatNoticeCode(c))).toBe(c);
        expect(parseNoticeCode(c.slice(0, at) + c.slice(at + 1))).toBeNull();
        expect(parseNoticeCode(c + NOTICE_CODE_ALPHABET[at])).toBeNull();
        expect(parseNoticeCode(`${c.slice(0, at)}U${c.slice(at + 1)}`)).toBeNull();
      }),
    );
  });
});
