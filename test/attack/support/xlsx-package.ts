// A minimal SpreadsheetML writer for the fuzzer (ECMA-376 Part 1): the parts of a one-sheet workbook as editable
// text, zipped with fflate in the order a writer chooses, and the byte layout of a zip (APPNOTE.TXT 4.3) so that
// mutations can aim at a local header, an entry's compressed bytes or the central directory.

import { zipSync, type Zippable } from 'fflate';

export type Parts = Map<string, string | Uint8Array>;

export interface WorkbookOptions {
  /** Strings in xl/sharedStrings.xml (as Excel writes them) or inline in the sheet. */
  sharedStrings: boolean;
  /** Worksheet first and workbook last, as Excel and exceljs order a package (the streaming reader must wait). */
  sheetFirst: boolean;
  /** 0: stored; 1-9: deflate level. */
  level: 0 | 1 | 6 | 9;
}

const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PKG = 'http://schemas.openxmlformats.org/package/2006/relationships';

/**
 * Text as SpreadsheetML stores it: XML escapes, and ST_Xstring escapes (ECMA-376 Part 1 §22.9.2.19) for what XML
 * would lose (a carriage return, turned into a line feed by XML's end-of-line handling) or misread (a literal `_x0041_`).
 */
export function escapeXml(text: string): string {
  return text
    .replace(/_(x[0-9A-Fa-f]{4}_)/g, '_x005F_$1')
    .replace(/[\r\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`)
    .replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

/** "A", "B", ..., "Z", "AA", ...: the column letters of a 0-based index. */
export function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** dd/mm/yyyy as an Excel 1900-system serial (from 01/03/1900, where both systems agree), or null. */
function dateSerial(text: string): number | null {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (m === null) return null;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  const d = new Date(ms);
  if (year < 1901 || d.getUTCDate() !== day || d.getUTCMonth() !== month - 1) return null;
  return Math.round((ms - Date.UTC(1899, 11, 30)) / 86_400_000);
}

/**
 * The parts of a workbook whose first sheet holds `rows` (the first one is the header). Digit strings without a
 * leading zero are written as numbers and dd/mm/yyyy dates as serials under a date style, as Excel stores them.
 */
export function workbookParts(rows: readonly (readonly string[])[], options: WorkbookOptions): Parts {
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const width = Math.max(1, ...rows.map((r) => r.length));
  const sheetRows = rows.map((cells, r) => {
    const xml = cells.map((value, c) => {
      const ref = `${columnName(c)}${r + 1}`;
      if (value === '') return '';
      if (r > 0 && /^[1-9][0-9]{0,14}$/.test(value)) return `<c r="${ref}"><v>${value}</v></c>`;
      const serial = r > 0 ? dateSerial(value) : null;
      if (serial !== null) return `<c r="${ref}" s="${1 + (serial % 2)}"><v>${serial}</v></c>`;
      if (!options.sharedStrings) return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${escapeXml(value)}</t></is></c>`;
      let index = stringIndex.get(value);
      if (index === undefined) {
        index = strings.length;
        strings.push(value);
        stringIndex.set(value, index);
      }
      return `<c r="${ref}" t="s"><v>${index}</v></c>`;
    });
    return `<row r="${r + 1}">${xml.join('')}</row>`;
  });
  const sheet =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">` +
    `<dimension ref="A1:${columnName(width - 1)}${rows.length}"/><sheetData>${sheetRows.join('')}</sheetData></worksheet>`;
  const workbook =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">` +
    `<workbookPr date1904="false"/><sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>`;
  const workbookRels =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${NS_PKG}">` +
    `<Relationship Id="rId1" Type="${NS_REL}/worksheet" Target="worksheets/sheet1.xml"/>` +
    (options.sharedStrings ? `<Relationship Id="rId2" Type="${NS_REL}/sharedStrings" Target="sharedStrings.xml"/>` : '') +
    `<Relationship Id="rId3" Type="${NS_REL}/styles" Target="styles.xml"/></Relationships>`;
  const styles =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="${NS_MAIN}">` +
    `<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/></numFmts>` +
    `<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>`;
  const shared =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="${NS_MAIN}" count="${strings.length}" uniqueCount="${strings.length}">` +
    `${strings.map((s) => `<si><t xml:space="preserve">${escapeXml(s)}</t></si>`).join('')}</sst>`;
  const contentTypes =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
    `<Default Extension="xml" ContentType="application/xml"/>` +
    `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`;
  const rootRels =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${NS_PKG}">` +
    `<Relationship Id="rId1" Type="${NS_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
  const parts: [string, string][] = [
    ['[Content_Types].xml', contentTypes],
    ['_rels/.rels', rootRels],
    ['xl/workbook.xml', workbook],
    ['xl/_rels/workbook.xml.rels', workbookRels],
    ['xl/styles.xml', styles],
    ...(options.sharedStrings ? [['xl/sharedStrings.xml', shared] as [string, string]] : []),
    ['xl/worksheets/sheet1.xml', sheet],
  ];
  if (options.sheetFirst) parts.reverse();
  return new Map(parts);
}

/** Zips the parts in their Map order. */
export function zipParts(parts: Parts, level: WorkbookOptions['level']): Uint8Array {
  const files: Zippable = {};
  for (const [name, content] of parts) {
    files[name] = [typeof content === 'string' ? Buffer.from(content, 'utf8') : content, { level }];
  }
  return zipSync(files, { mtime: new Date(Date.UTC(2021, 2, 15)) });
}

export interface ZipEntryLayout {
  name: string;
  /** Offset of the local file header. */
  local: number;
  /** Offset and length of the entry's (compressed) data. */
  data: number;
  size: number;
  /** Offset of the entry's central directory record. */
  central: number;
}

export interface ZipLayout {
  entries: ZipEntryLayout[];
  centralDirectory: number;
  centralDirectorySize: number;
  endOfCentralDirectory: number;
}

/** The layout of a zip written without data descriptors (as fflate's zipSync writes one). */
export function zipLayout(zip: Uint8Array): ZipLayout {
  const view = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = view.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('no end of central directory');
  const count = view.readUInt16LE(eocd + 10);
  const centralDirectorySize = view.readUInt32LE(eocd + 12);
  const centralDirectory = view.readUInt32LE(eocd + 16);
  const entries: ZipEntryLayout[] = [];
  let p = centralDirectory;
  for (let i = 0; i < count; i++) {
    const nameLength = view.readUInt16LE(p + 28);
    const local = view.readUInt32LE(p + 42);
    const name = view.toString('utf8', p + 46, p + 46 + nameLength);
    const data = local + 30 + view.readUInt16LE(local + 26) + view.readUInt16LE(local + 28);
    entries.push({ name, local, data, size: view.readUInt32LE(p + 20), central: p });
    p += 46 + nameLength + view.readUInt16LE(p + 30) + view.readUInt16LE(p + 32);
  }
  return { entries, centralDirectory, centralDirectorySize, endOfCentralDirectory: eocd };
}
