// Property: any table written as CSV with proper quoting, in any dialect and encoding we read,
// comes back exactly (cells trimmed, blank rows skipped) with the right line numbers, whatever the
// read size.

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { utf8Evidence } from './encoding.js';
import { openSource } from './source.js';
import { CP1252_EXTRA, cp1252, readAll, tempFolder } from './test-helpers.js';
import type { SourceRow } from './types.js';

const folder = tempFolder();
afterAll(() => folder.remove());

const HEADERS = ['NOM', 'PRENOM', 'VILLE', 'EMAIL', 'CP', 'SEXE'];

type Encoding = 'utf-8' | 'utf-8-bom' | 'windows-1252';

const piece = (encoding: Encoding): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('a', 'Z', '0', ' ', '  ', ';', ',', '\t', '"', '""', '\n', '\r', '\r\n', "'", '-', '.'),
    fc.constantFrom(...CP1252_EXTRA),
    ...(encoding === 'windows-1252' ? [] : [fc.constantFrom('𝄞', '日本', 'ʤ', '\u00a0', '\ufeff', '😀')]),
  );

const cell = (encoding: Encoding): fc.Arbitrary<string> =>
  fc.array(piece(encoding), { maxLength: 6 }).map((pieces) => pieces.join(''));

const caseArbitrary = fc
  .record({
    encoding: fc.constantFrom<Encoding>('utf-8', 'utf-8-bom', 'windows-1252'),
    delimiter: fc.constantFrom(',', ';', '\t'),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
    width: fc.integer({ min: 1, max: HEADERS.length }),
    finalEol: fc.boolean(),
    chunkSize: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constant(65536)),
  })
  .chain((c) =>
    fc.record({
      c: fc.constant(c),
      rows: fc.array(fc.array(fc.tuple(cell(c.encoding), fc.boolean()), { minLength: c.width, maxLength: c.width }), {
        maxLength: 12,
      }),
    }),
  );

/** Line breaks (CRLF, CR or LF) in a string, as an editor counts lines. */
function breaks(text: string): number {
  return (text.match(/\r\n|\r|\n/g) ?? []).length;
}

describe('CSV round trip (fast-check)', () => {
  it('reads back any table written in any dialect and encoding', async () => {
    await fc.assert(
      fc.asyncProperty(caseArbitrary, async ({ c, rows }) => {
        const quote = (value: string, always: boolean): string =>
          always || /[",;\t\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
        const header = HEADERS.slice(0, c.width);
        const records = [header.join(c.delimiter), ...rows.map((r) => r.map(([v, q]) => quote(v, q)).join(c.delimiter))];
        const text = records.join(c.eol) + (c.finalEol ? c.eol : '');
        const bytes =
          c.encoding === 'windows-1252'
            ? cp1252(text)
            : Buffer.concat([Buffer.from(c.encoding === 'utf-8-bom' ? [0xef, 0xbb, 0xbf] : []), Buffer.from(text)]);

        // Detection is by majority (encoding.ts): a Windows-1252 text whose non-ASCII bytes are
        // mostly valid UTF-8 by chance ("é«µ" is E9 AB B5, UTF-8 for U+9AF5) cannot be told from
        // UTF-8; random symbol soup makes such texts, French text practically never.
        if (c.encoding === 'windows-1252') {
          const { valid, invalid } = utf8Evidence(bytes, 0);
          fc.pre(valid <= invalid);
        }

        const expected: SourceRow[] = [];
        let line = 2;
        for (const row of rows) {
          const cells = row.map(([v]) => v.trim());
          if (cells.some((v) => v !== '')) expected.push({ line, cells });
          line += 1 + row.reduce((n, [v]) => n + breaks(v), 0);
        }

        const source = await openSource(folder.file('case.csv', bytes), { chunkSize: c.chunkSize });
        expect(source.info.delimiter).toBe(c.width > 1 ? c.delimiter : null);
        expect(source.info.columns.map((col) => col.header)).toEqual(header);
        expect(await readAll(source)).toEqual(expected);
        const hasNonAscii = [...text].some((ch) => ch.charCodeAt(0) >= 0x80);
        if (c.encoding === 'utf-8-bom' || hasNonAscii) {
          expect(source.info.encoding).toBe(c.encoding === 'windows-1252' ? 'windows-1252' : 'utf-8');
        }
      }),
      { numRuns: 500 },
    );
  });
});
