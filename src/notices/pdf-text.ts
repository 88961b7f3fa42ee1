// Text for PDF content streams with the standard fonts (Helvetica, Courier): WinAnsi encoding (PDF 32000-1 annex D),
// widths from pdfkit's AFM metrics, and line wrapping. Letters are laid out once per campaign and their operators
// written straight into the page, which is what makes printing several hundred thousand letters fast.

/** WinAnsi bytes 0x80-0x9F that differ from Latin-1 (PDF 32000-1, D.2). */
const WIN_ANSI_HIGH: Readonly<Record<number, number>> = {
  0x20ac: 0x80, 0x201a: 0x82, 0x0192: 0x83, 0x201e: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87, 0x02c6: 0x88,
  0x2030: 0x89, 0x0160: 0x8a, 0x2039: 0x8b, 0x0152: 0x8c, 0x017d: 0x8e, 0x2018: 0x91, 0x2019: 0x92, 0x201c: 0x93,
  0x201d: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02dc: 0x98, 0x2122: 0x99, 0x0161: 0x9a, 0x203a: 0x9b,
  0x0153: 0x9c, 0x017e: 0x9e, 0x0178: 0x9f,
};

function winAnsiByte(code: number): number | null {
  if (code >= 0x20 && code <= 0x7e) return code;
  if (code >= 0xa0 && code <= 0xff) return code === 0xad ? 0x2d : code;
  return WIN_ANSI_HIGH[code] ?? null;
}

/**
 * Text the standard fonts can show: characters outside WinAnsi lose their accents (NFD) or become '?', white space
 * becomes one space (a no-break space would print as a gap of another width).
 */
export function toWinAnsiText(text: string): string {
  let out = '';
  for (const ch of text.replace(/[\s\u00a0\u202f\u2009]+/g, ' ')) {
    const code = ch.codePointAt(0)!;
    if (winAnsiByte(code) !== null) {
      out += ch;
      continue;
    }
    const bare = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    out += [...bare].every((c) => winAnsiByte(c.codePointAt(0)!) !== null) && bare !== '' ? bare : code === 0x2011 || code === 0x2010 || code === 0x2212 ? '-' : '?';
  }
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A PDF hex string of the WinAnsi bytes of text already passed through toWinAnsiText. */
export function hexString(text: string): string {
  let out = '<';
  for (let i = 0; i < text.length; i++) out += HEX[winAnsiByte(text.charCodeAt(i)) ?? 0x3f];
  return `${out}>`;
}

/** What layout needs of a font: its PDF resource name and its advance widths (pdfkit's AFM metrics). */
export interface FontMetrics {
  id: string;
  widthOf(text: string, size: number): number;
}

/** Greedy line breaking on spaces; a word longer than the width is cut. Text must be WinAnsi already. */
export function wrap(text: string, font: FontMetrics, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (word === '') continue;
    const candidate = line === '' ? word : `${line} ${word}`;
    if (font.widthOf(candidate, size) <= width) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    line = word;
    while (font.widthOf(line, size) > width && line.length > 1) {
      let cut = line.length - 1;
      while (cut > 1 && font.widthOf(line.slice(0, cut), size) > width) cut--;
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

const n = (value: number): string => (Math.round(value * 100) / 100).toString();

/**
 * Operators showing one line with its baseline `baseline` points below the top of the page. pdfkit starts each page
 * with a y-down transform; the text matrix flips glyphs back upright.
 */
export function lineOps(font: FontMetrics, size: number, x: number, baseline: number, text: string): string {
  return `BT /${font.id} ${n(size)} Tf 1 0 0 -1 ${n(x)} ${n(baseline)} Tm ${hexString(text)} Tj ET\n`;
}

export function rectOps(x: number, y: number, width: number, height: number, lineWidth: number): string {
  return `${n(lineWidth)} w ${n(x)} ${n(y)} ${n(width)} ${n(height)} re S\n`;
}

export function translateOps(dy: number, name: string): string {
  return `q 1 0 0 1 0 ${n(dy)} cm /${name} Do Q\n`;
}
