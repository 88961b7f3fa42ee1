// A small PDF writer for letters, small enough for the browser (pdfkit is hundreds of KB): text only, A4 pages, the
// standard Helvetica and Helvetica-Bold fonts (PDF 32000-1:2008 §9.6.2.2, no embedding) with WinAnsiEncoding
// (Annex D.2) so that French accents, « », ’ and € print; lines wrapped on word boundaries with the AFM widths.

import { HELVETICA_BOLD_WIDTHS, HELVETICA_WIDTHS } from './pdf-fonts.js';

export interface TextBlock {
  text: string;
  bold?: boolean;
  /** Point size (default 11). */
  size?: number;
  align?: 'left' | 'right';
  /** Extra space above the block, in points (default 0). */
  spaceBefore?: number;
}

export interface PdfOptions {
  title: string;
  /** Creation date (default now). */
  date?: Date;
}

const PAGE_WIDTH = 595.28; // A4 in points
const PAGE_HEIGHT = 841.89;
const MARGIN = 64;
const TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN;

/**
 * WinAnsiEncoding's bytes 0x80..0x9F (PDF 32000-1 Annex D.2, the same as windows-1252), index = byte - 0x80; empty
 * where the encoding has no character. Bytes 0xA0..0xFF are Latin-1. Written out rather than asked of TextDecoder:
 * Node built without full ICU decodes "windows-1252" as Latin-1.
 */
export const WIN_ANSI_80_9F = '\u20ac\0\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\0\u017d\0\0\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\0\u017e\u0178';

/** The character of a WinAnsi byte 0x80..0xFF, or null where there is none. */
export function winAnsiChar(byte: number): string | null {
  if (byte >= 0xa0 && byte <= 0xff) return String.fromCharCode(byte);
  const ch = WIN_ANSI_80_9F[byte - 0x80];
  return ch === undefined || ch === '\0' ? null : ch;
}

/** Unicode -> WinAnsi byte for the upper half (0x80..0xFF). */
const WIN_ANSI = new Map<string, number>();
for (let byte = 0x80; byte <= 0xff; byte++) {
  const ch = winAnsiChar(byte);
  if (ch !== null) WIN_ANSI.set(ch, byte);
}

/** Text -> WinAnsi bytes: spaces of any kind become plain or no-break spaces, other characters lose accents WinAnsi lacks, the rest is "?". */
export function toWinAnsi(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x20 && code < 0x7f) out.push(code);
    else if (code === 0x202f || code === 0x2009 || code === 0xa0) out.push(0xa0);
    else if (code === 0x2011 || code === 0x2010) out.push(0x2d);
    else if (code === 0x09) out.push(0x20);
    else if (WIN_ANSI.has(ch)) out.push(WIN_ANSI.get(ch)!);
    else {
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      if (base !== ch && base.length > 0) out.push(...toWinAnsi(base));
      else out.push(0x3f);
    }
  }
  return out;
}

function widthOf(bytes: readonly number[], bold: boolean, size: number): number {
  const table = bold ? HELVETICA_BOLD_WIDTHS : HELVETICA_WIDTHS;
  let w = 0;
  for (const b of bytes) w += table[b - 32] ?? 0;
  return (w * size) / 1000;
}

/** Greedy wrap of one paragraph (no line breaks inside) to `max` points; a word longer than a line is cut. */
function wrap(bytes: number[], bold: boolean, size: number, max: number): number[][] {
  const lines: number[][] = [];
  let line: number[] = [];
  const words: number[][] = [];
  let word: number[] = [];
  for (const b of bytes) {
    if (b === 0x20) {
      words.push(word);
      word = [];
    } else word.push(b);
  }
  words.push(word);
  for (const w of words) {
    const candidate = line.length === 0 ? w : [...line, 0x20, ...w];
    if (widthOf(candidate, bold, size) <= max) {
      line = candidate;
      continue;
    }
    if (line.length > 0) lines.push(line);
    line = [];
    let rest = w;
    while (widthOf(rest, bold, size) > max) {
      let n = rest.length - 1;
      while (n > 1 && widthOf(rest.slice(0, n), bold, size) > max) n--;
      lines.push(rest.slice(0, n));
      rest = rest.slice(n);
    }
    line = rest;
  }
  lines.push(line);
  return lines;
}

/** A PDF literal string (§7.3.4.2): backslash, parentheses escaped; WinAnsi bytes kept as they are. */
function literal(bytes: readonly number[]): string {
  let s = '(';
  for (const b of bytes) {
    if (b === 0x5c || b === 0x28 || b === 0x29) s += `\\${String.fromCharCode(b)}`;
    else s += String.fromCharCode(b);
  }
  return `${s})`;
}

const num = (n: number): string => (Math.round(n * 100) / 100).toString();

function pdfDate(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `D:${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}Z`;
}

/** Lays the blocks out on A4 pages and returns the PDF file's bytes. */
export function buildPdf(blocks: readonly TextBlock[], options: PdfOptions): Uint8Array {
  const pages: string[] = [];
  let ops: string[] = [];
  let y = PAGE_HEIGHT - MARGIN;
  const newPage = () => {
    pages.push(ops.join('\n'));
    ops = [];
    y = PAGE_HEIGHT - MARGIN;
  };
  for (const block of blocks) {
    const size = block.size ?? 11;
    const bold = block.bold === true;
    const leading = size * 1.4;
    y -= block.spaceBefore ?? 0;
    for (const paragraph of block.text.split('\n')) {
      for (const line of wrap(toWinAnsi(paragraph), bold, size, TEXT_WIDTH)) {
        if (y - size < MARGIN) newPage();
        y -= leading;
        const x = block.align === 'right' ? PAGE_WIDTH - MARGIN - widthOf(line, bold, size) : MARGIN;
        if (line.length > 0) ops.push(`BT /${bold ? 'F2' : 'F1'} ${num(size)} Tf ${num(x)} ${num(y)} Td ${literal(line)} Tj ET`);
      }
    }
  }
  pages.push(ops.join('\n'));

  // Objects: 1 catalog, 2 page tree, 3-4 fonts, 5 info, then a page and its content stream per page.
  const objects: string[] = [];
  const pageIds = pages.map((_, i) => 6 + 2 * i);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  objects[4] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>';
  objects[5] = `<< /Title ${literal(toWinAnsi(options.title))} /Producer (Vigie) /CreationDate (${pdfDate(options.date ?? new Date())}) >>`;
  pages.forEach((content, i) => {
    const id = pageIds[i]!;
    objects[id] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] ` +
      `/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${id + 1} 0 R >>`;
    objects[id + 1] = `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
  });

  // Every character of the file is one byte (WinAnsi or ASCII), so string offsets are byte offsets (§7.5.4 xref).
  let file = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = file.length;
    file += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = file.length;
  file += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) file += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  file += `trailer\n<< /Size ${objects.length} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  const bytes = new Uint8Array(file.length);
  for (let i = 0; i < file.length; i++) bytes[i] = file.charCodeAt(i);
  return bytes;
}
