// Building synthetic NIRs (DATA.md §2): sex, birth year and month, birthplace, order number and key,
// with order numbers derived from per-cohort counters so that two persons can never share a NIR.

import { createPermutation, type Random } from './random.js';

/**
 * Key of a NIR body (its first 13 characters): 97 − (body mod 97), on two digits (01–97).
 * Corsican departments are read as numbers first: `2A` → `19`, `2B` → `18` (DATA.md §2).
 * 13 digits stay below 2^53, so plain numbers are exact.
 */
export function nirKey(body: string): string {
  if (body.length !== 13) throw new RangeError(`"body" expected 13 characters, got ${body.length}`);
  const numeric = body.slice(0, 5) + corsicaAsDigits(body.slice(5, 7)) + body.slice(7);
  if (!/^\d{13}$/.test(numeric)) throw new RangeError('"body" expected digits, with 2A or 2B at positions 6–7');
  return String(97 - (Number(numeric) % 97)).padStart(2, '0');
}

function corsicaAsDigits(department: string): string {
  if (department === '2A') return '19';
  if (department === '2B') return '18';
  return department;
}

/** Where a person was born, as positions 6–10 of the NIR expect it. */
export type Birthplace =
  | { readonly kind: 'metropolitan'; readonly department: string } // '01'…'95', '2A', '2B', or '20' before 1976
  | { readonly kind: 'overseas'; readonly territory: string } // '971'…'976'
  | { readonly kind: 'abroad'; readonly country: string }; // three digits after '99'

const METRO_SPACE = 999 * 999; // commune 001–999 × order 001–999
const OVERSEAS_COMMUNES = 34; // commune 01–34 after 97x
const KIND_INDEX = { metropolitan: 0, overseas: 1, abroad: 2 } as const;

/**
 * Allocates NIR bodies. Uniqueness argument: a body is (sex, yy, mm, place, order). Within one
 * cohort (sex, yy, mm) and birthplace kind, the c-th person gets a value π(c) from a bijection, split
 * into (commune or country, order); distinct counters give distinct (commune, order) pairs, kinds
 * are told apart by positions 6–7 (a department never reads 97 or 99), and cohorts by positions 1–5.
 * State is 2 × 100 × 12 × 3 counters, whatever the number of persons.
 */
export interface NirAllocator {
  /** The 13-character body for a person; falls back to a metropolitan birth when a smaller space is full. */
  allocate(sex: 'M' | 'F', birthYear: number, birthMonth: number, birthplace: Birthplace): string;
}

export function createNirAllocator(random: Random, abroadCountries: readonly string[]): NirAllocator {
  if (abroadCountries.length === 0) throw new RangeError('"abroadCountries" expected at least one country code');
  const slots = 2 * 100 * 12 * 3;
  const counters = new Int32Array(slots);
  // A per-slot starting point, so that the first person of every cohort does not get the same order number.
  const starts = Int32Array.from({ length: slots }, () => random.int(METRO_SPACE));
  const spaces = [METRO_SPACE, OVERSEAS_COMMUNES * 999, abroadCountries.length * 999] as const;
  const permutations = spaces.map((space) => createPermutation(random, space));

  return {
    allocate(sex, birthYear, birthMonth, birthplace) {
      const yy = birthYear % 100;
      const cohort = ((sex === 'M' ? 0 : 1) * 100 + yy) * 12 + (birthMonth - 1);
      const head = (sex === 'M' ? '1' : '2') + pad(yy, 2) + pad(birthMonth, 2);
      // The c-th person of a slot gets π((c + start) mod space): a bijection of c, hence no repeats.
      const take = (kind: Birthplace['kind']): number => {
        const k = KIND_INDEX[kind];
        const slot = cohort * 3 + k;
        const c = counters[slot] as number;
        counters[slot] = c + 1;
        const space = spaces[k];
        return (permutations[k] as (i: number) => number)((c + (starts[slot] as number)) % space);
      };

      if (birthplace.kind === 'overseas' && (counters[cohort * 3 + 1] as number) < OVERSEAS_COMMUNES * 999) {
        const s = take('overseas');
        return head + birthplace.territory + pad(1 + Math.floor(s / 999), 2) + pad(1 + (s % 999), 3);
      }
      if (birthplace.kind === 'abroad' && (counters[cohort * 3 + 2] as number) < abroadCountries.length * 999) {
        const s = take('abroad');
        return head + '99' + (abroadCountries[Math.floor(s / 999)] as string) + pad(1 + (s % 999), 3);
      }
      const department = birthplace.kind === 'metropolitan' ? birthplace.department : '35';
      if ((counters[cohort * 3] as number) >= METRO_SPACE) throw new RangeError('too many synthetic persons born in one month of one year');
      const s = take('metropolitan');
      return head + department + pad(1 + Math.floor(s / 999), 3) + pad(1 + (s % 999), 3);
    },
  };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
