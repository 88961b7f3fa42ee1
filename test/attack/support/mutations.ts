// Mutations of leak files for the source reader's fuzzer: what damaged exports, careless tools and hostile files do
// to CSV bytes (flipped bytes, cuts, stray quotes and line breaks, NUL, BOMs, invalid UTF-8, huge fields) and to an
// XLSX package (corrupt zip structures and compressed streams, broken XML, entity bombs, shared-string indexes out of
// range, huge dimensions). Each returns what it did, so that a failing case can be read and replayed.

import type { Random } from '../../../src/synth/random.js';
import { columnName, zipLayout, type Parts, type ZipLayout } from './xlsx-package.js';

export interface Mutated {
  bytes: Uint8Array;
  what: string;
}

type ByteMutation = (bytes: Buffer, random: Random) => Mutated;

const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');

/** Byte runs worth inserting into a CSV: structure, encodings and what is not text. */
const TOKENS: readonly [string, Buffer][] = [
  ['quote', ascii('"')],
  ['two quotes', ascii('""')],
  ['quote newline quote', ascii('"\n"')],
  ['CR', ascii('\r')],
  ['LF', ascii('\n')],
  ['CRLF', ascii('\r\n')],
  ['NUL', Buffer.from([0])],
  ['UTF-8 BOM', Buffer.from([0xef, 0xbb, 0xbf])],
  ['UTF-16LE BOM', Buffer.from([0xff, 0xfe])],
  ['semicolon', ascii(';')],
  ['comma', ascii(',')],
  ['tab', ascii('\t')],
  ['sep line', ascii('sep=,\n')],
  ['invalid UTF-8 C3 28', Buffer.from([0xc3, 0x28])],
  ['lone continuation byte', Buffer.from([0x80])],
  ['byte FF', Buffer.from([0xff])],
  ['UTF-8 surrogate', Buffer.from([0xed, 0xa0, 0x80])],
  ['overlong slash', Buffer.from([0xc0, 0xaf])],
  ['above U+10FFFF', Buffer.from([0xf4, 0x90, 0x80, 0x80])],
  ['cut sequence', Buffer.from([0xe2, 0x82])],
  ['Windows-1252 e-acute', Buffer.from([0xe9])],
  ['Windows-1252 euro', Buffer.from([0x80])],
  ['Windows-1252 oe', Buffer.from([0x9c])],
  ['UTF-8 e-acute', Buffer.from('é', 'utf8')],
  ['emoji', Buffer.from('😷', 'utf8')],
  ['U+2028', Buffer.from('\u2028', 'utf8')],
  ['control characters', Buffer.from([1, 2, 0x1b, 0x7f])],
  ['blank record', ascii('\n ; ;\t\n')],
  ['many line breaks', ascii('\r\n'.repeat(500))],
  ['quoted field with line breaks', ascii('"a\nb\r\nc";"d""e"')],
  ['text after a closing quote', ascii('"x" y')],
];

function splice(bytes: Buffer, at: number, remove: number, insert: Uint8Array): Buffer {
  return Buffer.concat([bytes.subarray(0, at), insert, bytes.subarray(at + remove)]);
}

/** Positions are drawn anywhere, or (half the time) next to a structural byte, where damage matters most. */
function position(bytes: Buffer, random: Random): number {
  if (bytes.length === 0) return 0;
  if (random.chance(0.5)) {
    for (let tries = 0; tries < 8; tries++) {
      const p = random.int(bytes.length);
      const b = bytes[p] as number;
      if (b === 0x22 || b === 0x0a || b === 0x0d || b === 0x3b || b === 0x2c) return p + random.int(2);
    }
  }
  return random.int(bytes.length + 1);
}

const CSV_MUTATIONS: readonly [number, ByteMutation][] = [
  [6, (b, r) => {
    const p = r.int(Math.max(1, b.length));
    const bit = r.int(8);
    const out = Buffer.from(b);
    if (out.length > 0) out[p] = (out[p] as number) ^ (1 << bit);
    return { bytes: out, what: `flip bit ${bit} of byte ${p}` };
  }],
  [4, (b, r) => {
    const p = r.int(Math.max(1, b.length));
    const value = r.int(256);
    const out = Buffer.from(b);
    if (out.length > 0) out[p] = value;
    return { bytes: out, what: `byte ${p} := 0x${value.toString(16)}` };
  }],
  [4, (b, r) => {
    const p = r.int(b.length + 1);
    return { bytes: b.subarray(0, p), what: `truncate at ${p}` };
  }],
  [14, (b, r) => {
    const [name, token] = r.pick(TOKENS);
    const p = position(b, r);
    return { bytes: splice(b, p, 0, token), what: `insert ${name} at ${p}` };
  }],
  [3, (b, r) => {
    const p = r.int(b.length + 1);
    const n = 1 + r.int(40);
    return { bytes: splice(b, p, n, new Uint8Array(0)), what: `delete ${n} bytes at ${p}` };
  }],
  [2, (b, r) => {
    const from = r.int(b.length + 1);
    const n = r.int(200);
    const to = r.int(b.length + 1);
    return { bytes: splice(b, to, 0, b.subarray(from, from + n)), what: `copy ${n} bytes from ${from} to ${to}` };
  }],
  [2, (b, r) => {
    const p = position(b, r);
    const n = r.pick([70_000, 300_000, 1_100_000]);
    const quoted = r.chance(0.5);
    const fill = r.pick(['x', 'é', ' ', ';', '\u00a0']);
    const field = Buffer.from(`${quoted ? '"' : ''}${fill.repeat(n)}${quoted && r.chance(0.5) ? '"' : ''}`, 'utf8');
    return { bytes: splice(b, p, 0, field), what: `insert a ${quoted ? 'quoted ' : ''}field of ${n} × ${JSON.stringify(fill)} at ${p}` };
  }],
  [2, (b, r) => {
    const [from, to] = r.pick([['\n', '\r'], ['\n', '\r\n'], ['\r\n', '\n'], [';', ','], [';', '\t'], ['"', "'"]] as const);
    return { bytes: Buffer.from(b.toString('latin1').split(from).join(to), 'latin1'), what: `replace every ${JSON.stringify(from)} with ${JSON.stringify(to)}` };
  }],
  [1, (b, r) => {
    const n = 1 + r.int(30);
    let out = b;
    for (let i = 0; i < n; i++) out = splice(out, r.int(out.length + 1), 0, ascii('"'));
    return { bytes: out, what: `insert ${n} quotes` };
  }],
  [1, (b) => ({ bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(b.toString('latin1'), 'utf16le')]), what: 'as UTF-16LE with a BOM' })],
  [1, (b, r) => {
    const p = r.int(b.length + 1);
    const n = r.pick([1, 64, 5000]);
    const garbage = Buffer.alloc(n);
    for (let i = 0; i < n; i++) garbage[i] = r.int(256);
    return { bytes: splice(b, p, 0, garbage), what: `insert ${n} random bytes at ${p}` };
  }],
];

const CSV_TOTAL = CSV_MUTATIONS.reduce((n, [w]) => n + w, 0);

function weighted<T>(table: readonly [number, T][], total: number, random: Random): T {
  let x = random.int(total);
  for (const [weight, item] of table) {
    if (x < weight) return item;
    x -= weight;
  }
  return table[0]![1];
}

/** 1 to 4 mutations of a CSV (most cases get one or two). */
export function mutateCsv(bytes: Uint8Array, random: Random): Mutated {
  let out = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const steps: string[] = [];
  const n = random.pick([1, 1, 1, 2, 2, 3, 4]);
  for (let i = 0; i < n; i++) {
    const m = weighted(CSV_MUTATIONS, CSV_TOTAL, random)(out, random);
    out = Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength);
    steps.push(m.what);
  }
  return { bytes: out, what: steps.join('; ') };
}

// --- XLSX: the parts (XML) first, then the zip's bytes --------------------------------------------------------------

const SHEET = 'xl/worksheets/sheet1.xml';
const SHARED = 'xl/sharedStrings.xml';

type PartMutation = (parts: Parts, random: Random) => string;

function text(parts: Parts, name: string): string | null {
  const part = parts.get(name);
  return typeof part === 'string' ? part : null;
}

/** Replaces the n-th (random) match of `pattern` in a part; returns false when there is none. */
function replaceOne(parts: Parts, name: string, pattern: RegExp, random: Random, by: (match: string) => string): boolean {
  const xml = text(parts, name);
  if (xml === null) return false;
  const matches = [...xml.matchAll(new RegExp(pattern.source, 'g'))];
  if (matches.length === 0) return false;
  const m = random.pick(matches);
  const at = m.index ?? 0;
  parts.set(name, xml.slice(0, at) + by(m[0]) + xml.slice(at + m[0].length));
  return true;
}

/** A cell of a data row (row 2 or later). */
const DATA_CELL = /<c r="[A-Z]+([2-9]|\d\d+)"[^>]*>/;

const PART_MUTATIONS: readonly [number, PartMutation][] = [
  [3, (p, r) => {
    const name = r.pick([...p.keys()]);
    const xml = text(p, name);
    if (xml === null) return 'none';
    const cut = r.int(xml.length + 1);
    p.set(name, xml.slice(0, cut));
    return `${name} cut at character ${cut}`;
  }],
  [3, (p, r) => {
    const name = r.pick([SHEET, SHEET, SHARED, 'xl/workbook.xml', 'xl/styles.xml']);
    const done = replaceOne(p, name, /<\/?[A-Za-z][^>]*>/, r, (tag) => r.pick([tag.slice(0, -1), tag.slice(0, 1 + r.int(tag.length - 1)), '', `${tag}${tag}`]));
    return done ? `${name}: a tag damaged (unterminated, dropped or doubled)` : 'none';
  }],
  [3, (p, r) => {
    // Billion laughs (a DTD of nested entities) and an external entity: a reader must expand neither.
    const name = r.pick([SHEET, SHARED, 'xl/workbook.xml']);
    const xml = text(p, name);
    if (xml === null) return 'none';
    const levels = Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('');
    const dtd = r.chance(0.5)
      ? `<!DOCTYPE x [<!ENTITY l0 "lol">${levels}]>`
      : '<!DOCTYPE x [<!ENTITY l9 SYSTEM "file:///etc/passwd">]>';
    const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
    const withDtd = `<?xml version="1.0" encoding="UTF-8"?>${dtd}${body}`;
    p.set(name, withDtd.replace(/<t( [^>]*)?>/, (t) => `${t}&l9;`).replace(/<v>/, '<v>&l9;'));
    return `${name}: entity bomb (${dtd.includes('SYSTEM') ? 'external' : 'nested'})`;
  }],
  [4, (p, r) => {
    const index = r.pick(['99999', '-1', '1e9', 'NaN', '1.5', '', ' 0', '0x10', '4294967296', '__proto__', 'constructor']);
    const done = replaceOne(p, SHEET, /<c r="[A-Z]+([2-9]|\d\d+)"[^>]*><v>[^<]*<\/v>/, r, (cell) =>
      cell.replace(/ t="[^"]*"/, '').replace(/<c ([^>]*)>/, '<c $1 t="s">').replace(/<v>[^<]*<\/v>/, `<v>${index}</v>`),
    );
    return done ? `shared string index ${JSON.stringify(index)}` : 'none';
  }],
  [2, (p, r) => {
    const ref = r.pick(['A1:XFD1048576', 'A1:ZZZZZZ99999999999', '', 'B2', 'A1:A0']);
    const done = replaceOne(p, SHEET, /<dimension ref="[^"]*"\/>/, r, () => `<dimension ref="${ref}"/>`);
    return done ? `dimension ${ref}` : 'none';
  }],
  [4, (p, r) => {
    const ref = r.pick(['XFD1048576', 'XFE7', 'ZZZZZZZZ1', 'A0', '1A', '', '$A$1', 'AAA99999999999999999999', `${columnName(r.int(20000))}${r.int(2_000_000)}`]);
    const done = replaceOne(p, SHEET, DATA_CELL, r, (cell) => cell.replace(/r="[^"]*"/, `r="${ref}"`));
    return done ? `a cell at ${JSON.stringify(ref)}` : 'none';
  }],
  [2, (p, r) => {
    const value = r.pick(['99999999999', '-5', 'abc', '0', '1.5', '1e3', '']);
    const done = replaceOne(p, SHEET, /<row r="\d+"/, r, () => `<row r="${value}"`);
    return done ? `a row numbered ${JSON.stringify(value)}` : 'none';
  }],
  [2, (p, r) => {
    const part = r.pick([SHARED, 'xl/styles.xml', 'xl/_rels/workbook.xml.rels', '_rels/.rels', 'xl/workbook.xml', SHEET, '[Content_Types].xml']);
    p.delete(part);
    return `${part} removed`;
  }],
  [2, (p, r) => {
    const target = r.pick(['../../../../etc/passwd', '/xl/worksheets/../../../x.xml', 'C:\\sheet.xml', 'http://example.invalid/s.xml', '', 'worksheets/sheet1.xml/..', '%2e%2e/x']);
    const done = replaceOne(p, 'xl/_rels/workbook.xml.rels', /Target="[^"]*"/, r, () => `Target="${target}"`);
    return done ? `a relationship target ${JSON.stringify(target)}` : 'none';
  }],
  [2, (p, r) => {
    const name = r.pick([SHEET, SHARED, 'xl/workbook.xml']);
    const xml = text(p, name);
    if (xml === null) return 'none';
    const bytes = Buffer.from(xml, 'utf8');
    const at = r.int(bytes.length + 1);
    p.set(name, Buffer.concat([bytes.subarray(0, at), Buffer.from(r.pick([[0xc3, 0x28], [0xff], [0xed, 0xa0, 0x80], [0]])), bytes.subarray(at)]));
    return `${name}: bytes that are not UTF-8 at ${at}`;
  }],
  [1, (p, r) => {
    const n = r.pick([1_100_000, 2_500_000]);
    const done = replaceOne(p, SHEET, /<\/row>/, r, (end) => `<c t="inlineStr"><is><t>${'x'.repeat(n)}</t></is></c>${end}`);
    return done ? `a cell of ${n} characters` : 'none';
  }],
  [1, (p, r) => {
    const depth = r.pick([1000, 20000]);
    const done = replaceOne(p, SHEET, /<v>/, r, (v) => `${v}${'<x>'.repeat(depth)}${'</x>'.repeat(depth)}`);
    return done ? `elements nested ${depth} deep in a cell` : 'none';
  }],
  [3, (p, r) => {
    const [attribute, value] = r.pick([['t', 'zz'], ['t', 'e'], ['t', 'b'], ['t', 'd'], ['t', 'str'], ['s', '999999'], ['s', '-1'], ['s', 'abc'], ['s', '1e400']] as const);
    const done = replaceOne(p, SHEET, DATA_CELL, r, (cell) => cell.replace(new RegExp(` ${attribute}="[^"]*"`), '').replace(/^<c /, `<c ${attribute}="${value}" `));
    return done ? `a cell with ${attribute}="${value}"` : 'none';
  }],
  [2, (p, r) => {
    const value = r.pick(['<![CDATA[a<b]]>', '_x0000_', '_xD800_', '_x005F_x0041_', '&#0;', '&#xFFFF;', '&amp;&lt;', '1e308', '-1e308', '2958466', '&unknown;']);
    const done = replaceOne(p, SHEET, /<v>[^<]*<\/v>/, r, () => `<v>${value}</v>`);
    return done ? `a value ${JSON.stringify(value)}` : 'none';
  }],
  [1, (p, r) => {
    const code = r.pick(['[h]:mm', '"d"0', 'yyyy;;;', '\\', '[', '@', '[$-F800]dddd', 'm']);
    p.set('xl/styles.xml', (text(p, 'xl/styles.xml') ?? '').replace(/formatCode="[^"]*"/, `formatCode="${code.replace(/"/g, '&quot;')}"`));
    return `number format ${JSON.stringify(code)}`;
  }],
  [1, (p, r) => {
    const n = r.pick([5000, 50000]);
    const done = replaceOne(p, SHEET, /<\/sheetData>/, r, (end) => `${'<row/>'.repeat(n)}${end}`);
    return done ? `${n} empty rows` : 'none';
  }],
  [1, (p) => {
    const xml = text(p, SHEET);
    if (xml === null) return 'none';
    p.set(SHEET, xml.replace(/<(\/?)(worksheet|sheetData|row|c|v)([ >/])/g, '<$1x:$2$3').replace('<x:worksheet ', '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '));
    return 'sheet elements with a namespace prefix';
  }],
  [1, (p, r) => {
    // A part read whole (not streamed) that inflates past the reader's bound for such parts (32 MiB). Rare: each
    // costs a second of inflating.
    const name = r.pick(['xl/workbook.xml', 'xl/styles.xml', 'xl/_rels/workbook.xml.rels', '_rels/.rels']);
    const xml = text(p, name);
    if (xml === null || !r.chance(0.3)) return 'none';
    p.set(name, xml.replace(/<\/[A-Za-z:]+>$/, (end) => `${' '.repeat(40 << 20)}${end}`));
    return `${name} with 40 MiB of white space`;
  }],
  [1, (p, r) => {
    // A deflate bomb in miniature: megabytes of white space between two rows, which compress to a few KB.
    const n = r.pick([4_000_000, 12_000_000]);
    const done = replaceOne(p, SHEET, /<\/row>/, r, (end) => `${end}${' '.repeat(n)}`);
    return done ? `${n} bytes of white space in the sheet` : 'none';
  }],
];

const PART_TOTAL = PART_MUTATIONS.reduce((n, [w]) => n + w, 0);

/** 0 to 3 mutations of the parts, in place; what they did. */
export function mutateParts(parts: Parts, random: Random): string[] {
  const steps: string[] = [];
  const n = random.pick([0, 1, 1, 1, 2, 3]);
  for (let i = 0; i < n; i++) {
    const what = weighted(PART_MUTATIONS, PART_TOTAL, random)(parts, random);
    if (what !== 'none') steps.push(what);
  }
  return steps;
}

type ZipMutation = (zip: Buffer, layout: ZipLayout, random: Random) => string;

function flipIn(zip: Buffer, from: number, length: number, random: Random): number {
  const p = from + random.int(Math.max(1, length));
  if (p < zip.length) zip[p] = (zip[p] as number) ^ (1 + random.int(255));
  return p;
}

const ZIP_MUTATIONS: readonly [number, ZipMutation][] = [
  [5, (z, l, r) => {
    const entry = r.pick(l.entries);
    const p = flipIn(z, entry.data, entry.size, r);
    return `flip byte ${p} in the data of ${entry.name}`;
  }],
  [3, (z, l, r) => {
    const entry = r.pick(l.entries);
    const p = flipIn(z, entry.local, entry.data - entry.local, r);
    return `flip byte ${p} in the local header of ${entry.name}`;
  }],
  [3, (z, layout, r) => {
    const p = flipIn(z, layout.centralDirectory, layout.centralDirectorySize, r);
    return `flip byte ${p} in the central directory`;
  }],
  [1, (z, layout, r) => {
    const p = flipIn(z, layout.endOfCentralDirectory, 22, r);
    return `flip byte ${p} in the end of central directory`;
  }],
  [2, (z, l, r) => {
    const entry = r.pick(l.entries);
    const method = r.pick([12, 14, 99, 0, 8]);
    z.writeUInt16LE(method, entry.local + 8);
    if (r.chance(0.5)) z.writeUInt16LE(method, entry.central + 10);
    return `${entry.name}: compression method ${method}`;
  }],
  [1, (z, l, r) => {
    const entry = r.pick(l.entries);
    z.writeUInt16LE(z.readUInt16LE(entry.central + 8) | 1, entry.central + 8);
    z.writeUInt16LE(z.readUInt16LE(entry.local + 6) | 1, entry.local + 6);
    return `${entry.name}: marked encrypted`;
  }],
  [2, (z, l, r) => {
    const entry = r.pick(l.entries);
    const size = r.pick([0, 1, 0xffffffff, z.length * 2, entry.size + 1]);
    z.writeUInt32LE(size >>> 0, entry.central + 20);
    if (r.chance(0.5)) z.writeUInt32LE(size >>> 0, entry.local + 18);
    return `${entry.name}: compressed size ${size}`;
  }],
  [1, (z, l, r) => {
    const entry = r.pick(l.entries);
    const offset = r.pick([0, 1, 0xffffffff, z.length]);
    z.writeUInt32LE(offset >>> 0, entry.central + 42);
    return `${entry.name}: local header offset ${offset}`;
  }],
  [1, (z, layout, r) => {
    const count = r.pick([0, 1, 0xffff, layout.entries.length + 3]);
    z.writeUInt16LE(count, layout.endOfCentralDirectory + 10);
    z.writeUInt16LE(count, layout.endOfCentralDirectory + 8);
    return `central directory count ${count}`;
  }],
];

const ZIP_TOTAL = ZIP_MUTATIONS.reduce((n, [w]) => n + w, 0);

/** 0 to 2 mutations of the zip's bytes (sometimes a cut or appended bytes as well). */
export function mutateZip(zip: Uint8Array, random: Random): Mutated {
  let out = Buffer.from(zip);
  const steps: string[] = [];
  // Offsets come from the intact package: a mutation may break what the next one would have read.
  const layout = zipLayout(out);
  const n = random.pick([0, 0, 1, 1, 2]);
  for (let i = 0; i < n; i++) steps.push(weighted(ZIP_MUTATIONS, ZIP_TOTAL, random)(out, layout, random));
  if (random.chance(0.08)) {
    const cut = random.int(out.length + 1);
    out = out.subarray(0, cut);
    steps.push(`truncate at ${cut}`);
  } else if (random.chance(0.04)) {
    out = Buffer.concat([out, Buffer.from('garbage after the end', 'latin1')]);
    steps.push('bytes appended after the end');
  }
  return { bytes: out, what: steps.join('; ') };
}
