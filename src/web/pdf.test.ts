// The PDF writer: WinAnsi text that French needs, wrapping within the margins, several pages, and a file that a real
// reader (pdftotext, when installed) opens with its cross-reference table intact.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPdf, toWinAnsi } from './pdf.js';

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

function hasPdftotext(): boolean {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('toWinAnsi', () => {
  it('keeps French letters, quotes, dashes and the euro as WinAnsi bytes', () => {
    expect(toWinAnsi('é')).toEqual([0xe9]);
    expect(toWinAnsi('œ')).toEqual([0x9c]);
    expect(toWinAnsi('’«»–€')).toEqual([0x92, 0xab, 0xbb, 0x96, 0x80]);
    expect(toWinAnsi('a\u202fb')).toEqual([0x61, 0xa0, 0x62]);
  });

  it('drops accents WinAnsi lacks and writes ? for the rest', () => {
    expect(toWinAnsi('ő')).toEqual([0x6f]);
    expect(toWinAnsi('漢')).toEqual([0x3f]);
  });
});

describe('buildPdf', () => {
  it('writes a PDF whose xref offsets point at their objects', () => {
    const text = latin1(buildPdf([{ text: 'Bonjour (test) \\ fin' }], { title: 'T', date: new Date('2021-03-15T10:00:00Z') }));
    expect(text.startsWith('%PDF-1.4')).toBe(true);
    expect(text).toContain('(Bonjour \\(test\\) \\\\ fin) Tj');
    expect(text).toContain('/CreationDate (D:20210315100000Z)');
    const xref = Number(/startxref\n(\d+)/.exec(text)![1]);
    expect(text.slice(xref, xref + 4)).toBe('xref');
    const offsets = [...text.slice(xref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    offsets.forEach((offset, i) => expect(text.slice(offset, offset + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`));
  });

  it('wraps long paragraphs and starts new pages', () => {
    const long = 'Je soussignée déclare porter plainte contre X pour les faits suivants. '.repeat(200);
    const text = latin1(buildPdf([{ text: long }], { title: 'Long' }));
    const count = Number(/\/Count (\d+)/.exec(text)![1]);
    expect(count).toBeGreaterThanOrEqual(3);
    // No line is wider than the text area: every Td x is the left margin, and lines are short.
    for (const m of text.matchAll(/Td \((.*?)\) Tj/g)) expect(m[1]!.length).toBeLessThan(110);
  });

  it.skipIf(!hasPdftotext())('reads back with pdftotext, accents and all', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-pdf-'));
    try {
      const file = join(dir, 'a.pdf');
      writeFileSync(file, buildPdf([{ text: 'Hélène LEFÈVRE, née à Saint-Brieuc', bold: true }, { text: 'l’œuvre « 226-22 » coûte 5 €', align: 'right' }], { title: 'x' }));
      const out = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
      expect(out).toContain('Hélène LEFÈVRE, née à Saint-Brieuc');
      expect(out).toContain('l’œuvre « 226-22 » coûte 5 €');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
