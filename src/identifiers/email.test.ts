import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeEmail } from './email.js';

describe('normalizeEmail', () => {
  it.each([
    ['jean.dupont@example.fr', 'jean.dupont@example.fr'],
    ['Jean.Dupont@Example.FR', 'jean.dupont@example.fr'],
    ['  jean.dupont@example.fr \t', 'jean.dupont@example.fr'],
    ['mailto:jean.dupont@example.fr', 'jean.dupont@example.fr'],
    ['MAILTO:Jean.Dupont@example.fr', 'jean.dupont@example.fr'],
    ['<jean.dupont@example.fr>', 'jean.dupont@example.fr'],
    ['< jean.dupont@example.fr >', 'jean.dupont@example.fr'],
    ['<mailto:jean.dupont@example.fr>', 'jean.dupont@example.fr'],
    ['mailto:<jean.dupont@example.fr>', 'jean.dupont@example.fr'],
    ['jean+labo@mail.example.co.uk', 'jean+labo@mail.example.co.uk'],
    // Unicode: NFC whatever the input form, lower-cased.
    ['hélène@exemple.fr', 'hélène@exemple.fr'],
    ['he\u0301le\u0300ne@exemple.fr', 'hélène@exemple.fr'],
    ['HÉLÈNE@EXEMPLE.FR', 'hélène@exemple.fr'],
    ['HE\u0301LE\u0300NE@exemple.fr', 'hélène@exemple.fr'],
    ['jean@exemple.référence.fr', 'jean@exemple.référence.fr'],
  ])('accepts %j', (raw, value) => {
    expect(normalizeEmail(raw)).toEqual({ ok: true, value });
  });

  it.each([
    ['empty', '', 'empty'],
    ['blank', '   ', 'empty'],
    ['only mailto:', 'mailto:', 'empty'],
    ['no @', 'jean.dupont.example.fr', 'exactly one @'],
    ['two @', 'jean@dupont@example.fr', 'exactly one @'],
    ['@@', 'jean@@example.fr', 'exactly one @'],
    ['empty local part', '@example.fr', 'before the @'],
    ['domain without a dot', 'jean@example', 'invalid domain'],
    ['empty domain', 'jean@', 'invalid domain'],
    ['domain starting with a dot', 'jean@.example.fr', 'invalid domain'],
    ['domain ending with a dot', 'jean@example.fr.', 'invalid domain'],
    ['empty label', 'jean@example..fr', 'invalid domain'],
    ['a space inside', 'jean dupont@example.fr', 'spaces'],
    ['a no-break space inside', 'jean\u00a0dupont@example.fr', 'spaces'],
    ['a display name', 'Jean Dupont <jean@example.fr>', 'spaces'],
    ['a control character', 'jean\u0001@example.fr', 'control'],
  ])('rejects %s', (_case, raw, reason) => {
    const result = normalizeEmail(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('is idempotent on any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.emailAddress()), (raw) => {
        const once = normalizeEmail(raw);
        if (once.ok) expect(normalizeEmail(once.value)).toEqual(once);
      }),
      { numRuns: 2000 },
    );
  });

  const accented = fc.constantFrom('é', 'è', 'ç', 'ß', 'ø', 'İ', 'Σ', 'ñ', 'a', 'z', '0', '.');
  const address = fc.oneof(
    fc.emailAddress(),
    fc
      .tuple(fc.array(accented, { minLength: 1, maxLength: 8 }), fc.emailAddress())
      .map(([local, base]) => `${local.join('').replace(/^\.|\.$/g, 'x')}x${base}`),
  );

  it('gives the same value for every spelling of an address', () => {
    const variant = fc.record({
      address,
      upper: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
      wrap: fc.constantFrom(
        (a: string) => a,
        (a: string) => `mailto:${a}`,
        (a: string) => `<${a}>`,
        (a: string) => `<mailto:${a}>`,
        (a: string) => `MAILTO:<${a}>`,
      ),
      decompose: fc.boolean(),
      before: fc.constantFrom('', ' ', '\t '),
      after: fc.constantFrom('', ' ', ' \n'),
    });
    fc.assert(
      fc.property(variant, ({ address: clean, upper, wrap, decompose, before, after }) => {
        const expected = normalizeEmail(clean);
        // Case changes a person could make (ß has no single-letter upper case: STRASSE is another address).
        let s = [...clean].map((ch, i) => (upper[i % upper.length] && ch !== 'ß' ? ch.toUpperCase() : ch)).join('');
        if (decompose) s = s.normalize('NFD');
        expect(normalizeEmail(before + wrap(s) + after)).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts what fast-check considers a valid address', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (raw) => {
        expect(normalizeEmail(raw).ok).toBe(true);
      }),
    );
  });
});
