import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeName, personValue } from './person.js';

describe('normalizeName', () => {
  it.each([
    ['Jean-Pierre', 'JEAN PIERRE'],
    ['JEAN PIERRE', 'JEAN PIERRE'],
    ['jean  pierre', 'JEAN PIERRE'],
    ['  Jean - Pierre  ', 'JEAN PIERRE'],
    ['jean\u00a0pierre', 'JEAN PIERRE'],
    ['jean\u2003pierre', 'JEAN PIERRE'], // em space
    ['jean\tpierre', 'JEAN PIERRE'],
    ['Jean–Pierre', 'JEAN PIERRE'], // en dash
    ["D'Artagnan", 'D ARTAGNAN'],
    ['D’ARTAGNAN', 'D ARTAGNAN'],
    ['d artagnan', 'D ARTAGNAN'],
    ['d‘artagnan', 'D ARTAGNAN'],
    ['d`artagnan', 'D ARTAGNAN'],
    ["d ' artagnan", 'D ARTAGNAN'],
    ['Hélène', 'HELENE'],
    ['He\u0301le\u0300ne', 'HELENE'], // decomposed input
    ['HÉLÈNE', 'HELENE'],
    ['François', 'FRANCOIS'],
    ['Anaïs', 'ANAIS'],
    ['Müller', 'MULLER'],
    ['Strauß', 'STRAUSS'],
    ['Lætitia', 'LAETITIA'],
    ['ŒDIPE', 'OEDIPE'],
    ['cœur', 'COEUR'],
    ['Søren', 'SOREN'],
    ['Łukasz', 'LUKASZ'],
    ['Dupont.', 'DUPONT'],
    ['St. Jean', 'ST JEAN'],
    ['Dupont (Martin)', 'DUPONT MARTIN'],
    ['le goff', 'LE GOFF'],
    ['Σοφία', 'ΣΟΦΙΑ'], // other scripts are kept, folded the same way
  ])('folds %j to %j', (raw, value) => {
    expect(normalizeName(raw)).toEqual({ ok: true, value });
  });

  it.each([
    ['empty', '', 'empty'],
    ['blank', '   ', 'empty'],
    ['only separators', " - ' ", 'empty'],
    ['only punctuation', '...', 'empty'],
    ['a digit', 'Dupont2', 'digits'],
    ['a digit after accents', 'Hélène 3', 'digits'],
    ['a non-Latin digit', 'Dupont ٣', 'digits'],
  ])('rejects %s', (_case, raw, reason) => {
    const result = normalizeName(raw);
    expect(result).toEqual({ ok: false, reason: `"name" ${reason === 'empty' ? 'is empty' : 'contains digits'}` });
  });

  it('is idempotent on any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-ascii' })), (raw) => {
        const once = normalizeName(raw);
        if (once.ok) expect(normalizeName(once.value)).toEqual(once);
      }),
      { numRuns: 5000 },
    );
  });

  it('gives the clean name for every spelling of it (case, accents, separators)', () => {
    fc.assert(
      fc.property(nameWords.chain((words) => fc.tuple(fc.constant(words), spelledName(words))), ([words, raw]) => {
        expect(normalizeName(raw)).toEqual({ ok: true, value: words.join(' ') });
      }),
      { numRuns: 3000 },
    );
  });
});

/** A clean name: 1 to 3 words of capital letters A-Z. */
const nameWords = fc.array(
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), minLength: 1, maxLength: 10 }),
  { minLength: 1, maxLength: 3 },
);

/** How a letter may be written: other case, precomposed or decomposed diacritics, ligature halves aside. */
const LETTER_SPELLINGS: Record<string, string[]> = {
  A: ['A', 'a', 'À', 'à', 'Â', 'â', 'Ä', 'ä', 'a\u0300'],
  E: ['E', 'e', 'É', 'é', 'È', 'è', 'Ê', 'ê', 'Ë', 'ë', 'e\u0301', 'E\u0301'],
  I: ['I', 'i', 'Î', 'î', 'Ï', 'ï'],
  O: ['O', 'o', 'Ô', 'ô', 'Ö', 'ö', 'Ø', 'ø'],
  U: ['U', 'u', 'Ù', 'ù', 'Û', 'û', 'Ü', 'ü'],
  C: ['C', 'c', 'Ç', 'ç', 'c\u0327'],
  N: ['N', 'n', 'Ñ', 'ñ'],
  Y: ['Y', 'y', 'Ÿ', 'ÿ'],
};

function spelledName(words: string[]): fc.Arbitrary<string> {
  const letters = words.join('').length;
  return fc
    .record({
      picks: fc.array(fc.nat(), { minLength: letters, maxLength: letters }),
      separators: fc.array(fc.constantFrom(' ', '-', "'", '’', '‘', '`', '  ', ' - ', '\u00a0', '–'), { minLength: words.length, maxLength: words.length }),
      before: fc.constantFrom('', ' ', '  '),
      after: fc.constantFrom('', ' ', '.'),
    })
    .map(({ picks, separators, before, after }) => {
      let k = 0;
      const spelled = words.map((word) =>
        [...word]
          .map((letter) => {
            const options = LETTER_SPELLINGS[letter] ?? [letter, letter.toLowerCase()];
            return options[picks[k++]! % options.length];
          })
          .join(''),
      );
      let s = before + spelled[0];
      for (let i = 1; i < spelled.length; i++) s += separators[i]! + spelled[i];
      return s + after;
    });
}

describe('personValue', () => {
  it.each([
    ['Dupont', 'Jean-Pierre', '14/07/1990', 'DUPONT|JEAN PIERRE|1990-07-14'],
    ['DUPONT', 'JEAN PIERRE', '1990-07-14', 'DUPONT|JEAN PIERRE|1990-07-14'],
    ["d'Artagnan", 'Hélène', '1.2.1955', 'D ARTAGNAN|HELENE|1955-02-01'],
    ['Le Goff|Martin', 'Anne', '01/02/1955', 'LE GOFFMARTIN|ANNE|1955-02-01'], // a | in a name cannot split the value
  ])('%s / %s / %s -> %s', (last, first, date, value) => {
    expect(personValue(last, first, date)).toEqual({ ok: true, value });
  });

  it.each([
    ['', 'Jean', '14/07/1990', '"lastName" is empty'],
    ['Dupont', ' - ', '14/07/1990', '"firstName" is empty'],
    ['Dupont', 'Jean2', '14/07/1990', '"firstName" contains digits'],
    ['Dupont', 'Jean', '31/02/1990', '"birthDate" is not a real calendar date'],
    ['Dupont', 'Jean', '', '"birthDate" is empty'],
  ])('%j / %j / %j is refused: %s', (last, first, date, reason) => {
    expect(personValue(last, first, date)).toEqual({ ok: false, reason });
  });

  it('is idempotent on its normalized parts (ingest passes normalized parts)', () => {
    fc.assert(
      fc.property(nameWords, nameWords, fc.date({ min: new Date('1870-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }), (last, first, d) => {
        const iso = d.toISOString().slice(0, 10);
        const value = personValue(last.join(' '), first.join(' '), iso);
        expect(value).toEqual({ ok: true, value: `${last.join(' ')}|${first.join(' ')}|${iso}` });
      }),
    );
  });
});
