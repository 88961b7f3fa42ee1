// Delimiter sniffing.

import { describe, expect, it } from 'vitest';
import { sniffDelimiter } from './dialect.js';

describe('sniffDelimiter', () => {
  it.each([
    ['NOM;PRENOM;VILLE\nDupont;Jean;Paris, 15e\n', ';'],
    ['NOM,PRENOM\nDupont,Jean\n', ','],
    ['NOM\tPRENOM\nDupont\tJean\n', '\t'],
    ['"NOM, PRENOM";VILLE\n"Dupont, Jean";Paris\n', ';'],
    ['NOM;PRENOM,X\n1;2,3\n4;5,6\n', ';'],
    ['NOM,PRENOM;VILLE\na,b;c\nd;e;f\ng;h;i\n', ';'],
    ['EMAIL\na@b.fr\n', null],
    ['', null],
  ])('%j -> %j', (text, expected) => {
    expect(sniffDelimiter(text)).toBe(expected);
  });

  it('prefers the delimiter that the data lines confirm', () => {
    // The header has one comma and one semicolon; the rows have two semicolons.
    expect(sniffDelimiter('A,B;C\n1;2;3\n4;5;6\n')).toBe(';');
  });

  it("follows Excel's sep= line", () => {
    expect(sniffDelimiter('sep=,\r\nA;B;C\n1;2;3\n')).toBe(',');
    expect(sniffDelimiter('SEP=;\nA,B\n')).toBe(';');
  });

  it('lets a .tsv hint break ties', () => {
    expect(sniffDelimiter('A\tB;C\n1\t2;3\n', '\t')).toBe('\t');
    expect(sniffDelimiter('A\tB;C\n1\t2;3\n')).toBe(';');
  });
});
