// One-page A4 letters (GDPR art. 34 notices) in batches, with pdfkit. The paragraphs common to every letter of a
// campaign are laid out once and drawn as three PDF form XObjects (PDF 32000-1 §8.10) that every page references;
// each page adds only its own lines: the address, the reference, the labs, the categories and the code. A page then
// costs a few hundred bytes and a fraction of a millisecond, and the print file stays small.
//
// The address block sits where a DL window envelope shows it (La Poste: 45 × 100 mm window, 20 mm from the right,
// 15 mm from the bottom of a 110 × 220 mm envelope; the letter folded in three), in the order of NF Z10-011.

import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import type { ControllerConfig } from '../controller/types.js';
import { VigieError } from '../errors.js';
import type { Category } from '../identifiers/categories.js';
import { lineOps, rectOps, toWinAnsiText, translateOps, wrap, type FontMetrics } from './pdf-text.js';
import type { LetterTexts, Paragraph } from './letter-text.js';
import type { LetterAddress } from './persons.js';

// pdfkit is CommonJS with `export =` types; this project compiles without esModuleInterop.
const PDFDocument = createRequire(import.meta.url)('pdfkit') as typeof import('pdfkit');

export interface LetterData {
  reference: string;
  /** XXXX-XXXX-XXXX-XXXX */
  code: string;
  /** First and last name as printed on the envelope. */
  recipient: string;
  address: LetterAddress;
  /** Display names of the labs. */
  labs: string[];
  categories: Category[];
}

const MM = 72 / 25.4;
const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const LEFT = 20 * MM;
const RIGHT = PAGE_WIDTH - 20 * MM;
const TEXT_WIDTH = RIGHT - LEFT;
const BOTTOM = PAGE_HEIGHT - 12 * MM;
/** The address block: inside the window of a DL envelope whatever the letter's play in it. */
export const ADDRESS_WINDOW = { x: 108 * MM, top: 53 * MM, width: 82 * MM, height: 34 * MM } as const;
const ADDRESS_SIZE = 10;
const REFERENCE_TOP = 98 * MM;
const SUBJECT_TOP = 106 * MM;
const CODE_SIZE = 15;
/** Worst case of the per-person paragraphs, reserved when fitting the page. */
const MAX_LAB_LINES = 2;
const MAX_CATEGORY_LINES = 4;

interface Fonts {
  regular: FontMetrics;
  bold: FontMetrics;
  mono: FontMetrics;
}

interface Block {
  ops: string;
  height: number;
}

/** The campaign's layout: static blocks as operators, the font size that fits one page, and per-letter positions. */
export class LetterLayout {
  readonly size!: number;
  readonly leading!: number;
  readonly head!: Block;
  readonly middle!: Block;
  readonly closing!: Block;
  private readonly referenceX: number;
  private readonly codeBoxHeight = CODE_SIZE * 2.6;

  constructor(
    private readonly texts: LetterTexts,
    private readonly config: ControllerConfig,
    private readonly fonts: Fonts,
  ) {
    // The largest body size at which the longest letter still fits one page.
    let fits = false;
    for (const size of [9, 8.75, 8.5, 8.25, 8, 7.75, 7.5, 7.25, 7]) {
      const fit = this.fit(size);
      Object.assign(this, fit);
      const worst =
        SUBJECT_TOP + fit.head.height + (MAX_LAB_LINES + MAX_CATEGORY_LINES + 0.6) * fit.leading + fit.middle.height + this.codeBoxHeight + 8 + fit.closing.height;
      if ((fits = worst <= BOTTOM)) break;
    }
    if (!fits) {
      throw new VigieError(
        'E_CONFIG',
        'the letter does not fit on one A4 page even in 7-point type: shorten "breaches[].summary", "breaches[].measures" or "breaches[].consequences" in controller.json',
      );
    }
    this.referenceX = LEFT + fonts.bold.widthOf(toWinAnsiText(`${texts.referenceLabel} `), this.size);
  }

  private fit(size: number): { size: number; leading: number; head: Block; middle: Block; closing: Block } {
    const leading = size * 1.22;
    const at = { size, leading };
    return {
      ...at,
      head: this.block(this.texts.opening, SUBJECT_TOP, true, at),
      middle: this.block(this.texts.middle, 0, false, at),
      closing: this.block(this.texts.closing, 0, false, at),
    };
  }

  /** Static letterhead, date and subject (when `withHead`), then paragraphs from `top`. Returns ops and the bottom. */
  private block(paragraphs: readonly Paragraph[], top: number, withHead: boolean, at: { size: number; leading: number }): Block {
    const { regular, bold } = this.fonts;
    const { size: bodySize, leading } = at;
    let ops = '';
    let y = top;
    if (withHead) {
      const c = this.config.controller;
      let hy = 16 * MM;
      ops += lineOps(bold, 14, LEFT, hy, toWinAnsiText(c.name));
      hy += 4;
      const small = [c.legalName, ...c.address.lines, `${c.address.postcode} ${c.address.city}`, c.address.country, c.website?.replace(/^https:\/\//, '')];
      for (const line of small) {
        if (line === undefined) continue;
        hy += 9.5;
        ops += lineOps(regular, 8, LEFT, hy, toWinAnsiText(line));
      }
      const t = this.texts;
      ops += lineOps(bold, bodySize, LEFT, REFERENCE_TOP, toWinAnsiText(`${t.referenceLabel} `));
      const date = toWinAnsiText(t.dateLine);
      ops += lineOps(regular, bodySize, RIGHT - regular.widthOf(date, bodySize), REFERENCE_TOP, date);
      for (const line of wrap(toWinAnsiText(t.subject), bold, bodySize + 0.5, TEXT_WIDTH)) {
        y += leading;
        ops += lineOps(bold, bodySize + 0.5, LEFT, y, line);
      }
    }
    for (const p of paragraphs) {
      const font = p.kind === 'heading' ? bold : regular;
      const size = p.kind === 'small' ? bodySize - 1 : p.kind === 'heading' ? bodySize + 0.25 : bodySize;
      const indent = p.kind === 'bullet' ? 9 : 0;
      y += p.kind === 'heading' ? leading * 0.55 : leading * 0.3;
      if (p.kind === 'bullet') ops += lineOps(regular, size, LEFT + 1, y + leading, toWinAnsiText('•'));
      for (const line of wrap(toWinAnsiText(p.text), font, size, TEXT_WIDTH - indent)) {
        y += p.kind === 'small' ? leading * 0.9 : leading;
        ops += lineOps(font, size, LEFT + indent, y, line);
      }
    }
    return { ops, height: y - top };
  }

  /** The page's own content: the static blocks placed, and the person's lines. */
  pageOps(letter: LetterData, names: { head: string; middle: string; closing: string }): string {
    const { regular, bold, mono } = this.fonts;
    const t = this.texts;
    let ops = translateOps(0, names.head);
    // Address block: name, street lines, postcode and city, country (NF Z10-011 order), shrunk to the window width.
    const lines = [letter.recipient, ...letter.address.street, `${letter.address.postcode} ${letter.address.city}`];
    if (letter.address.country !== undefined) lines.push(letter.address.country);
    let ay = ADDRESS_WINDOW.top;
    for (const raw of lines.slice(0, 6)) {
      const line = toWinAnsiText(raw);
      const width = regular.widthOf(line, ADDRESS_SIZE);
      const size = width > ADDRESS_WINDOW.width ? Math.max(6, (ADDRESS_SIZE * ADDRESS_WINDOW.width) / width) : ADDRESS_SIZE;
      ay += ADDRESS_SIZE * 1.2;
      ops += lineOps(regular, size, ADDRESS_WINDOW.x, ay, line);
    }
    ops += lineOps(regular, this.size, this.referenceX, REFERENCE_TOP, toWinAnsiText(letter.reference));

    // The person's labs and categories, right after the opening.
    let y = SUBJECT_TOP + this.head.height + this.leading * 0.3;
    const labs = this.labsLine(letter.labs);
    for (const [label, body, max] of [
      [t.labsLabel, labs, MAX_LAB_LINES],
      [t.categoriesLabel, letter.categories.map((c) => t.categoryLabels[c]).join(', '), MAX_CATEGORY_LINES],
    ] as const) {
      if (body === '') continue;
      const labelText = toWinAnsiText(label);
      const labelWidth = bold.widthOf(`${labelText} `, this.size);
      const wrapped = wrap(toWinAnsiText(body), regular, this.size, TEXT_WIDTH - labelWidth).slice(0, max);
      wrapped.forEach((line, i) => {
        y += this.leading;
        if (i === 0) ops += lineOps(bold, this.size, LEFT, y, labelText);
        ops += lineOps(regular, this.size, LEFT + labelWidth, y, line);
      });
    }
    ops += translateOps(y, names.middle);
    y += this.middle.height + 6;

    // The code, boxed, large, in a monospaced font (Crockford base32 has no I, L, O or U to misread).
    const label = toWinAnsiText(t.codeLabel);
    ops += rectOps(LEFT, y, TEXT_WIDTH, this.codeBoxHeight, 0.8);
    const baseline = y + this.codeBoxHeight / 2 + CODE_SIZE * 0.35;
    ops += lineOps(bold, this.size + 1, LEFT + 8, baseline, label);
    const codeX = LEFT + 14 + bold.widthOf(label, this.size + 1);
    ops += lineOps(mono, CODE_SIZE, codeX, baseline, letter.code);
    const address = toWinAnsiText(this.config.portalUrl.replace(/^https:\/\//, '').replace(/\/$/, ''));
    ops += lineOps(bold, this.size + 1, RIGHT - 8 - bold.widthOf(address, this.size + 1), baseline, address);
    y += this.codeBoxHeight + 2;
    ops += translateOps(y, names.closing);
    return ops;
  }

  /** Labs joined, cut to what fits on MAX_LAB_LINES lines with "and N others". */
  private labsLine(labs: readonly string[]): string {
    const { bold, regular } = this.fonts;
    const width = (TEXT_WIDTH - bold.widthOf(`${toWinAnsiText(this.texts.labsLabel)} `, this.size)) * MAX_LAB_LINES * 0.92;
    let shown = labs.length;
    const text = (k: number): string => labs.slice(0, k).join(', ') + (k < labs.length ? `, ${this.texts.andOthers(labs.length - k)}` : '');
    while (shown > 1 && regular.widthOf(toWinAnsiText(text(shown)), this.size) > width) shown--;
    return text(shown);
  }
}

interface PdfkitFont {
  id: string;
  widthOfString(text: string, size: number): number;
  ref(): unknown;
}

function fontOf(doc: PDFKit.PDFDocument, name: string): PdfkitFont {
  doc.font(name);
  return (doc as unknown as { _font: PdfkitFont })._font;
}

/**
 * Advance widths per character, read once from pdfkit's AFM metrics. Lines are shown with Tj, without kerning, so
 * they are measured without kerning too (and a table lookup is far cheaper than pdfkit's kerning-pair search).
 */
function metrics(font: PdfkitFont): FontMetrics {
  const widths = new Map<number, number>();
  return {
    id: font.id,
    widthOf(text, size) {
      let units = 0;
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        let width = widths.get(code);
        if (width === undefined) widths.set(code, (width = font.widthOfString(text[i]!, 1000)));
        units += width;
      }
      return (units * size) / 1000;
    },
  };
}

/** Writes letters, one page each, into one PDF; layouts are cached across batches (same fonts, same ids). */
export class LetterPrinter {
  private layout: LetterLayout | null = null;

  constructor(
    private readonly texts: LetterTexts,
    private readonly config: ControllerConfig,
  ) {}

  async writeBatch(path: string, letters: readonly LetterData[], title: string): Promise<void> {
    const doc = new PDFDocument({
      size: 'A4',
      autoFirstPage: false,
      margin: 0,
      compress: true,
      lang: this.texts.lang === 'fr' ? 'fr-FR' : 'en-GB',
      info: { Title: title, Author: this.config.controller.name, Creator: 'Vigie' },
    });
    const regular = fontOf(doc, 'Helvetica');
    const bold = fontOf(doc, 'Helvetica-Bold');
    const mono = fontOf(doc, 'Courier-Bold');
    // Laid out before the file is created: a configuration whose letter cannot fit leaves no file behind.
    this.layout ??= new LetterLayout(this.texts, this.config, { regular: metrics(regular), bold: metrics(bold), mono: metrics(mono) });
    const layout = this.layout;
    // 'wx': never overwrite; 0600: the letters hold names, addresses and codes.
    const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    const finished = new Promise<void>((resolve, reject) => {
      out.on('finish', resolve);
      out.on('error', reject);
      doc.on('error', reject);
    });
    doc.pipe(out);
    const fontRefs = { [regular.id]: regular.ref(), [bold.id]: bold.ref(), [mono.id]: mono.ref() };
    const form = (block: { ops: string }): unknown => {
      const ref = doc.ref({ Type: 'XObject', Subtype: 'Form', BBox: [0, 0, PAGE_WIDTH, PAGE_HEIGHT], Resources: { Font: fontRefs } }) as unknown as { end(chunk: Buffer): void };
      ref.end(Buffer.from(block.ops, 'latin1'));
      return ref;
    };
    const xobjects = { Xh: form(layout.head), Xm: form(layout.middle), Xc: form(layout.closing) };
    const names = { head: 'Xh', middle: 'Xm', closing: 'Xc' };
    for (const letter of letters) {
      doc.addPage({ size: 'A4', margin: 0 });
      const page = doc.page as unknown as { fonts: Record<string, unknown>; xobjects: Record<string, unknown> };
      Object.assign(page.fonts, fontRefs);
      Object.assign(page.xobjects, xobjects);
      doc.addContent(layout.pageOps(letter, names));
    }
    doc.end();
    await finished;
  }
}

/** Throws E_CONFIG (naming the fields to shorten) when the campaign's letter cannot fit one page; writes nothing. */
export function checkLetterFits(texts: LetterTexts, config: ControllerConfig): void {
  const doc = new PDFDocument({ size: 'A4', autoFirstPage: false, margin: 0 });
  const [regular, bold, mono] = ['Helvetica', 'Helvetica-Bold', 'Courier-Bold'].map((name) => metrics(fontOf(doc, name))) as [FontMetrics, FontMetrics, FontMetrics];
  new LetterLayout(texts, config, { regular, bold, mono });
}
