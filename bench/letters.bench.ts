// Letters benchmark (issue 5): pages per second of Vigie's letter printer against bare pdfkit writing the same page
// (the same texts, laid out by pdfkit's own `text(..., { width })`), both on one thread, measured in the same run
// (bare before and after, averaged) so that machine noise cancels in the ratio; then the 2-thread pool; then, with
// --rows, a whole `notices generate` on a synthetic file of that many rows.
//
//   npm run bench:letters -- [--letters 4000] [--rows 491840] [--threads 2]

import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exampleControllerConfig } from '../src/controller/example.js';
import { writeNewKeyFile } from '../src/crypto/key-file.js';
import { CATEGORIES } from '../src/identifiers/categories.js';
import { createEvaluatorPool } from '../src/index/evaluator-pool.js';
import { ingest } from '../src/index/ingest.js';
import { SqliteStore } from '../src/index/sqlite-store.js';
import { generateNotices } from '../src/notices/generate.js';
import { createLetterPool } from '../src/notices/letter-pool.js';
import { LetterPrinter, type LetterData } from '../src/notices/letter-pdf.js';
import { letterTexts, type LetterTexts } from '../src/notices/letter-text.js';
import { toWinAnsiText, wrap, type FontMetrics } from '../src/notices/pdf-text.js';
import { synthesize } from '../src/synth/index.js';

const PDFDocument = createRequire(import.meta.url)('pdfkit') as typeof import('pdfkit');

const { values } = parseArgs({
  options: {
    letters: { type: 'string', default: '4000' },
    rows: { type: 'string' },
    threads: { type: 'string', default: '2' },
  },
});
const count = Number(values.letters);
const threads = Number(values.threads);
const dir = join(tmpdir(), `vigie-bench-letters-${process.pid}`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const config = exampleControllerConfig();
const breach = config.breaches[0]!;
const texts = letterTexts(config, breach, 'fr', '2026-11-23');

const letters: LetterData[] = Array.from({ length: count }, (_, i) => ({
  reference: `LABEX-BNCH-${String(i + 1).padStart(6, '0')}`,
  code: `ABCD-EFGH-${String(i % 10_000).padStart(4, '0')}-WXYZ`,
  recipient: `Prénom${i} NOM${i}`,
  address: { street: [`${i % 200} rue de la République`, ...(i % 5 === 0 ? ['Résidence les Tilleuls'] : [])], postcode: String(35000 + (i % 900)), city: 'RENNES' },
  labs: i % 7 === 0 ? ['Laboratoire Exemple – Rennes', 'Laboratoire Exemple – Vannes'] : ['Laboratoire Exemple – Rennes'],
  categories: CATEGORIES.filter((_, k) => (i + k) % 3 !== 0),
}));

/** The same page with pdfkit's public API: every text drawn by `doc.text`, paragraphs wrapped by pdfkit. */
async function barePdfkit(path: string, pages: readonly LetterData[], t: LetterTexts): Promise<void> {
  const doc = new PDFDocument({ size: 'A4', autoFirstPage: false, margin: 0, compress: true });
  const out = createWriteStream(path);
  const done = new Promise<void>((resolve) => out.on('finish', () => resolve()));
  doc.pipe(out);
  const mm = 72 / 25.4;
  const left = 20 * mm;
  const width = 595.28 - 40 * mm;
  const c = config.controller;
  for (const letter of pages) {
    doc.addPage({ size: 'A4', margin: 0 });
    doc.font('Helvetica-Bold').fontSize(14).text(c.name, left, 12 * mm, { lineBreak: false });
    doc.font('Helvetica').fontSize(8);
    let y = 16 * mm + 6;
    for (const line of [c.legalName ?? '', ...c.address.lines, `${c.address.postcode} ${c.address.city}`, c.address.country ?? '', c.website ?? '']) {
      doc.text(line, left, y, { lineBreak: false });
      y += 9.5;
    }
    doc.fontSize(10);
    y = 53 * mm;
    for (const line of [letter.recipient, ...letter.address.street, `${letter.address.postcode} ${letter.address.city}`]) {
      doc.text(line, 108 * mm, y, { lineBreak: false });
      y += 12;
    }
    doc.fontSize(9).font('Helvetica-Bold').text(`${t.referenceLabel} `, left, 95 * mm, { continued: true }).font('Helvetica').text(letter.reference);
    doc.text(t.dateLine, left, 95 * mm, { width, align: 'right' });
    doc.font('Helvetica-Bold').fontSize(9.5).text(t.subject, left, 104 * mm, { width });
    const paragraphs = (list: readonly { kind: string; text: string }[]): void => {
      for (const p of list) {
        doc.font(p.kind === 'heading' ? 'Helvetica-Bold' : 'Helvetica').fontSize(p.kind === 'small' ? 8 : 9);
        doc.text(p.kind === 'bullet' ? `• ${p.text}` : p.text, left, doc.y + 3, { width });
      }
    };
    paragraphs(t.opening);
    doc.font('Helvetica-Bold').text(t.labsLabel, left, doc.y + 3, { continued: true }).font('Helvetica').text(` ${letter.labs.join(', ')}`, { width });
    doc.font('Helvetica-Bold').text(t.categoriesLabel, left, doc.y, { continued: true }).font('Helvetica').text(` ${letter.categories.map((k) => t.categoryLabels[k]).join(', ')}`, { width });
    paragraphs(t.middle);
    const boxTop = doc.y + 6;
    doc.rect(left, boxTop, width, 39).stroke();
    doc.font('Helvetica-Bold').fontSize(10).text(t.codeLabel, left + 8, boxTop + 14, { lineBreak: false });
    doc.font('Courier-Bold').fontSize(15).text(letter.code, left + 80, boxTop + 12, { lineBreak: false });
    doc.y = boxTop + 41;
    paragraphs(t.closing);
  }
  doc.end();
  await done;
}

/**
 * The strictest baseline: pdfkit drawing the very lines of the page, already wrapped (once, outside the loop), one
 * `doc.text(line, x, y, { lineBreak: false })` each: pdfkit's cost per page with no layout work at all.
 */
async function barePdfkitLines(path: string, pages: readonly LetterData[], t: LetterTexts): Promise<void> {
  const doc = new PDFDocument({ size: 'A4', autoFirstPage: false, margin: 0, compress: true });
  const out = createWriteStream(path);
  const done = new Promise<void>((resolve) => out.on('finish', () => resolve()));
  doc.pipe(out);
  const mm = 72 / 25.4;
  const left = 20 * mm;
  const width = 595.28 - 40 * mm;
  const metric = (name: string): FontMetrics => {
    doc.font(name);
    const font = (doc as unknown as { _font: { id: string; widthOfString(s: string, size: number): number } })._font;
    return { id: font.id, widthOf: (s, size) => font.widthOfString(s, size) };
  };
  const regular = metric('Helvetica');
  const bold = metric('Helvetica-Bold');
  const lines = (list: readonly { kind: string; text: string }[]): [string, string][] =>
    list.flatMap((p) => wrap(toWinAnsiText(p.text), p.kind === 'heading' ? bold : regular, 9, width).map((l): [string, string] => [p.kind === 'heading' ? 'Helvetica-Bold' : 'Helvetica', l]));
  const head = lines([{ kind: 'heading', text: t.subject }, ...t.opening]);
  const middle = lines(t.middle);
  const closing = lines(t.closing);
  const c = config.controller;
  const letterhead = [c.legalName ?? '', ...c.address.lines, `${c.address.postcode} ${c.address.city}`, c.address.country ?? '', c.website ?? ''];
  for (const letter of pages) {
    doc.addPage({ size: 'A4', margin: 0 });
    doc.font('Helvetica-Bold').fontSize(14).text(c.name, left, 12 * mm, { lineBreak: false });
    doc.font('Helvetica').fontSize(8);
    let y = 16 * mm + 6;
    for (const line of letterhead) (doc.text(line, left, y, { lineBreak: false }), (y += 9.5));
    doc.fontSize(10);
    y = 53 * mm;
    for (const line of [letter.recipient, ...letter.address.street, `${letter.address.postcode} ${letter.address.city}`]) (doc.text(line, 108 * mm, y, { lineBreak: false }), (y += 12));
    doc.fontSize(9).text(`${t.referenceLabel} ${letter.reference}`, left, 95 * mm, { lineBreak: false });
    doc.text(t.dateLine, left + 300, 95 * mm, { lineBreak: false });
    y = 104 * mm;
    const draw = (list: [string, string][]): void => {
      for (const [font, line] of list) (doc.font(font).text(line, left, y, { lineBreak: false }), (y += 11));
    };
    draw(head);
    doc.text(`${t.labsLabel} ${letter.labs.join(', ')}`, left, y, { lineBreak: false });
    y += 11;
    for (const line of wrap(toWinAnsiText(`${t.categoriesLabel} ${letter.categories.map((k) => t.categoryLabels[k]).join(', ')}`), regular, 9, width)) (doc.text(line, left, y, { lineBreak: false }), (y += 11));
    draw(middle);
    doc.rect(left, y + 6, width, 39).stroke();
    doc.font('Courier-Bold').fontSize(15).text(letter.code, left + 80, y + 18, { lineBreak: false });
    doc.font('Helvetica').fontSize(9);
    y += 47;
    draw(closing);
  }
  doc.end();
  await done;
}

async function timed(label: string, fn: () => Promise<void>, pages: number): Promise<number> {
  const start = performance.now();
  await fn();
  const perSecond = pages / ((performance.now() - start) / 1000);
  console.log(`${label.padEnd(44)} ${Math.round(perSecond).toString().padStart(6)} pages/s`);
  return perSecond;
}

const batches = (list: readonly LetterData[]): LetterData[][] => Array.from({ length: Math.ceil(list.length / 1000) }, (_, i) => list.slice(i * 1000, (i + 1) * 1000));

async function vigieOneThread(tag: string): Promise<void> {
  const printer = new LetterPrinter(texts, config);
  let b = 0;
  for (const batch of batches(letters)) await printer.writeBatch(join(dir, `vigie-${tag}-${b++}.pdf`), batch, 'bench');
}

console.log(`${count} letters, A4, French, batches of 1,000; machine: ${process.arch}, Node ${process.version}`);
await timed('warm-up (bare pdfkit, 500 pages)', () => barePdfkit(join(dir, 'warm.pdf'), letters.slice(0, 500), texts), 500);
await timed('warm-up (Vigie, 1 thread)', () => vigieOneThread('warm'), count);
const bare1 = await timed('bare pdfkit, same page, 1 thread', () => barePdfkit(join(dir, 'bare1.pdf'), letters, texts), count);
const ours = await timed('Vigie letter printer, 1 thread', () => vigieOneThread('a'), count);
const bare2 = await timed('bare pdfkit, same page, 1 thread (again)', () => barePdfkit(join(dir, 'bare2.pdf'), letters, texts), count);
const lines1 = await timed('bare pdfkit, same lines pre-wrapped, 1 thread', () => barePdfkitLines(join(dir, 'lines1.pdf'), letters, texts), count);
const ours2 = await timed('Vigie letter printer, 1 thread (again)', () => vigieOneThread('b'), count);
const lines2 = await timed('bare pdfkit, same lines pre-wrapped (again)', () => barePdfkitLines(join(dir, 'lines2.pdf'), letters, texts), count);
const bare = (bare1 + bare2) / 2;
const lines = (lines1 + lines2) / 2;
console.log(`ratio (Vigie / bare pdfkit laying out the page, 1 thread): ${(ours / bare).toFixed(2)}  (goal >= 0.8)`);
console.log(`ratio (Vigie / bare pdfkit drawing pre-wrapped lines, 1 thread): ${(ours2 / lines).toFixed(2)}  (goal >= 0.8)`);

const pool = await createLetterPool({ config, breachId: breach.id, lang: 'fr', issuedAt: '2026-11-23' }, { threads });
// Warm each thread's JIT first, as the single-thread runs above were warmed.
await Promise.all(Array.from({ length: Math.max(1, threads) }, (_, k) => pool.print(join(dir, `pool-warm-${k}.pdf`), letters.slice(0, 1000), 'warm')));
const pooled = await timed(`Vigie letter pool, ${threads} threads`, async () => {
  let b = 0;
  await Promise.all(batches(letters).map((batch) => pool.print(join(dir, `pool-${b++}.pdf`), batch, 'bench')));
}, count);
await pool.close();
console.log(`pool speed-up over 1 thread: ${(pooled / ours).toFixed(2)}x`);

if (values.rows !== undefined) {
  const rows = Number(values.rows);
  const file = join(dir, 'leak.csv');
  await synthesize({ rows, seed: 'bench', dirty: true, out: file });
  const key = writeNewKeyFile(join(dir, 'vigie.key'));
  const store = new SqliteStore(join(dir, 'vigie.db'));
  const evaluators = await createEvaluatorPool({ secretKey: key.secretKey, threads });
  await ingest({ store, pool: evaluators, keyId: key.keyId, breachId: breach.id, files: [file] });
  await evaluators.close();
  const phases: Record<string, number> = {};
  const start = performance.now();
  const summary = await generateNotices({
    store,
    secretKey: key.secretKey,
    breachId: breach.id,
    source: file,
    config,
    outDir: join(dir, 'out'),
    threads,
    onProgress: (p) => (phases[p.phase] = p.elapsedMs),
  });
  const seconds = (performance.now() - start) / 1000;
  store.close();
  console.log(
    `notices generate, ${rows} rows: ${summary.persons} persons, ${summary.letters} letters in ${summary.batches} PDFs, ` +
      `${summary.withoutPostalAddress} without address, ${summary.emails} e-mail addresses; ${seconds.toFixed(1)} s total ` +
      `(reading ${(phases['reading']! / 1000).toFixed(1)} s, sealing done at ${(phases['sealing']! / 1000).toFixed(1)} s, ` +
      `letters ${summary.lettersPerSecond}/s), peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
  );
}
rmSync(dir, { recursive: true, force: true });
