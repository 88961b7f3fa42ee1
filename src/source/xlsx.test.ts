// Reading XLSX files end to end, from a path (central directory) and from a stream (stdin), which must agree.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { Zip, ZipDeflate, zipSync, strToU8, type Zippable } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { isVigieError } from '../errors.js';
import { openSource, openSourceStream } from './source.js';
import { readAll, tempFolder } from './test-helpers.js';
import type { Source, SourceRow } from './types.js';
import { MAX_WHOLE_PART_CHARS } from './xlsx-reader.js';

const folder = tempFolder();
afterAll(() => folder.remove());

/** Reads a package from a file path (central directory) and as a stream (stdin), checking both agree. */
async function readBoth(name: string, bytes: Uint8Array): Promise<{ source: Source; rows: SourceRow[] }> {
  const path = folder.file(name, bytes);
  const source = await openSource(path);
  const rows = await readAll(source);
  expect(source.sha256()).toBe(createHash('sha256').update(bytes).digest('hex'));
  expect(source.bytesRead()).toBe(bytes.length);
  // From a stream: held in memory and read by its directory (stdin), or from its first byte (the fallback).
  for (const [chunkSize, streamXlsx] of [[65536, false], [7, false], [65536, true], [7, true]] as const) {
    const streamed = await openSourceStream('-', [bytes], { chunkSize, streamXlsx });
    expect(streamed.info).toEqual({ ...source.info, path: 'stdin' });
    expect(await readAll(streamed)).toEqual(rows);
    expect(streamed.sha256()).toBe(source.sha256());
    expect(streamed.bytesRead()).toBe(bytes.length);
  }
  return { source, rows };
}

async function formatError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isVigieError(error) && error.code === 'E_SOURCE_FORMAT') return error.message;
    throw error;
  }
  throw new Error('expected E_SOURCE_FORMAT');
}

async function exceljsWorkbook(): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Patients');
  sheet.addRow(['CODE_LABO', 'NOM', 'PRENOM', 'NIR', 'DATE_NAISSANCE', 'COMMENTAIRE_1', 'EMAIL', 'MONTANT']);
  sheet.addRow(['LAB01', 'Lefèvre', 'Hélène', 2550814168025, new Date(Date.UTC(1990, 6, 14)), 'Levothyrox\nà 3 mois', null, 12.5]);
  // Row 3 left empty; row 4 with gaps, rich text and a 15-digit number.
  sheet.getCell('A4').value = 'LAB02';
  sheet.getCell('C4').value = { richText: [{ text: 'Zo', font: { bold: true } }, { text: 'é' }] };
  sheet.getCell('D4').value = 255081416802538;
  sheet.getCell('G4').value = 'zoe@example.fr';
  sheet.getCell('H4').value = 0.1;
  sheet.getCell('E2').numFmt = 'dd/mm/yyyy';
  sheet.getCell('A5').value = 'LAB03';
  sheet.getCell('E5').value = new Date(Date.UTC(2003, 2, 3));
  sheet.getCell('E5').numFmt = 'd mmmm yyyy';
  sheet.getCell('B5').value = '  spaced  ';
  sheet.getCell('J5').value = 'beyond the header';
  const other = workbook.addWorksheet('Other');
  other.addRow(['NOM']);
  other.addRow(['not read']);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

describe('XLSX written by exceljs', () => {
  it('reads the first sheet: shared strings, rich text, numbers, dates, gaps, row numbers', async () => {
    const bytes = await exceljsWorkbook();
    const { source, rows } = await readBoth('lab.xlsx', bytes);
    expect(source.info).toMatchObject({ format: 'xlsx', encoding: null, delimiter: null, unmapped: ['MONTANT'] });
    expect(source.info.columns.map((c) => c.field)).toEqual(['lab', 'lastName', 'firstName', 'nir', 'birthDate', null, 'email', null]);
    expect(rows).toEqual([
      { line: 2, cells: ['LAB01', 'Lefèvre', 'Hélène', '2550814168025', '14/07/1990', 'Levothyrox\nà 3 mois', '', '12.5'] },
      { line: 4, cells: ['LAB02', '', 'Zoé', '255081416802538', '', '', 'zoe@example.fr', '0.1'] },
      {
        line: 5,
        cells: ['LAB03', 'spaced', '', '', '03/03/2003', '', '', '', '', 'beyond the header'],
        error: 'expected 8 fields, got 10',
      },
    ]);
  });

  it('reads a workbook written by the streaming writer (entries with data descriptors)', async () => {
    const path = folder.file('streamed.xlsx', '');
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: true });
    const sheet = writer.addWorksheet('Patients');
    sheet.addRow(['NOM', 'PRENOM', 'DATE_NAISSANCE', 'NIR']).commit();
    for (let i = 0; i < 2500; i++) {
      sheet.addRow([`Nom${i}`, `Prénom${i}`, new Date(Date.UTC(1950 + (i % 50), i % 12, 1 + (i % 28))), 1000000000000 + i]).commit();
    }
    sheet.commit();
    await writer.commit();
    const bytes = new Uint8Array(readFileSync(path));
    const { rows } = await readBoth('streamed-copy.xlsx', bytes);
    expect(rows).toHaveLength(2500);
    expect(rows[0]).toEqual({ line: 2, cells: ['Nom0', 'Prénom0', '01/01/1950', '1000000000000'] });
    expect(rows[2499]).toEqual({ line: 2501, cells: ['Nom2499', 'Prénom2499', '08/04/1999', '1000000002499'] });
  });
});

describe('XLSX round trip (fast-check)', () => {
  it('reads back random strings and numbers written by exceljs', async () => {
    // No 'x': exceljs writes a literal "_x0041_" unescaped, which Excel (and this reader) reads as "A".
    const text = fc.string({ unit: fc.constantFrom('a', 'É', ' ', '\n', '\t', '&', '<', '"', "'", '€', '😀', '日', '_', '0', 'D') });
    const value = fc.oneof(text, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(value, { minLength: 3, maxLength: 3 }), { maxLength: 6 }), async (rows) => {
        const workbook = new ExcelJS.Workbook();
        const sheet = workbook.addWorksheet('S');
        sheet.addRow(['NOM', 'PRENOM', 'VILLE']);
        for (const row of rows) sheet.addRow(row);
        const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
        const source = await openSource(folder.file('round.xlsx', bytes));
        const expected = rows
          .map((row, i) => ({ line: i + 2, cells: row.map((v) => (typeof v === 'number' ? String(v === 0 ? 0 : v) : v.trim())) }))
          .filter((r) => r.cells.some((c) => c !== ''));
        expect(await readAll(source)).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });
});

// Hand-written packages, for what exceljs never writes.
const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

interface PackageOptions {
  sheets: string[];
  sharedStrings?: string[];
  styles?: string;
  workbookPr?: string;
  /** Entry order, by path; missing ones follow in a default order. */
  order?: string[];
  prefix?: string;
}

function worksheet(rows: string, prefix = ''): string {
  const p = prefix === '' ? '' : `${prefix}:`;
  const ns = prefix === '' ? NS : `xmlns:${prefix}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`;
  return `<?xml version="1.0" encoding="UTF-8"?><${p}worksheet ${ns}><${p}sheetData>${rows}</${p}sheetData></${p}worksheet>`;
}

function packageFiles(o: PackageOptions): Record<string, Uint8Array> {
  const files: Record<string, string> = {
    '[Content_Types].xml': '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    '_rels/.rels': `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `<?xml version="1.0"?><workbook ${NS} xmlns:r="${REL_NS}">${o.workbookPr ?? ''}<sheets>${o.sheets
      .map((_, i) => `<sheet name="S${i + 1}" sheetId="${i + 1}" r:id="rIdS${i + 1}"/>`)
      .join('')}</sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${o.sheets
      .map((_, i) => `<Relationship Id="rIdS${i + 1}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`)
      .join('')}${o.sharedStrings ? `<Relationship Id="rIdSS" Type="${REL_NS}/sharedStrings" Target="sharedStrings.xml"/>` : ''}${
      o.styles ? `<Relationship Id="rIdST" Type="${REL_NS}/styles" Target="/xl/styles.xml"/>` : ''
    }</Relationships>`,
  };
  o.sheets.forEach((sheet, i) => (files[`xl/worksheets/sheet${i + 1}.xml`] = sheet));
  if (o.sharedStrings) {
    files['xl/sharedStrings.xml'] = `<?xml version="1.0"?><sst ${NS}>${o.sharedStrings.join('')}</sst>`;
  }
  if (o.styles) files['xl/styles.xml'] = `<?xml version="1.0"?><styleSheet ${NS}>${o.styles}</styleSheet>`;
  const names = [...(o.order ?? []), ...Object.keys(files).filter((n) => !(o.order ?? []).includes(n))];
  return Object.fromEntries(names.map((n) => [n, strToU8(files[n] as string)]));
}

function zipPackage(o: PackageOptions, level: 0 | 6 = 6): Uint8Array {
  return zipSync(packageFiles(o) as Zippable, { level });
}

/** The same package written with data descriptors (fflate's streaming Zip). */
function zipPackageStreamed(o: PackageOptions): Uint8Array {
  const parts: Uint8Array[] = [];
  const zip = new Zip((error, data) => {
    if (error) throw error;
    parts.push(data);
  });
  for (const [name, data] of Object.entries(packageFiles(o))) {
    const file = new ZipDeflate(name, { level: 6 });
    zip.add(file);
    file.push(data, true);
  }
  zip.end();
  return Buffer.concat(parts);
}

const STYLES =
  '<numFmts count="4"><numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/><numFmt numFmtId="165" formatCode="[$-40C]d mmmm yyyy"/>' +
  '<numFmt numFmtId="166" formatCode="0.00&quot; €&quot;"/><numFmt numFmtId="167" formatCode="[h]:mm"/></numFmts>' +
  '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>' +
  '<cellXfs count="7"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="22"/><xf numFmtId="167"/></cellXfs>';

const SHARED = [
  '<si><t>NOM</t></si>',
  '<si><r><rPr><b/></rPr><t>Le</t></r><r><t xml:space="preserve">fèvre &amp; fils</t></r></si>',
  '<si><t>Sato</t><rPh sb="0" eb="2"><t>サトウ</t></rPh></si>',
  '<si><t>ligne 1_x000D__x000A_ligne 2 _x005F_x0041_</t></si>',
  '<si><t/></si>',
];

const HEADER_ROW =
  '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>PRENOM</t></is></c><c r="C1" t="str"><f>"NIR"</f><v>NIR</v></c>' +
  '<c r="D1" t="inlineStr"><is><r><t>DATE_</t></r><r><t>NAISSANCE</t></r></is></c><c r="E1" t="inlineStr"><is><t>VALEUR</t></is></c></row>';

describe('XLSX parts and cell types (hand-written packages)', () => {
  it('reads shared, inline, rich and formula strings, booleans, errors, number formats and dates', async () => {
    const sheet = worksheet(
      HEADER_ROW +
        '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>2</v></c><c r="C2"><v>2550814168025</v></c><c r="D2" s="1"><v>33068</v></c><c r="E2" s="4"><v>12.5</v></c></row>' +
        '<row r="3"><c r="A3" t="s"><v>3</v></c><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c><c r="D3" s="2"><v>60</v></c><c r="E3" s="5"><v>43831.5</v></c></row>' +
        '<row r="5" spans="1:5"><c r="A5" t="s"><v>4</v></c><c r="B5" s="1"/></row>' +
        '<row><c r="A6" t="d"><v>2020-01-31T00:00:00Z</v></c><c r="D6" s="3"><v>61</v></c><c r="E6" s="6"><v>1.75</v></c></row>' +
        '<row r="7"><c r="D7" s="1"><v>1</v></c><c r="E7"><v>2.5508141680253799E+14</v></c><c r="A7" t="s"><v>99</v></c></row>',
    );
    const { rows } = await readBoth('types.xlsx', zipPackage({ sheets: [sheet], sharedStrings: SHARED, styles: STYLES }));
    expect(rows).toEqual([
      { line: 2, cells: ['Lefèvre & fils', 'Sato', '2550814168025', '14/07/1990', '12.5'] },
      { line: 3, cells: ['ligne 1\r\nligne 2 _x0041_', 'TRUE', '#N/A', '29/02/1900', '01/01/2020 12:00:00'] },
      { line: 6, cells: ['31/01/2020', '', '', '01/03/1900', '42:00:00'] },
      { line: 7, cells: ['', '', '', '01/01/1900', '255081416802538'], error: 'shared string index out of range' },
    ]);
  });

  it('uses the 1904 date system when the workbook says so', async () => {
    const sheet = worksheet(HEADER_ROW + '<row r="2"><c r="A2"><v>1</v></c><c r="D2" s="1"><v>0</v></c><c r="E2" s="1"><v>31628</v></c></row>');
    const { rows } = await readBoth(
      '1904.xlsx',
      zipPackage({ sheets: [sheet], sharedStrings: SHARED, styles: STYLES, workbookPr: '<workbookPr date1904="1"/>' }),
    );
    expect(rows).toEqual([{ line: 2, cells: ['1', '', '', '01/01/1904', '05/08/1990'] }]);
  });

  it('takes the first sheet in workbook order, whatever the entry order in the zip', async () => {
    const first = worksheet(HEADER_ROW + '<row r="3"><c r="A3" t="s"><v>1</v></c></row>');
    const second = worksheet(HEADER_ROW + '<row r="2"><c r="A2"><v>2</v></c></row>');
    const orders = [
      // Excel's order: sheets before shared strings and styles.
      ['_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml'],
      // exceljs's order: workbook last.
      ['xl/worksheets/sheet2.xml', 'xl/worksheets/sheet1.xml', 'xl/sharedStrings.xml', 'xl/styles.xml', '_rels/.rels'],
      // everything the sheet needs first: streamed without keeping it.
      ['_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml', 'xl/styles.xml'],
    ];
    for (const order of orders) {
      const options = { sheets: [first, second], sharedStrings: SHARED, styles: STYLES, order };
      for (const bytes of [zipPackage(options), zipPackage(options, 0), zipPackageStreamed(options)]) {
        const { rows } = await readBoth('order.xlsx', bytes);
        expect(rows).toEqual([{ line: 3, cells: ['Lefèvre & fils', '', '', '', ''] }]);
      }
    }
  });

  it('reads elements with a namespace prefix, skips blank rows and finds the header below them', async () => {
    const sheet = worksheet(
      '<x:row r="1"/><x:row r="2"><x:c r="C2" s="1"/></x:row>' +
        '<x:row r="3"><x:c r="B3" t="inlineStr"><x:is><x:t>NOM</x:t></x:is></x:c><x:c r="C3" t="inlineStr"><x:is><x:t>PRENOM</x:t></x:is></x:c></x:row>' +
        '<x:row r="4"><x:c r="B4" t="inlineStr"><x:is><x:t>Dupont</x:t></x:is></x:c></x:row>',
      'x',
    );
    const { source, rows } = await readBoth('prefix.xlsx', zipPackage({ sheets: [sheet], styles: STYLES }));
    expect(source.info.columns.map((c) => c.header)).toEqual(['', 'NOM', 'PRENOM']);
    expect(rows).toEqual([{ line: 4, cells: ['', 'Dupont', ''] }]);
  });

  it('fails with E_SOURCE_FORMAT naming the file for a bad package, never quoting a cell', async () => {
    const bytes = await exceljsWorkbook();
    const truncated = bytes.subarray(0, Math.floor(bytes.length / 2));
    expect(await formatError(openSource(folder.file('cut.xlsx', truncated)).then(readAll))).toContain('cut.xlsx');
    expect(await formatError(openSourceStream('-', [truncated]).then(readAll))).toContain('stdin');
    expect(await formatError(openSourceStream('-', [truncated], { streamXlsx: true }).then(readAll))).toContain('stdin');
    expect(await formatError(openSource(folder.file('text.xlsx', 'NOM;PRENOM\n')))).toContain('text.xlsx');
    const notXlsx = zipSync({ 'readme.txt': strToU8('hello') });
    expect(await formatError(openSource(folder.file('other.xlsx', notXlsx)))).toContain('other.xlsx');
    expect(await formatError(openSourceStream('-', [notXlsx], { format: 'xlsx' }))).toContain('stdin');
    const badXml = worksheet(HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>Secret Dupont</t></is></c></row><row r="3"><c></row>');
    for (const read of [
      () => openSource(folder.file('bad.xlsx', zipPackage({ sheets: [badXml] }))).then(readAll),
      () => openSourceStream('-', [zipPackage({ sheets: [badXml] })]).then(readAll),
      () => openSourceStream('-', [zipPackage({ sheets: [badXml] })], { streamXlsx: true }).then(readAll),
    ]) {
      const message = await formatError(read());
      expect(message).toMatch(/worksheets\/sheet1\.xml is not well-formed XML \(near row 3\)/);
      expect(message).not.toContain('Dupont');
    }
  });

  it('fails with E_SOURCE_FORMAT for a zip bomb in a part read whole (found while fuzzing, test/attack/fuzz-source)', async () => {
    // 33 MiB of white space in workbook.xml compress to a few dozen KB; 576 MiB made a RangeError (V8's string limit).
    const bomb = zipPackage({ sheets: [worksheet(HEADER_ROW)], workbookPr: ' '.repeat(MAX_WHOLE_PART_CHARS + 1) });
    expect(bomb.length).toBeLessThan(100_000);
    for (const read of [
      () => openSource(folder.file('bomb.xlsx', bomb)).then(readAll),
      () => openSourceStream('-', [bomb]).then(readAll),
      () => openSourceStream('-', [bomb], { streamXlsx: true }).then(readAll),
    ]) {
      expect(await formatError(read())).toMatch(/xl\/workbook\.xml is larger than 32 MiB/);
    }
  });

  it('fails with E_SOURCE_HEADER for an empty first sheet or a broken header row', async () => {
    const path = folder.file('empty.xlsx', zipPackage({ sheets: [worksheet('')] }));
    await expect(openSource(path)).rejects.toMatchObject({ code: 'E_SOURCE_HEADER' });
    const broken = worksheet('<row r="2"><c r="A2" t="s"><v>7</v></c><c r="B2" t="inlineStr"><is><t>NOM</t></is></c></row>');
    await expect(openSource(folder.file('broken.xlsx', zipPackage({ sheets: [broken] })))).rejects.toMatchObject({
      code: 'E_SOURCE_HEADER',
      message: expect.stringContaining('row 2: header row: shared string index out of range'),
    });
  });
});
