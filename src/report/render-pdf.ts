// The dossier document as a readable A4 PDF (pdfkit, standard Helvetica): key-value lines, lists, tables (persons by
// department, categories, fill rates) and a horizontal bar chart of persons by data category.

import { createRequire } from 'node:module';
import { toWinAnsiText } from '../notices/pdf-text.js';
import type { Block, DossierDocument } from './document.js';
import { formatCount } from './labels.js';

// pdfkit is CommonJS with `export =` typings: required, as in src/notices/letter-pdf.ts.
const PDFDocument = createRequire(import.meta.url)('pdfkit') as typeof import('pdfkit');

const MARGIN = 50;
const INK = '#1a1a1a';
const MUTED = '#555555';
const BAR = '#1f4e8c';
const RULE = '#cccccc';

type Doc = InstanceType<typeof PDFDocument>;

const t = (text: string): string => toWinAnsiText(text);

function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
}

function subtitle(doc: Doc, title: string | undefined): void {
  if (title === undefined) return;
  ensureSpace(doc, 30);
  doc.font('Helvetica-Bold').fontSize(9.5).fillColor(INK).text(t(title), MARGIN, doc.y, { width: doc.page.width - 2 * MARGIN });
  doc.moveDown(0.3);
}

function pairs(doc: Doc, rows: [string, string][]): void {
  const width = doc.page.width - 2 * MARGIN;
  const labelWidth = width * 0.36;
  doc.fontSize(9.5);
  for (const [label, value] of rows) {
    const labelText = t(label);
    const valueText = t(value);
    const height = Math.max(
      doc.font('Helvetica-Bold').heightOfString(labelText, { width: labelWidth - 8 }),
      doc.font('Helvetica').heightOfString(valueText, { width: width - labelWidth }),
    );
    ensureSpace(doc, height + 4);
    const y = doc.y;
    doc.font('Helvetica-Bold').fillColor(MUTED).text(labelText, MARGIN, y, { width: labelWidth - 8 });
    doc.font('Helvetica').fillColor(INK).text(valueText, MARGIN + labelWidth, y, { width: width - labelWidth });
    doc.y = y + height + 3;
  }
  doc.moveDown(0.4);
}

function list(doc: Doc, items: string[]): void {
  const width = doc.page.width - 2 * MARGIN;
  doc.font('Helvetica').fontSize(9.5).fillColor(INK);
  for (const item of items) {
    const text = t(item);
    const height = doc.heightOfString(text, { width: width - 14 });
    ensureSpace(doc, height + 3);
    const y = doc.y;
    doc.text('-', MARGIN + 2, y);
    doc.text(text, MARGIN + 14, y, { width: width - 14 });
    doc.y = y + height + 2;
  }
  doc.moveDown(0.4);
}

function table(doc: Doc, head: string[], rows: string[][], align: ('left' | 'right')[] | undefined): void {
  // A two-column table (label, count) reads better narrow.
  const width = (doc.page.width - 2 * MARGIN) * (head.length === 2 ? 0.5 : 1);
  const columns = head.length;
  // The first column takes what the others leave; numeric (right-aligned) columns are narrow.
  const narrow = width * 0.16;
  const numeric = head.map((_, i) => i > 0 && align?.[i] === 'right');
  const fixed = numeric.filter(Boolean).length * narrow;
  const other = (width - fixed) / Math.max(1, numeric.filter((n) => !n).length);
  const widths = numeric.map((n) => (n ? narrow : other));
  const xs = widths.map((_, i) => MARGIN + widths.slice(0, i).reduce((a, b) => a + b, 0));
  const line = (cells: string[], bold: boolean): void => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8.5);
    const texts = cells.map(t);
    const height = Math.max(...texts.map((c, i) => doc.heightOfString(c, { width: widths[i]! - 6 })));
    ensureSpace(doc, height + 4);
    const y = doc.y;
    texts.forEach((c, i) => doc.fillColor(bold ? MUTED : INK).text(c, xs[i]!, y, { width: widths[i]! - 6, align: align?.[i] ?? 'left' }));
    doc.y = y + height + 2;
    doc.moveTo(MARGIN, doc.y).lineTo(MARGIN + width, doc.y).lineWidth(0.4).strokeColor(RULE).stroke();
    doc.y += 2;
  };
  if (columns > 0) line(head, true);
  for (const row of rows) line(row, false);
  doc.moveDown(0.6);
}

function chart(doc: Doc, title: string, bars: { label: string; value: number }[]): void {
  const width = doc.page.width - 2 * MARGIN;
  const labelWidth = width * 0.42;
  const valueWidth = 60;
  const barMax = width - labelWidth - valueWidth;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rowHeight = 14;
  ensureSpace(doc, 24 + rowHeight * Math.min(bars.length, 4));
  doc.font('Helvetica-Bold').fontSize(9.5).fillColor(INK).text(t(title), MARGIN, doc.y);
  doc.moveDown(0.3);
  for (const bar of bars) {
    ensureSpace(doc, rowHeight);
    const y = doc.y;
    doc.font('Helvetica').fontSize(8).fillColor(INK).text(t(bar.label), MARGIN, y + 2, { width: labelWidth - 6, height: rowHeight, ellipsis: true, lineBreak: false });
    const length = Math.max(bar.value > 0 ? 1 : 0, (bar.value / max) * barMax);
    doc.rect(MARGIN + labelWidth, y + 2, length, rowHeight - 5).fillColor(BAR).fill();
    doc.fillColor(INK).text(formatCount(bar.value), MARGIN + labelWidth + length + 4, y + 2, { lineBreak: false });
    doc.y = y + rowHeight;
  }
  doc.moveDown(0.8);
}

function block(doc: Doc, b: Block): void {
  doc.x = MARGIN;
  switch (b.kind) {
    case 'pairs':
      return pairs(doc, b.rows);
    case 'list':
      subtitle(doc, b.title);
      return list(doc, b.items);
    case 'table':
      subtitle(doc, b.title);
      return table(doc, b.head, b.rows, b.align);
    case 'chart':
      return chart(doc, b.title, b.bars);
    case 'text':
      ensureSpace(doc, 24);
      doc.font('Helvetica').fontSize(9.5).fillColor(INK).text(t(b.text), MARGIN, doc.y, { width: doc.page.width - 2 * MARGIN });
      doc.moveDown(0.6);
  }
}

/** The PDF bytes. `createdAt` makes the file's metadata the dossier's own date, not the time of rendering. */
export async function renderPdf(document: DossierDocument, createdAt: Date): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    info: { Title: t(document.title), Subject: t(document.subtitle), Producer: 'Vigie', Creator: 'Vigie', CreationDate: createdAt },
    lang: document.lang === 'fr' ? 'fr-FR' : 'en-GB',
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(15).fillColor(INK).text(t(document.title), { width: doc.page.width - 2 * MARGIN });
  doc.moveDown(0.2);
  doc.font('Helvetica').fontSize(10).fillColor(MUTED).text(t(document.subtitle));
  doc.moveDown(1);
  for (const section of document.sections) {
    ensureSpace(doc, 60);
    doc.x = MARGIN;
    doc.font('Helvetica-Bold').fontSize(12).fillColor(BAR).text(t(section.title), MARGIN, doc.y);
    doc.moveDown(0.4);
    for (const b of section.blocks) block(doc, b);
  }
  ensureSpace(doc, 30);
  doc.font('Helvetica-Oblique').fontSize(8).fillColor(MUTED).text(t(document.footer), MARGIN, doc.y);
  doc.end();
  return done;
}
