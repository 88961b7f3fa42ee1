import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleControllerConfig } from '../controller/example.js';
import { CATEGORIES } from '../identifiers/categories.js';
import { LetterPrinter, type LetterData } from './letter-pdf.js';
import { letterTexts } from './letter-text.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-letters-'));
afterAll(() => { if (process.env['KEEP_LETTERS'] === undefined) rmSync(dir, { recursive: true, force: true }); });

const config = exampleControllerConfig();
const breach = config.breaches[0]!;

function letter(i: number, overrides: Partial<LetterData> = {}): LetterData {
  return {
    reference: `LABEX-7K2M-${String(i).padStart(6, '0')}`,
    code: `ABCD-EFGH-JKMN-${String(i).padStart(4, '0')}`,
    recipient: `Élise Dupont-${i}`,
    address: { street: [`${i} rue des Lilas`, 'Bâtiment B'], postcode: '35000', city: 'RENNES' },
    labs: ['Laboratoire Exemple – Rennes'],
    categories: ['identity', 'nir', 'postal_address'],
    ...overrides,
  };
}

const pdftotext = (file: string, page: number): string =>
  execFileSync('pdftotext', ['-layout', '-f', String(page), '-l', String(page), file, '-'], { encoding: 'utf8' });

describe('letters', () => {
  it.each(['fr', 'en'] as const)('prints one page per letter (%s) that pdftotext reads: code, address, reference, portal', async (lang) => {
    const printer = new LetterPrinter(letterTexts(config, breach, lang, '2026-11-23'), config);
    const file = join(dir, `batch-${lang}.pdf`);
    await printer.writeBatch(file, [letter(1), letter(2, { categories: [...CATEGORIES], labs: Array.from({ length: 30 }, (_, i) => `Laboratoire numéro ${i}`) })], 'test');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/Pages:\s+2\n/);
    expect(info).toMatch(/Page size:\s+595\.28 x 841\.89/);
    for (const i of [1, 2]) {
      const text = pdftotext(file, i);
      expect(text).toContain(`ABCD-EFGH-JKMN-000${i}`);
      expect(text).toContain(`Élise Dupont-${i}`);
      expect(text).toContain(`${i} rue des Lilas`);
      expect(text).toContain('35000 RENNES');
      expect(text).toContain(`LABEX-7K2M-00000${i}`);
      expect(text).toContain('verif.labo-exemple.example');
      expect(text).not.toContain('https://');
      expect(text).toContain(lang === 'fr' ? 'CNIL' : 'data protection authority');
      expect(text).toContain(lang === 'fr' ? 'cybermalveillance.gouv.fr' : 'cybermalveillance.gouv.fr');
    }
    // The letter holds no link annotation to click.
    expect(readFileSync(file).includes(Buffer.from('/URI'))).toBe(false);
    expect(pdftotext(file, 2)).toMatch(lang === 'fr' ? /et \d+ autres/ : /and \d+ others/);
  });

  it('places the address block inside the envelope window (pdftotext -bbox)', async () => {
    const printer = new LetterPrinter(letterTexts(config, breach, 'fr', '2026-11-23'), config);
    const file = join(dir, 'window.pdf');
    await printer.writeBatch(file, [letter(7)], 'window');
    const html = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
    const words = [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
      x0: Number(m[1]), y0: Number(m[2]), x1: Number(m[3]), y1: Number(m[4]), text: m[5]!,
    }));
    const mm = 72 / 25.4;
    for (const text of ['Dupont-7', 'Lilas', 'RENNES']) {
      const w = words.find((word) => word.text === text)!;
      expect(w, text).toBeDefined();
      // DL window: x 100-200 mm less the letter's 5 mm offset and play; y 50-95 mm from the top.
      expect(w.x0).toBeGreaterThan(100 * mm);
      expect(w.x1).toBeLessThan(195 * mm);
      expect(w.y0).toBeGreaterThan(50 * mm);
      expect(w.y1).toBeLessThan(90 * mm);
    }
  });

  it('refuses, naming the fields to shorten, a configuration whose letter cannot fit one page', async () => {
    const long = { fr: 'Une phrase assez longue pour remplir la page. '.repeat(80), en: 'A sentence long enough to fill the page. '.repeat(80) };
    const wordy = { ...breach, summary: long, measures: [long] };
    const printer = new LetterPrinter(letterTexts(config, wordy, 'fr', '2026-11-23'), config);
    await expect(printer.writeBatch(join(dir, 'long.pdf'), [letter(1)], 'long')).rejects.toThrow(/does not fit on one A4 page.*breaches\[\]\.summary/);
    expect(existsSync(join(dir, 'long.pdf'))).toBe(false);
  });
});
