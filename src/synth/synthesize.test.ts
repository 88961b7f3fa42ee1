// The synthetic leak as a consumer sees it: files read back with a CSV parser, a Windows-1252 decoder
// and a NIR checker written here, independently of the generator, then compared with the truth file.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isVigieError } from '../errors.js';
import { synthesize, type SynthSummary, type TruthRecord } from './index.js';

// ---------- independent readers ----------

/** RFC 4180 with `;`: quoted fields may hold `;`, `""` and line breaks; records end with LF or CRLF. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' && field === '') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          field += text[i++];
        }
      }
    } else if (c === ';') {
      record.push(field);
      field = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else if (c === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

const CP1252_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function decodeWindows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let start = 0; start < bytes.length; start += 65_536) {
    let chunk = '';
    for (const b of bytes.subarray(start, start + 65_536)) chunk += b >= 0x80 && b < 0xa0 ? CP1252_80_9F[b - 0x80] : String.fromCharCode(b);
    parts.push(chunk);
  }
  return parts.join('');
}

const HEADER =
  'CODE_LABO;NUM_DOSSIER;DATE_PRELEVEMENT;DATE_DERNIERE_VISITE;NOM;PRENOM;SEXE;DATE_NAISSANCE;NOM_NAISSANCE;NIR;RANG_BENEFICIAIRE;NOM_ASSURE;ADRESSE1;ADRESSE2;CP;VILLE;TEL_DOMICILE;TEL_PORTABLE;EMAIL;GROUPE_SANGUIN;MUTUELLE;MED_PRESC_NOM;MED_PRESC_CP;MED_PRESC_VILLE;PRELEVEUR_NOM;COMMENTAIRE_1;COMMENTAIRE_2;LOGIN_WEB;MDP_WEB'.split(';');

/** The brief's column → category table, restated here so that a drift in columns.ts fails. */
const CATEGORY_OF_COLUMN: Record<string, string> = {
  CODE_LABO: 'lab_visit', NUM_DOSSIER: 'lab_visit', DATE_PRELEVEMENT: 'lab_visit', DATE_DERNIERE_VISITE: 'lab_visit',
  NOM: 'identity', PRENOM: 'identity', SEXE: 'identity', NOM_NAISSANCE: 'identity', DATE_NAISSANCE: 'birth_date',
  ADRESSE1: 'postal_address', ADRESSE2: 'postal_address', CP: 'postal_address', VILLE: 'postal_address',
  TEL_DOMICILE: 'phone', TEL_PORTABLE: 'phone', EMAIL: 'email', NIR: 'nir',
  RANG_BENEFICIAIRE: 'insurer', NOM_ASSURE: 'insurer', MUTUELLE: 'insurer',
  MED_PRESC_NOM: 'physician', MED_PRESC_CP: 'physician', MED_PRESC_VILLE: 'physician', PRELEVEUR_NOM: 'physician',
  GROUPE_SANGUIN: 'blood_group', COMMENTAIRE_1: 'health_comment', COMMENTAIRE_2: 'health_comment',
  LOGIN_WEB: 'portal_credentials', MDP_WEB: 'portal_credentials',
};

type Row = Record<string, string>;

function rowsOf(records: string[][]): Row[] {
  const [header, ...data] = records;
  expect(header).toEqual(HEADER);
  return data.map((cells) => {
    expect(cells).toHaveLength(HEADER.length);
    return Object.fromEntries(HEADER.map((name, i) => [name, cells[i] ?? '']));
  });
}

/** NIR checker (DATA.md §2), written from the definition; returns what is wrong, or null. */
function nirProblem(nir: string, sex: 'M' | 'F', birthDate: string): string | null {
  const m = /^([12])(\d\d)(\d\d)(\d\d|2[AB])(\d{3})(\d{3})(\d\d)$/.exec(nir);
  if (m === null) return 'shape';
  const [, s, yy, mm, dept, place, order, key] = m as unknown as string[];
  const [, month, year] = birthDate.split('/');
  if (s !== (sex === 'M' ? '1' : '2')) return 'sex';
  if (yy !== year?.slice(2) || mm !== month) return 'birth year or month';
  const birthYear = Number(year);
  if (dept === '2A' || dept === '2B') {
    if (birthYear < 1976) return 'Corsica 2A/2B before 1976';
  } else if (dept === '20') {
    if (birthYear >= 1976) return 'Corsica 20 after 1976';
  } else if (dept === '97') {
    if (!/^[1-6]\d\d$/.test(place ?? '') || place?.slice(1) === '00') return 'overseas place';
  } else if (dept === '99') {
    if (place === '000') return 'country';
  } else if (!(Number(dept) >= 1 && Number(dept) <= 95) || place === '000') {
    return 'department or commune';
  }
  if (order === '000') return 'order';
  const digits = nir.slice(0, 13).replace(/^(\d{5})2A/, '$119').replace(/^(\d{5})2B/, '$118');
  const expected = (97n - (BigInt(digits) % 97n)).toString().padStart(2, '0');
  return key === expected ? null : 'key';
}

const normNir = (cell: string): string => cell.replace(/[\s.]/g, '').toUpperCase();

function normDate(cell: string): string {
  const fr = /^(\d\d)[/.-](\d\d)[/.-](\d{4})$/.exec(cell);
  if (fr) return `${fr[1]}/${fr[2]}/${fr[3]}`;
  const iso = /^(\d{4})-(\d\d)-(\d\d)$/.exec(cell);
  if (iso) return `${iso[3]}/${iso[2]}/${iso[1]}`;
  throw new Error(`unexpected date format: ${cell}`);
}

/** Any written phone back to ten national digits. */
function normPhone(cell: string): string {
  const d = cell.replace(/\D/g, '');
  if (d.length === 10 && d.startsWith('0')) return d;
  if (d.startsWith('0033')) return `0${d.slice(4)}`;
  if (d.startsWith('330') && d.length === 12) return `0${d.slice(3)}`;
  if (d.startsWith('33') && d.length === 11) return `0${d.slice(2)}`;
  if (/^(590|596|594|262)/.test(d) && d.length === 12) return `0${d.slice(3)}`;
  throw new Error(`unexpected phone: ${cell}`);
}

const fold = (text: string): string => text.trim().toLowerCase().replace(/’/g, '\'').replace(/œ/g, 'oe').normalize('NFD').replace(/[\u0300-\u036f]/g, '');

function ageAt(birth: string, at: string): number {
  const [bd, bm, by] = birth.split('/').map(Number) as [number, number, number];
  const [d, m, y] = at.split('/').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

const share = (count: number, total: number): number => count / total;

// ---------- generation ----------

interface Generated {
  summary: SynthSummary;
  bytes: Buffer;
  truthText: string;
  rows: Row[];
  truth: TruthRecord[];
}

let dir = '';

async function generate(name: string, rows: number, seed: string, dirty: boolean): Promise<Generated> {
  const out = join(dir, `${name}.csv`);
  const truthPath = join(dir, `${name}.jsonl`);
  const summary = await synthesize({ rows, seed, dirty, out, truth: truthPath });
  const bytes = await readFile(out);
  const truthText = await readFile(truthPath, 'utf8');
  const text = dirty ? decodeWindows1252(bytes) : bytes.toString('utf8');
  return {
    summary,
    bytes,
    truthText,
    rows: rowsOf(parseCsv(text)),
    truth: truthText.trimEnd().split('\n').map((line) => JSON.parse(line) as TruthRecord),
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigie-synth-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Checks shared by both modes: the truth describes exactly the rows of the file. Problems are
 * collected and asserted once (an `expect` per cell would dominate the run time).
 */
function checkTruthAgainstFile({ summary, rows, truth }: Generated): void {
  const problems: string[] = [];
  const check = (ok: boolean, what: string): void => {
    if (!ok && problems.length < 20) problems.push(what);
  };
  expect(rows).toHaveLength(summary.rows);
  expect(truth).toHaveLength(summary.persons);

  const owner = new Array<number>(rows.length).fill(-1);
  truth.forEach((person, p) => {
    check(person.rows.length === person.labs.length, `person ${p}: rows and labs differ in length`);
    person.rows.forEach((r, k) => {
      check(owner[r] === -1, `row ${r} claimed twice`);
      owner[r] = p;
      check(rows[r]?.CODE_LABO === person.labs[k], `row ${r}: lab differs from the truth`);
    });
  });
  check(owner.every((p) => p >= 0), 'a row belongs to no person');

  truth.forEach((person, p) => {
    const mine = person.rows.map((r) => rows[r] as Row);
    // Categories: exactly those of the non-empty cells of the person's rows.
    const categories = new Set<string>();
    for (const row of mine) for (const [column, value] of Object.entries(row)) if (value !== '') categories.add(CATEGORY_OF_COLUMN[column] ?? '?');
    const expected = [...categories].sort().join(',');
    check(expected === [...person.categories].sort().join(','), `person ${p}: categories ${person.categories.join(',')}, cells say ${expected}`);

    const nirIssue = nirProblem(person.nir, person.sex, person.birthDate);
    check(nirIssue === null, `person ${p}: NIR ${nirIssue ?? ''}`);
    for (const row of mine) {
      check(normDate(row.DATE_NAISSANCE ?? '') === person.birthDate, `person ${p}: birth date`);
      check(row.SEXE === person.sex, `person ${p}: sex`);
      check(fold(row.NOM ?? '') === fold(person.lastName), `person ${p}: last name`);
      if (person.unusable) continue;
      check(fold(row.PRENOM ?? '') === fold(person.firstName), `person ${p}: first name`);
      const nir = normNir(row.NIR ?? '');
      check(nir.slice(0, 13) === person.nir.slice(0, 13), `person ${p}: NIR body`);
      const inFile = nir.length === 13 ? 'missing' : nir === person.nir ? 'valid' : 'wrong';
      check(inFile === person.nirKeyInFile, `person ${p}: key ${inFile} in the file, ${person.nirKeyInFile} in the truth`);
    }
    // Values a person would type are in the file when the truth says so, and absent otherwise.
    const emails = mine.map((row) => row.EMAIL?.trim().toLowerCase() ?? '').filter((e) => e !== '');
    check(person.email === null ? emails.length === 0 : emails.length > 0 && emails.every((e) => e === person.email), `person ${p}: e-mail`);
    const phones = mine.flatMap((row) => [row.TEL_DOMICILE ?? '', row.TEL_PORTABLE ?? '']).filter((t) => t !== '').map(normPhone);
    check(person.phone === null ? phones.length === 0 : phones.includes(person.phone.replace(/ /g, '')), `person ${p}: phone`);
    const postcodes = mine.map((row) => row.CP ?? '').filter((cp) => cp !== '');
    check(person.postcode === (postcodes[0] ?? null), `person ${p}: postcode`);
    check(
      person.birthName === null
        ? mine.every((row) => row.NOM_NAISSANCE === '')
        : mine.some((row) => fold(row.NOM_NAISSANCE ?? '') === fold(person.birthName ?? '')),
      `person ${p}: birth name`,
    );
  });
  expect(problems).toEqual([]);
  expect(new Set(truth.map((person) => person.nir)).size).toBe(truth.length);
  expect(rows.filter((row) => row.EMAIL !== '').length).toBe(summary.withEmail);
  expect(new Set(rows.map((row) => row.CODE_LABO)).size).toBe(summary.labs);
}

// ---------- tests ----------

describe('synthesize: determinism', () => {
  it('gives byte-identical files for the same rows, seed and mode, and different files for another seed', async () => {
    for (const dirty of [false, true]) {
      const a = await generate(`a-${dirty}`, 3000, 'same', dirty);
      const b = await generate(`b-${dirty}`, 3000, 'same', dirty);
      const c = await generate(`c-${dirty}`, 3000, 'other', dirty);
      expect(a.bytes.equals(b.bytes)).toBe(true);
      expect(a.truthText).toBe(b.truthText);
      expect(a.bytes.equals(c.bytes)).toBe(false);
      expect(a.truthText).not.toBe(c.truthText);
    }
  });
});

describe('synthesize: tiny files', () => {
  it('writes exactly the rows asked for, second rows included, down to one row', async () => {
    for (const rows of [1, 2, 3, 7, 40]) {
      for (const dirty of [false, true]) {
        const g = await generate(`tiny-${rows}-${dirty}`, rows, 'tiny', dirty);
        expect(g.rows).toHaveLength(rows);
        expect(g.truth.reduce((sum, person) => sum + person.rows.length, 0)).toBe(rows);
      }
    }
  });
});

describe('synthesize: options', () => {
  it('rejects a bad row count and an unwritable path with a usage error', async () => {
    await expect(synthesize({ rows: 0, seed: 's', out: join(dir, 'x.csv') })).rejects.toSatisfy(
      (error: unknown) => isVigieError(error) && error.code === 'E_USAGE',
    );
    await expect(synthesize({ rows: 10, seed: 's', out: join(dir, 'missing-dir', 'x.csv') })).rejects.toSatisfy(
      (error: unknown) => isVigieError(error) && error.code === 'E_USAGE',
    );
    const same = join(dir, 'same.csv');
    await expect(synthesize({ rows: 10, seed: 's', out: same, truth: same })).rejects.toSatisfy(
      (error: unknown) => isVigieError(error) && error.code === 'E_USAGE',
    );
  });
});

describe('synthesize: clean file of 20,000 rows', () => {
  let g: Generated;
  beforeAll(async () => {
    g = await generate('clean', 20_000, 'clean-seed', false);
  });

  it('is UTF-8 without a BOM, with the exact header, and counts as summarised', () => {
    expect(g.bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(g.bytes)).not.toThrow();
    expect(g.bytes.subarray(0, HEADER.join(';').length + 1).toString('utf8')).toBe(`${HEADER.join(';')}\n`);
    expect(g.summary).toMatchObject({ rows: 20_000, persons: 20_000, encoding: 'utf-8', nirKeyMissing: 0, nirKeyWrong: 0, personsInTwoLabs: 0, unusableRows: 0, labs: 28 });
  });

  it('fills each column at the rate of DATA.md §1', () => {
    const expected: Record<string, number> = {
      CODE_LABO: 1, NUM_DOSSIER: 1, DATE_PRELEVEMENT: 1, DATE_DERNIERE_VISITE: 0.98, NOM: 1, PRENOM: 1, SEXE: 1, DATE_NAISSANCE: 1,
      NOM_NAISSANCE: 0.3, NIR: 1, RANG_BENEFICIAIRE: 0.9, NOM_ASSURE: 0.25, ADRESSE1: 0.8, ADRESSE2: 0.2, CP: 0.8, VILLE: 0.8,
      TEL_DOMICILE: 0.5, TEL_PORTABLE: 0.55, EMAIL: 0.115, GROUPE_SANGUIN: 0.55, MUTUELLE: 0.4, MED_PRESC_NOM: 0.97,
      MED_PRESC_CP: 0.97, MED_PRESC_VILLE: 0.97, PRELEVEUR_NOM: 0.7, COMMENTAIRE_1: 0.05, COMMENTAIRE_2: 0.02, LOGIN_WEB: 0.1, MDP_WEB: 0.1,
    };
    const n = g.rows.length;
    for (const column of HEADER) {
      const p = expected[column] ?? Number.NaN;
      const rate = share(g.rows.filter((row) => row[column] !== '').length, n);
      // Four binomial standard deviations, plus slack for NOM_NAISSANCE whose rate is emergent.
      const tolerance = 4 * Math.sqrt((p * (1 - p)) / n) + (column === 'NOM_NAISSANCE' ? 0.03 : 0.002);
      expect(Math.abs(rate - p), `${column} filled at ${rate.toFixed(4)}, expected ${p}`).toBeLessThanOrEqual(tolerance);
    }
  });

  it('writes dates dd/mm/yyyy, NIRs as 15 characters, phones as ten digits', () => {
    const offending = (column: string, pattern: RegExp): string[] =>
      g.rows.map((row) => row[column] ?? '').filter((cell) => cell !== '' && !pattern.test(cell)).slice(0, 5);
    for (const column of ['DATE_PRELEVEMENT', 'DATE_DERNIERE_VISITE', 'DATE_NAISSANCE']) expect(offending(column, /^\d\d\/\d\d\/\d{4}$/)).toEqual([]);
    expect(offending('NIR', /^[12]\d{4}(\d\d|2[AB])\d{8}$/)).toEqual([]);
    expect(offending('TEL_PORTABLE', /^(0[67]\d{8}|069[0-7]\d{6}|0639\d{6})$/)).toEqual([]);
    expect(offending('TEL_DOMICILE', /^0[1-5]\d{8}$/)).toEqual([]);
    expect(offending('EMAIL', /^[a-z0-9._-]+@(example\.fr|example\.com|exemple\.test)$/)).toEqual([]);
    const prefixes = new Set(g.rows.flatMap((row) => [row.TEL_DOMICILE, row.TEL_PORTABLE]).map((t) => t?.slice(0, 4)));
    for (const overseas of ['0690', '0696', '0694', '0639', '0590', '0596', '0594', '0262', '0269']) expect(prefixes, overseas).toContain(overseas);
  });

  it('holds truthful, unique, well-formed NIRs and agrees with the truth file', () => {
    checkTruthAgainstFile(g);
    for (const person of g.truth) expect(g.rows[person.rows[0] ?? -1]?.NIR).toBe(person.nir);
    const places = new Set(g.truth.map((person) => person.nir.slice(5, 7)));
    for (const kind of ['2A', '2B', '20', '97', '99', '56', '35']) expect(places, kind).toContain(kind);
  });

  it('has a plausible population: minors, ages 0–100, married women, sex-consistent first names', () => {
    const ages = g.truth.map((person) => ageAt(person.birthDate, g.rows[person.rows[0] ?? -1]?.DATE_PRELEVEMENT ?? ''));
    expect(Math.min(...ages)).toBe(0);
    expect(Math.max(...ages)).toBeLessThanOrEqual(100);
    expect(Math.max(...ages)).toBeGreaterThanOrEqual(97);
    const minors = share(ages.filter((age) => age < 18).length, ages.length);
    expect(minors).toBeGreaterThan(0.12);
    expect(minors).toBeLessThan(0.18);

    const maiden = g.rows.filter((row) => row.NOM_NAISSANCE !== '' && row.NOM_NAISSANCE !== row.NOM);
    expect(share(maiden.filter((row) => row.SEXE === 'F').length, maiden.length)).toBe(1);
    const withBirthName = g.rows.filter((row) => row.NOM_NAISSANCE !== '');
    expect(share(withBirthName.filter((row) => row.SEXE === 'F').length, withBirthName.length)).toBeGreaterThan(0.75);

    const sexOf = new Map<string, Set<string>>();
    for (const person of g.truth) sexOf.set(person.firstName, (sexOf.get(person.firstName) ?? new Set()).add(person.sex));
    expect([...sexOf].filter(([, sexes]) => sexes.size > 1)).toEqual([]);

    const names = g.truth.flatMap((person) => [person.firstName, person.lastName]);
    for (const pattern of [/[éèêëàâîïôûüç]/, /-/, /'/, /^Le /, /œ/]) expect(names.some((name) => pattern.test(name)), String(pattern)).toBe(true);
    const passwords = g.rows.filter((row) => row.MDP_WEB !== '');
    const birthDatePasswords = passwords.filter((row) => row.MDP_WEB === (row.DATE_NAISSANCE ?? '').split('/').reverse().join(''));
    expect(share(birthDatePasswords.length, passwords.length)).toBeGreaterThan(0.4);
  });

  it('places patients and physicians mostly in 56, 45, 27, 22, 35, 41, with a few overseas and in Corsica', () => {
    const six = new Set(['56', '45', '27', '22', '35', '41']);
    const departments = g.truth.map((person) => person.department).filter((d): d is string => d !== null);
    expect(share(departments.filter((d) => six.has(d)).length, departments.length)).toBeGreaterThan(0.85);
    for (const d of ['971', '972', '973', '974', '976', '2A', '2B']) expect(departments, d).toContain(d);
    const physicians = g.rows.filter((row) => row.MED_PRESC_CP !== '');
    expect(share(physicians.filter((row) => six.has(row.MED_PRESC_CP?.slice(0, 2) ?? '')).length, physicians.length)).toBeGreaterThan(0.9);
    expect(new Set(g.rows.map((row) => row.CODE_LABO)).size).toBe(28);
  });
});

describe('synthesize: dirty file of 20,000 rows', () => {
  let g: Generated;
  let text = '';
  beforeAll(async () => {
    g = await generate('dirty', 20_000, 'dirty-seed', true);
    text = decodeWindows1252(g.bytes);
  });

  it('is Windows-1252, not UTF-8, and decodes with accents and typographic characters intact', () => {
    expect(g.summary.encoding).toBe('windows-1252');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(g.bytes)).toThrow();
    expect(text.includes('Ã')).toBe(false);
    const accented = g.truth.filter((person) => /[^\x20-\x7e]/.test(person.firstName) && !person.unusable);
    const intact = accented.filter((person) => person.rows.some((r) => g.rows[r]?.PRENOM?.trim() === person.firstName));
    expect(intact.length).toBeGreaterThan(accented.length * 0.2);
    for (const byte of [0x92, 0x9c, 0x96, 0xe9, 0xe8, 0xe7]) expect(g.bytes.includes(byte), byte.toString(16)).toBe(true);
    expect(text).toContain('Lebœuf'.toUpperCase());
    expect(text).toContain('HbA1c ? 7 %');
  });

  it('has about 1% of NIRs without a key and 1% with a wrong key, as the summary says', () => {
    const usable = g.rows.filter((row) => row.NIR !== '');
    const missing = usable.filter((row) => normNir(row.NIR ?? '').length === 13).length;
    const wrong = usable.filter((row) => {
      const nir = normNir(row.NIR ?? '');
      if (nir.length !== 15) return false;
      const digits = nir.slice(0, 13).replace(/^(\d{5})2A/, '$119').replace(/^(\d{5})2B/, '$118');
      return (97n - (BigInt(digits) % 97n)).toString().padStart(2, '0') !== nir.slice(13);
    }).length;
    expect(missing).toBe(g.summary.nirKeyMissing);
    expect(wrong).toBe(g.summary.nirKeyWrong);
    for (const count of [missing, wrong]) {
      expect(share(count, g.rows.length)).toBeGreaterThan(0.006);
      expect(share(count, g.rows.length)).toBeLessThan(0.014);
    }
  });

  it('writes NIRs, phones, dates, names and e-mails every way real exports do', () => {
    const nirs = g.rows.map((row) => row.NIR ?? '');
    expect(nirs.some((n) => /^\d \d\d \d\d (\d\d|2[ab]) \d{3} \d{3} \d\d$/i.test(n))).toBe(true);
    expect(nirs.some((n) => /^\d\.\d\d\.\d\d\./.test(n))).toBe(true);
    expect(nirs.some((n) => /^\d{5}2[ab]/.test(n.replace(/[ .]/g, '')))).toBe(true);

    const phones = g.rows.flatMap((row) => [row.TEL_DOMICILE ?? '', row.TEL_PORTABLE ?? '']).filter((t) => t !== '');
    const styles: Record<string, RegExp> = {
      compact: /^0[1-9]\d{8}$/, spaced: /^0\d( \d\d){4}$/, dotted: /^0\d(\.\d\d){4}$/, dashed: /^0\d(-\d\d){4}$/,
      plus: /^\+33 \d( \d\d){4}$/, plusZero: /^\+33 \(0\)\d( \d\d){4}$/, doubleZero: /^0033 \d( \d\d){4}$/, bare: /^33\d{9}$/,
    };
    for (const [name, pattern] of Object.entries(styles)) expect(phones.some((t) => pattern.test(t)), name).toBe(true);
    expect(phones.some((t) => /^\+(590|596|594|262) /.test(t))).toBe(true);
    // Overseas numbers are never given +33 (DATA.md §3: that would make them wrong French numbers).
    const viaFrance = phones.filter((t) => /^(\+33|0033|33)/.test(t)).map(normPhone);
    expect(viaFrance.filter((t) => /^0(69\d|639|59[046]|26[29])/.test(t))).toEqual([]);

    const dates = g.rows.flatMap((row) => [row.DATE_PRELEVEMENT ?? '', row.DATE_NAISSANCE ?? '']);
    for (const pattern of [/^\d\d\/\d\d\/\d{4}$/, /^\d{4}-\d\d-\d\d$/, /^\d\d-\d\d-\d{4}$/, /^\d\d\.\d\d\.\d{4}$/]) {
      expect(dates.some((d) => pattern.test(d)), String(pattern)).toBe(true);
    }
    const surnames = g.rows.map((row) => row.NOM ?? '');
    expect(surnames.some((s) => /^[A-ZÀ-Ý' -]+$/.test(s) && /[A-Z]{3}/.test(s))).toBe(true);
    expect(surnames.some((s) => /^[a-zà-ÿ' -]+$/.test(s))).toBe(true);
    expect(surnames.some((s) => /^[A-ZÀ-Ý][a-zà-ÿ]+$/.test(s))).toBe(true);
    expect(surnames.some((s) => s.includes('’'))).toBe(true);
    const emails = g.rows.map((row) => row.EMAIL ?? '').filter((e) => e !== '');
    expect(emails.some((e) => e !== e.trim())).toBe(true);
    expect(emails.some((e) => /[A-Z]/.test(e))).toBe(true);
  });

  it('quotes fields holding line breaks, separators and quotes', () => {
    const cells = g.rows.flatMap((row) => [row.ADRESSE1 ?? '', row.COMMENTAIRE_1 ?? '', row.COMMENTAIRE_2 ?? '']);
    expect(cells.some((c) => c.includes('\n'))).toBe(true);
    expect(cells.some((c) => c.includes(';'))).toBe(true);
    expect(cells.some((c) => c.includes('"'))).toBe(true);
    expect(g.rows.some((row) => row.ADRESSE1?.includes('\n') === true)).toBe(true);
    // More physical lines than records: the line breaks are inside quotes, not extra rows.
    expect(text.split('\n').length - 2).toBeGreaterThan(g.rows.length);
  });

  it('has about 3% of persons in two labs, the same person on both rows', () => {
    const twice = g.truth.filter((person) => person.rows.length === 2);
    expect(twice).toHaveLength(g.summary.personsInTwoLabs);
    expect(share(twice.length, g.truth.length)).toBeGreaterThan(0.02);
    expect(share(twice.length, g.truth.length)).toBeLessThan(0.04);
    expect(g.truth.every((person) => person.rows.length <= 2)).toBe(true);
    let writtenDifferently = 0;
    for (const person of twice) {
      const [a, b] = person.rows.map((r) => g.rows[r] as Row) as [Row, Row];
      expect(a.CODE_LABO).not.toBe(b.CODE_LABO);
      expect(normNir(a.NIR ?? '')).toBe(normNir(b.NIR ?? ''));
      expect(normDate(a.DATE_NAISSANCE ?? '')).toBe(normDate(b.DATE_NAISSANCE ?? ''));
      expect(fold(a.NOM ?? '')).toBe(fold(b.NOM ?? ''));
      if (a.NIR !== b.NIR || a.NOM !== b.NOM) writtenDifferently++;
    }
    expect(writtenDifferently).toBeGreaterThan(twice.length / 3);
  });

  it('has about 0.2% of unusable rows: no NIR, phone, e-mail or first name', () => {
    const unusable = g.truth.filter((person) => person.unusable);
    expect(unusable).toHaveLength(g.summary.unusableRows);
    expect(share(unusable.length, g.rows.length)).toBeGreaterThan(0.0005);
    expect(share(unusable.length, g.rows.length)).toBeLessThan(0.004);
    for (const person of unusable) {
      expect(person.nirKeyInFile).toBe('absent');
      expect(person).toMatchObject({ email: null, phone: null });
      for (const r of person.rows) {
        const row = g.rows[r] as Row;
        expect([row.NIR, row.PRENOM, row.TEL_DOMICILE, row.TEL_PORTABLE, row.EMAIL]).toEqual(['', '', '', '', '']);
      }
    }
  });

  it('agrees with its truth file, written as plain JSON Lines', () => {
    checkTruthAgainstFile(g);
    expect(g.truthText).toBe(g.truth.map((person) => `${JSON.stringify(person)}\n`).join(''));
    expect(Object.keys(g.truth[0] ?? {})).toEqual([
      'nir', 'email', 'phone', 'lastName', 'firstName', 'birthDate', 'birthName', 'sex', 'labs', 'rows', 'postcode', 'department',
      'categories', 'nirKeyInFile', 'unusable',
    ]);
  });
});
