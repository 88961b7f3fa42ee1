// The French phone fast path (DESIGN §3, DATA.md §3) without libphonenumber: the spellings of DATA.md §3 scanned
// by char code, the overseas prefix table, and the 9-digit national number's validity asked of an injected
// per-prefix oracle. Shared by phone.ts (oracle: libphonenumber, cached) and the portal (oracle: a generated table),
// so that both reach the same canonical form with one scanner.

import type { CountryCode } from 'libphonenumber-js/max';
import { accept, reject, type Normalized } from './canonical.js';

export const R_EMPTY = '"phone" is empty';
export const R_NOT_PHONE = '"phone" is not a phone number';
export const R_INVALID = '"phone" is not a valid number for its country';

/** Regions reachable with a French 10-digit national number (0 + 9 digits). Index 0 is metropolitan France. */
export const REGIONS: readonly { region: CountryCode; prefix: string }[] = [
  { region: 'FR', prefix: '+33' },
  { region: 'GP', prefix: '+590' },
  { region: 'MQ', prefix: '+596' },
  { region: 'GF', prefix: '+594' },
  { region: 'RE', prefix: '+262' },
  { region: 'YT', prefix: '+262' },
];

/**
 * Overseas numbers share the French national plan: `0690 12 34 56` dialled in France is Guadeloupe's
 * `+590 690 12 34 56`, but libphonenumber with region FR reads it as an invalid `+33 690…` (DATA.md §3).
 * Keyed by the first 3 digits after the trunk 0. The table of DATA.md §3, plus 691 (GP) and 697 (MQ):
 * mobile ranges the metadata gives to those regions and that are invalid as +33, so mapping them only
 * turns rejects into matches.
 */
export const OVERSEAS_PREFIXES: Readonly<Record<string, CountryCode>> = {
  '590': 'GP', '690': 'GP', '691': 'GP',
  '596': 'MQ', '696': 'MQ', '697': 'MQ',
  '594': 'GF', '694': 'GF',
  '262': 'RE', '692': 'RE', '693': 'RE',
  '269': 'YT', '639': 'YT',
};

/** Region index (into REGIONS) of a 9-digit national significant number, by its first 3 digits. */
export const REGION_BY_PREFIX3 = new Uint8Array(1000);
for (const [prefix, region] of Object.entries(OVERSEAS_PREFIXES)) {
  REGION_BY_PREFIX3[Number(prefix)] = REGIONS.findIndex((r) => r.region === region);
}

export function overseasRegion(nationalNumber: string): CountryCode | undefined {
  return nationalNumber.length === 9 ? OVERSEAS_PREFIXES[nationalNumber.slice(0, 3)] : undefined;
}

/** States of a (region, 5-digit prefix): every 9-digit number of the prefix valid, all invalid, or mixed. */
export const PREFIX_VALID = 1;
export const PREFIX_INVALID = 2;
export const PREFIX_UNDECIDED = 3;

/** The state of a prefix from the validity of its lowest and highest numbers (see phone.ts). */
export function prefixStateOf(low: boolean, high: boolean): number {
  return low !== high ? PREFIX_UNDECIDED : low ? PREFIX_VALID : PREFIX_INVALID;
}

/** Separators of the fast path: space, no-break spaces, dot, hyphen, slash. */
function isSeparator(c: number): boolean {
  return c === 32 || c === 46 || c === 45 || c === 47 || c === 0xa0 || c === 0x202f;
}

const digits = new Uint8Array(16); // scratch; pure synchronous code

/**
 * The fast path: a Normalized result, or undefined when the input is not one of its plain French forms or its
 * 5-digit prefix is UNDECIDED. `prefixState` says whether a (region index, 5-digit prefix) is VALID, INVALID or
 * UNDECIDED: phone.ts asks libphonenumber and caches, the portal reads a table generated from the same answers.
 */
export function normalizeFrenchFast(raw: string, prefixState: (regionIndex: number, prefix5: number) => number): Normalized<string> | undefined {
  const len = raw.length;
  let i = 0;
  while (i < len && raw.charCodeAt(i) === 32) i++;
  const plus = i < len && raw.charCodeAt(i) === 43;
  if (plus) i++;
  let n = 0;
  let trunkInParens = -1; // digit index of a "(0)" written after the country code
  for (; i < len; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (n === 16) return undefined;
      digits[n++] = c - 48;
    } else if (c === 40) {
      // "(0)" only, right after 33 or 0033 (checked below once the form is known).
      if (trunkInParens >= 0 || raw.charCodeAt(i + 1) !== 48 || raw.charCodeAt(i + 2) !== 41 || n === 16) return undefined;
      trunkInParens = n;
      digits[n++] = 0;
      i += 2;
    } else if (!isSeparator(c)) {
      return undefined;
    }
  }
  // Where the national part starts: after +33, 0033 or a bare 33 (11 or 12 digits), else at 0.
  let start: number;
  if (plus) {
    if (n < 2 || digits[0] !== 3 || digits[1] !== 3) return undefined;
    start = 2;
  } else if (n >= 2 && digits[0] === 0 && digits[1] === 0) {
    if (n < 4 || digits[2] !== 3 || digits[3] !== 3) return undefined;
    start = 4;
  } else if ((n === 11 || n === 12) && digits[0] === 3 && digits[1] === 3) {
    start = 2;
  } else if (n === 9 || (n === 10 && digits[0] === 0)) {
    start = 0;
  } else {
    return undefined;
  }
  if (trunkInParens >= 0 && trunkInParens !== start) return undefined;
  if (n - start === 10 && digits[start] === 0) start++; // trunk 0 after the country code, e.g. +33 (0)6…
  if (n - start !== 9 || digits[start] === 0) return undefined;
  let value = 0;
  for (let k = start; k < n; k++) value = value * 10 + digits[k]!;
  const regionIndex = REGION_BY_PREFIX3[Math.floor(value / 1_000_000)]!;
  const state = prefixState(regionIndex, Math.floor(value / 10_000));
  if (state === PREFIX_VALID) return accept(REGIONS[regionIndex]!.prefix + value);
  if (state === PREFIX_INVALID) return reject(R_INVALID);
  return undefined;
}

