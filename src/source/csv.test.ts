// Reading CSV/TSV files end to end through openSource: csv-spectrum, encodings, dialects, errors, the Source handle.

import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { isVigieError } from '../errors.js';
import { openSource, openSourceStream } from './source.js';
import { cp1252, readAll, tempFolder } from './test-helpers.js';
import type { Mapping, SourceRow } from './types.js';

const folder = tempFolder();
afterAll(() => folder.remove());

const LAB_HEADER = 'CODE_LABO;NUM_DOSSIER;NOM;PRENOM;DATE_NAISSANCE;NIR;COMMENTAIRE_1;VILLE';

async function rowsOf(path: string, options?: Parameters<typeof openSource>[1]): Promise<SourceRow[]> {
  return readAll(await openSource(path, options));
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isVigieError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a VigieError');
}

describe('csv-spectrum', () => {
  const root = dirname(createRequire(import.meta.url).resolve('csv-spectrum/package.json'));
  const names = readdirSync(join(root, 'csvs')).map((f) => basename(f, '.csv'));

  it('has its cases', () => {
    expect(names.length).toBeGreaterThanOrEqual(12);
  });

  it.each(names)('%s', async (name) => {
    const csv = readFileSync(join(root, 'csvs', `${name}.csv`));
    let expected = JSON.parse(readFileSync(join(root, 'json', `${name}.json`), 'utf8')) as
      | Record<string, string>[]
      | Record<string, string>;
    if (!Array.isArray(expected)) expected = [expected];
    if (name === 'location_coordinates') {
      // Upstream defect: its JSON holds a different phone number than its CSV (2095257564).
      expected = expected.map((r) => ({ ...r, 'Contact Phone Number': '2095257564' }));
    }
    const headers = Object.keys(expected[0] ?? {});
    const mapping: Mapping = Object.fromEntries(headers.map((h) => [h, 'ignore']));
    for (const chunkSize of [64 * 1024, 1, 3]) {
      const source = await openSource(folder.file(`${name}.csv`, csv), { mapping, chunkSize });
      expect(source.info.delimiter).toBe(',');
      expect(source.info.columns.map((c) => c.header)).toEqual(headers);
      const rows = await readAll(source);
      expect(rows.map((r) => Object.fromEntries(headers.map((h, i) => [h, r.cells[i]])))).toEqual(expected);
      expect(rows.every((r) => r.error === undefined)).toBe(true);
    }
  });
});

describe('CSV dialects and encodings', () => {
  // A lab export as Windows-1252 with ';', CRLF, and a quoted comment spanning lines.
  const lines = [
    LAB_HEADER,
    'LAB01;D001;Lefèvre;Hélène;14/07/1990;2 90 07 75 123 456 78;"Levothyrox; contrôle ""TSH""\r\nà 3 mois";Besançon',
    'LAB01;D002;Cœur;François;01/02/1985;1 85 02 75 123 456 12;Coût 12 €;Évreux',
    '',
    'LAB02;D003;Noël;Zoé;03/03/2003;2 03 03 75 123 456 99;;"Saint-Étienne"',
  ];
  const text = lines.join('\r\n') + '\r\n';
  const expected: SourceRow[] = [
    { line: 2, cells: ['LAB01', 'D001', 'Lefèvre', 'Hélène', '14/07/1990', '2 90 07 75 123 456 78', 'Levothyrox; contrôle "TSH"\r\nà 3 mois', 'Besançon'] },
    { line: 4, cells: ['LAB01', 'D002', 'Cœur', 'François', '01/02/1985', '1 85 02 75 123 456 12', 'Coût 12 €', 'Évreux'] },
    { line: 6, cells: ['LAB02', 'D003', 'Noël', 'Zoé', '03/03/2003', '2 03 03 75 123 456 99', '', 'Saint-Étienne'] },
  ];

  it('reads a ; Windows-1252 file with accents, œ, € and a multi-line quoted cell, at any read size', async () => {
    const path = folder.file('lab-1252.csv', cp1252(text));
    for (const chunkSize of [65536, 1, 2, 5, 7]) {
      const source = await openSource(path, { chunkSize });
      expect(source.info).toMatchObject({ format: 'csv', encoding: 'windows-1252', delimiter: ';' });
      expect(await readAll(source)).toEqual(expected);
    }
  });

  it('reads the same file in UTF-8 with a BOM, and without', async () => {
    const bytes = Buffer.from(text, 'utf8');
    for (const [name, content] of [
      ['bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes])],
      ['nobom.csv', bytes],
    ] as const) {
      for (const chunkSize of [65536, 1, 3]) {
        const source = await openSource(folder.file(name, content), { chunkSize });
        expect(source.info.encoding).toBe('utf-8');
        expect(source.info.columns[0]?.header).toBe('CODE_LABO');
        expect(await readAll(source)).toEqual(expected);
      }
    }
  });

  it('reads tab-separated text, with LF, CR or CRLF line breaks', async () => {
    for (const eol of ['\n', '\r', '\r\n']) {
      const tsv = ['NOM\tPRENOM\tVILLE', 'Dupont\tJean\tSaint-Malo, Bretagne', '', 'Martin\tLéa\t"Rennes\tcentre"'].join(eol);
      for (const chunkSize of [65536, 1]) {
        const source = await openSource(folder.file('people.tsv', tsv), { chunkSize });
        expect(source.info.delimiter).toBe('\t');
        expect(await readAll(source)).toEqual([
          { line: 2, cells: ['Dupont', 'Jean', 'Saint-Malo, Bretagne'] },
          { line: 4, cells: ['Martin', 'Léa', 'Rennes\tcentre'] },
        ]);
      }
    }
  });

  it('sniffs "," when the header says so even if cells hold ";"', async () => {
    const csv = 'NOM,PRENOM,COMMENTAIRE\nDupont,Jean,"a;b;c"\nMartin,Léa,x;y\n';
    const source = await openSource(folder.file('comma.csv', csv));
    expect(source.info.delimiter).toBe(',');
    expect((await readAll(source)).map((r) => r.cells)).toEqual([
      ['Dupont', 'Jean', 'a;b;c'],
      ['Martin', 'Léa', 'x;y'],
    ]);
  });

  it('keeps line numbers right after multi-line cells and blank lines', async () => {
    const csv = 'NOM;COMMENTAIRE\n\nA;"one\ntwo\r\nthree\rfour"\nB;x\n\n\nC;"y\n"\n';
    const rows = await rowsOf(folder.file('lines.csv', csv));
    expect(rows.map((r) => [r.line, r.cells[0]])).toEqual([
      [3, 'A'],
      [7, 'B'],
      [10, 'C'],
    ]);
    expect(rows[0]?.cells[1]).toBe('one\ntwo\r\nthree\rfour');
  });

  it('trims cells, pads short rows, drops empty trailing cells and skips delimiter-only lines', async () => {
    const csv = ' NOM ; PRENOM ;VILLE;\n  Dupont ;"  Jean  "\nMartin;Léa;Rennes;;;\n;;;\n   \n';
    const source = await openSource(folder.file('trim.csv', csv));
    expect(source.info.columns.map((c) => c.header)).toEqual(['NOM', 'PRENOM', 'VILLE']);
    expect(await readAll(source)).toEqual([
      { line: 2, cells: ['Dupont', 'Jean', ''] },
      { line: 3, cells: ['Martin', 'Léa', 'Rennes'] },
    ]);
  });

  it('yields a row with too many fields, with an error and its line, and goes on', async () => {
    const csv = `${LAB_HEADER}\nL;1;A;B;C;D;E;F\nL;2;A;B;C;D;E;F;extra;more\nL;3;A;B;C;D;E;F\n`;
    const rows = await rowsOf(folder.file('wide.csv', csv));
    expect(rows.map((r) => [r.line, r.error])).toEqual([
      [2, undefined],
      [3, 'expected 8 fields, got 10'],
      [4, undefined],
    ]);
    expect(rows[1]?.cells).toHaveLength(10);
  });

  it('yields an unterminated quote at the end of the file as an error row', async () => {
    const csv = 'NOM;PRENOM\nDupont;Jean\nMartin;"Léa';
    for (const chunkSize of [65536, 1]) {
      const rows = await rowsOf(folder.file('open.csv', csv), { chunkSize });
      expect(rows).toEqual([
        { line: 2, cells: ['Dupont', 'Jean'] },
        { line: 3, cells: ['Martin', 'Léa'], error: 'unterminated quoted field' },
      ]);
    }
  });

  it('does not let a stray quote swallow the rest of the file', async () => {
    const csv = 'NOM;PRENOM;VILLE\nDupont;"Jean;Rennes\nMartin;Léa;Brest\nDurand;Paul;"Vannes"\nPetit;Ana;Caen\n';
    const rows = await rowsOf(folder.file('stray.csv', csv));
    expect(rows.map((r) => [r.line, r.cells[0], r.error])).toEqual([
      [2, 'Dupont', 'unexpected text after a closing quote'],
      [3, 'Martin', undefined],
      [4, 'Durand', undefined],
      [5, 'Petit', undefined],
    ]);
  });

  it('keeps text after a closing quote on the same line, as spreadsheets do', async () => {
    const rows = await rowsOf(folder.file('after.csv', 'NOM;PRENOM\n"Dupont" épouse Martin;Jeanne\n'));
    expect(rows).toEqual([{ line: 2, cells: ['Dupont épouse Martin', 'Jeanne'] }]);
  });

  it("skips Excel's sep= line and counts it", async () => {
    const source = await openSource(folder.file('sep.csv', 'sep=,\r\nNOM,PRENOM\r\nDupont,Jean\r\n'), { chunkSize: 2 });
    expect(source.info.delimiter).toBe(',');
    expect(source.info.columns.map((c) => c.header)).toEqual(['NOM', 'PRENOM']);
    expect(await readAll(source)).toEqual([{ line: 3, cells: ['Dupont', 'Jean'] }]);
  });

  it('reads a single-column file', async () => {
    const source = await openSource(folder.file('emails.csv', 'EMAIL\na@example.fr\n"b,c@example.fr"\n'));
    expect(source.info.delimiter).toBeNull();
    expect((await readAll(source)).map((r) => r.cells)).toEqual([['a@example.fr'], ['b,c@example.fr']]);
  });

  it('decides Windows-1252 on the first non-ASCII byte even after 1 MiB of ASCII', async () => {
    const ascii = Array.from({ length: 80000 }, (_, i) => `Nom${i};Prenom${i}`).join('\n');
    const bytes = Buffer.concat([Buffer.from(`NOM;PRENOM\n${ascii}\n`), Buffer.from(cp1252('Lefèvre;Hélène\n'))]);
    expect(bytes.length).toBeGreaterThan(1 << 20);
    const source = await openSource(folder.file('late-1252.csv', bytes), { chunkSize: 4096 });
    const rows = await readAll(source);
    expect(rows.at(-1)).toEqual({ line: 80002, cells: ['Lefèvre', 'Hélène'] });
    expect(source.info.encoding).toBe('windows-1252');
  });

  it('reports encoding null while undecided, and utf-8 for an ASCII file read to the end', async () => {
    const lines = Array.from({ length: 120000 }, (_, i) => `N${i};P${i}`).join('\n');
    const source = await openSource(folder.file('ascii.csv', `NOM;PRENOM\n${lines}\n`));
    expect(source.info.encoding).toBeNull();
    await readAll(source);
    expect(source.info.encoding).toBe('utf-8');
  });

  it('fails with E_SOURCE_ENCODING naming the line when a UTF-8 file later holds Windows-1252 bytes', async () => {
    // Beyond the 1 MiB looked at when opening, so that the contradiction comes from a later read.
    const filler = Array.from({ length: 120000 }, (_, i) => `N${i};P${i}`).join('\n');
    const bytes = Buffer.concat([
      Buffer.from(`NOM;PRENOM\nLefèvre;Hélène\n${filler}\n`, 'utf8'),
      Buffer.from(cp1252('Noël;Zoé\n')),
    ]);
    const source = await openSource(folder.file('mixed.csv', bytes));
    expect(source.info.encoding).toBe('utf-8');
    const seen: SourceRow[] = [];
    const error = await failure(
      (async () => {
        for await (const batch of source.rows()) seen.push(...batch);
      })(),
    );
    expect(error.code).toBe('E_SOURCE_ENCODING');
    expect(error.message).toContain('mixed.csv line 120003');
    expect(error.message).not.toMatch(/No.l/);
    expect(seen).toHaveLength(120001);
  });

  it('rejects UTF-16 and binary files', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('NOM;PRENOM\n', 'utf16le')]);
    expect(await failure(openSource(folder.file('u16.csv', utf16)))).toMatchObject({ code: 'E_SOURCE_ENCODING' });
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    expect(await failure(openSource(folder.file('old.xls', xls)))).toMatchObject({ code: 'E_SOURCE_FORMAT' });
    const zipAsCsv = Buffer.from('PK\x03\x04rest');
    expect(await failure(openSource(folder.file('z.csv', zipAsCsv), { format: 'csv' }))).toMatchObject({
      code: 'E_SOURCE_FORMAT',
    });
  });

  it('fails with E_SOURCE_OPEN naming a missing file', async () => {
    const error = await failure(openSource('/nonexistent/patients.csv'));
    expect(error).toEqual({ code: 'E_SOURCE_OPEN', message: 'cannot open /nonexistent/patients.csv: no such file' });
  });

  it('fails with E_SOURCE_HEADER for an empty file, an unterminated header, or a headerless file', async () => {
    expect(await failure(openSource(folder.file('empty.csv', '\n \n')))).toMatchObject({ code: 'E_SOURCE_HEADER' });
    expect(await failure(openSource(folder.file('badhead.csv', 'NOM;"PRENOM\n')))).toMatchObject({
      code: 'E_SOURCE_HEADER',
    });
    const headerless = await failure(openSource(folder.file('noheader.csv', 'Dupont;Jean;14/07/1990\n')));
    expect(headerless.code).toBe('E_SOURCE_HEADER');
    expect(headerless.message).not.toContain('Dupont');
  });
});

describe('the Source handle', () => {
  it('gives the SHA-256 of the file and the bytes read, once the rows are read', async () => {
    const csv = `NOM;PRENOM\n${Array.from({ length: 2500 }, (_, i) => `N${i};P${i}`).join('\n')}\n`;
    const path = folder.file('hash.csv', csv);
    const source = await openSource(path, { chunkSize: 1000 });
    expect(source.size).toBe(Buffer.byteLength(csv));
    expect(() => source.sha256()).toThrow(/rows\(\)/);
    const sizes: number[] = [];
    for await (const batch of source.rows()) sizes.push(batch.length);
    expect(sizes).toEqual([1000, 1000, 500]);
    expect(source.sha256()).toBe(createHash('sha256').update(csv).digest('hex'));
    expect(source.bytesRead()).toBe(Buffer.byteLength(csv));
    expect(() => source.rows()).toThrow(/once/);
  });

  it('closes the file when the reading stops early, and refuses to read on after close()', async () => {
    // Over the 1 MiB read when opening, so that reading goes on after the first batches.
    const csv = `NOM;PRENOM\n${Array.from({ length: 150000 }, (_, i) => `N${i};P${i}`).join('\n')}\n`;
    const early = await openSource(folder.file('early.csv', csv));
    for await (const batch of early.rows()) {
      expect(batch).toHaveLength(1000);
      break;
    }
    expect(() => early.sha256()).toThrow(/rows\(\)/);
    await early.close(); // idempotent after the loop closed it

    const closed = await openSource(folder.file('closed.csv', csv));
    await closed.close();
    await expect(readAll(closed)).rejects.toThrow(/closed before being read to the end/);
  });

  it('reads a stream (as stdin) with size null', async () => {
    const csv = 'NOM;PRENOM\r\nDupont;Jean\r\n';
    const source = await openSourceStream('-', Readable.from([Buffer.from(csv)]), { chunkSize: 2 });
    expect(source.size).toBeNull();
    expect(source.info.path).toBe('stdin'); // how statistics and reject reports name it
    expect(await readAll(source)).toEqual([{ line: 2, cells: ['Dupont', 'Jean'] }]);
    expect(source.sha256()).toBe(createHash('sha256').update(csv).digest('hex'));
  });
});
