// Persons of a breach, for the notices (DESIGN §5): the source file's rows deduplicated the way the ingest counts
// them (src/index/ingest.ts): same NIR body, else same `person` identifier (name + birth date), else the row's first
// identifier. This is the only place where names and addresses are in memory, and only while letters are made.

import { basename } from 'node:path';
import { categoryBit } from '../identifiers/categories.js';
import { canonical, normalizeDate, normalizeEmail, normalizeName, normalizeNir, normalizePhone, personValue } from '../identifiers/index.js';
import { nirKey } from '../identifiers/nir.js';
import { openSource, type Mapping, type SourceColumn } from '../source/index.js';
import { FIELDS, type Field } from '../source/fields.js';

/** A postal address as printed in the window of the envelope (AFNOR NF Z10-011: at most 6 lines). */
export interface LetterAddress {
  /** Street lines, without the recipient's name and without the postcode and city line. */
  street: string[];
  postcode: string;
  city: string;
  /** Country line, only for an address outside France. */
  country?: string;
}

export interface Person {
  /** Dedup key: canonical NIR body, person identifier, or first identifier (never written anywhere). */
  key: string;
  firstName: string;
  lastName: string;
  /** yyyy-mm-dd, or '' when no row had a valid one. */
  birthDate: string;
  /** Canonical NIR body and its key (computed), or null. */
  nir: { body: string; key: string } | null;
  /** Distinct canonical e-mail addresses, in the order met. */
  emails: string[];
  /** First valid phone, E.164. */
  phone: string | null;
  /** Lab codes as written in the file, distinct, in the order met. */
  labs: string[];
  /** Union of the category bits of the person's rows. */
  categories: number;
  /** The first usable postal address among the person's rows, or null with the reason. */
  address: LetterAddress | null;
  addressProblem: string | null;
  rows: number;
}

export interface PersonsResult {
  persons: Person[];
  rowsRead: number;
  /** Rows the ingest rejects too (malformed, or without any identifier): they have no notice. */
  rowsSkipped: number;
  file: string;
  /** SHA-256 of the bytes read (hex), as the ingest records it per file. */
  sha256: string;
}

export interface ReadPersonsOptions {
  mapping?: Mapping;
  onProgress?: (progress: { rowsRead: number; bytesRead: number; bytesTotal: number | null }) => void;
}

interface Plan {
  bits: number[];
  of: Record<Field, number[]>;
}

function plan(columns: readonly SourceColumn[]): Plan {
  const of = Object.fromEntries(FIELDS.map((field) => [field, columns.filter((c) => c.field === field).map((c) => c.index)])) as Record<Field, number[]>;
  return { bits: columns.map((c) => (c.category === null ? 0 : categoryBit(c.category))), of };
}

function firstFilled(cells: readonly string[], indexes: readonly number[]): string | null {
  for (const i of indexes) {
    const value = cells[i];
    if (value !== undefined && value !== '') return value;
  }
  return null;
}

const FRANCE = /^(france|fr|fra|france metropolitaine)$/i;

/**
 * The address of a row, or why it cannot carry a letter. A French address needs a street line, a 5-digit postcode
 * and a city; elsewhere a country as well. Line breaks inside a cell (seen in real exports) become separate lines.
 */
function addressOfRow(cells: readonly string[], p: Plan): { address: LetterAddress } | { problem: string } | null {
  const street: string[] = [];
  for (const field of ['address1', 'address2'] as const) {
    for (const c of p.of[field]) {
      for (const line of (cells[c] ?? '').split(/\r\n|\r|\n/)) {
        const clean = line.replace(/\s+/g, ' ').trim();
        if (clean !== '') street.push(clean);
      }
    }
  }
  const postcode = (firstFilled(cells, p.of.postcode) ?? '').replace(/\s+/g, '');
  const city = (firstFilled(cells, p.of.city) ?? '').replace(/\s+/g, ' ').trim();
  const country = (firstFilled(cells, p.of.country) ?? '').trim();
  if (street.length === 0 && postcode === '' && city === '') return null;
  if (street.length === 0) return { problem: 'no street line' };
  if (city === '') return { problem: 'no city' };
  const abroad = country !== '' && !FRANCE.test(country.normalize('NFD').replace(/[\u0300-\u036f]/g, ''));
  if (!abroad && !/^\d{5}$/.test(postcode)) return { problem: postcode === '' ? 'no postcode' : 'postcode is not 5 digits' };
  // NF Z10-011: 6 lines at most, the name and the postcode-city line included.
  const maxStreet = abroad ? 3 : 4;
  if (street.length > maxStreet) street.splice(maxStreet - 1, street.length - maxStreet + 1, street.slice(maxStreet - 1).join(' '));
  return { address: { street, postcode, city: city.toLocaleUpperCase('fr'), ...(abroad ? { country: country.toLocaleUpperCase('fr') } : {}) } };
}

/** Reads one source file into its persons. */
export async function readPersons(path: string, options: ReadPersonsOptions = {}): Promise<PersonsResult> {
  const source = await openSource(path, options.mapping === undefined ? {} : { mapping: options.mapping });
  const byKey = new Map<string, Person>();
  let rowsRead = 0;
  let rowsSkipped = 0;
  let sha256 = '';
  try {
    const p = plan(source.info.columns);
    for await (const rows of source.rows()) {
      for (const row of rows) {
        rowsRead++;
        if (row.error !== undefined) {
          rowsSkipped++;
          continue;
        }
        const cells = row.cells;
        // The same identifiers, in the same order, as the ingest: NIR, e-mails, phones, then name + birth date.
        let nir: { body: string; key: string } | null = null;
        for (const c of p.of.nir) {
          const raw = cells[c] ?? '';
          if (raw === '') continue;
          const parsed = normalizeNir(raw);
          if (parsed.ok) {
            nir = { body: parsed.value.body, key: String(nirKey(parsed.value.body)).padStart(2, '0') };
            break;
          }
        }
        const emails: string[] = [];
        for (const c of p.of.email) {
          const raw = cells[c] ?? '';
          if (raw === '') continue;
          const email = normalizeEmail(raw);
          if (email.ok && !emails.includes(email.value)) emails.push(email.value);
        }
        let phone: string | null = null;
        let phoneTried = false;
        const firstPhone = (): string | null => {
          if (phoneTried) return phone;
          phoneTried = true;
          for (const c of p.of.phone) {
            const raw = cells[c] ?? '';
            if (raw === '') continue;
            const parsed = normalizePhone(raw);
            if (parsed.ok) return (phone = parsed.value);
          }
          return null;
        };
        const dateCell = firstFilled(cells, p.of.birthDate);
        const date = dateCell === null ? null : normalizeDate(dateCell);
        const birthDate = date !== null && date.ok ? date.value : '';
        let personId: string | null = null;
        const firstRaw = firstFilled(cells, p.of.firstName);
        if (birthDate !== '' && firstRaw !== null) {
          const first = normalizeName(firstRaw);
          for (const fieldCells of [p.of.lastName, p.of.birthName]) {
            const lastRaw = firstFilled(cells, fieldCells);
            if (lastRaw === null || !first.ok) continue;
            const last = normalizeName(lastRaw);
            if (!last.ok) continue;
            const person = personValue(last.value, first.value, birthDate);
            if (person.ok) {
              personId = person.value;
              break;
            }
          }
        }
        const ph = nir === null && personId === null && emails.length === 0 ? firstPhone() : null;
        const key =
          nir !== null ? canonical('nir', nir.body)
          : personId !== null ? canonical('person', personId)
          : emails.length > 0 ? canonical('email', emails[0]!)
          : ph !== null ? canonical('phone', ph)
          : null;
        if (key === null) {
          rowsSkipped++; // no identifier: the ingest rejects the row, and the index does not know this person
          continue;
        }

        let mask = 0;
        for (let c = 0; c < cells.length && c < p.bits.length; c++) if (cells[c] !== '') mask |= p.bits[c]!;
        let person = byKey.get(key);
        if (person === undefined) {
          person = {
            key,
            firstName: (firstRaw ?? '').replace(/\s+/g, ' ').trim(),
            lastName: (firstFilled(cells, p.of.lastName) ?? firstFilled(cells, p.of.birthName) ?? '').replace(/\s+/g, ' ').trim(),
            birthDate,
            nir,
            emails: [],
            phone: null,
            labs: [],
            categories: 0,
            address: null,
            addressProblem: null,
            rows: 0,
          };
          byKey.set(key, person);
        }
        person.rows++;
        person.categories |= mask;
        if (person.birthDate === '') person.birthDate = birthDate;
        if (person.nir === null) person.nir = nir;
        for (const email of emails) if (!person.emails.includes(email)) person.emails.push(email);
        if (person.phone === null) person.phone = firstPhone();
        const lab = firstFilled(cells, p.of.lab);
        if (lab !== null && !person.labs.includes(lab)) person.labs.push(lab);
        if (person.address === null) {
          const found = addressOfRow(cells, p);
          if (found !== null && 'address' in found) {
            person.address = found.address;
            person.addressProblem = null;
          } else if (found !== null && person.addressProblem === null) person.addressProblem = found.problem;
        }
      }
      options.onProgress?.({ rowsRead, bytesRead: source.bytesRead(), bytesTotal: source.size });
    }
    sha256 = source.sha256();
  } finally {
    await source.close();
  }
  const persons = [...byKey.values()];
  for (const person of persons) if (person.address === null && person.addressProblem === null) person.addressProblem = 'no postal address in the file';
  return { persons, rowsRead, rowsSkipped, file: basename(path), sha256 };
}
