// Phone numbers in E.164 (DESIGN §3, DATA.md §3): libphonenumber-js with full metadata and default region FR,
// French overseas numbers mapped to their own region, and a fast path for the French spellings ingest meets most.

import { parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max';
import { accept, reject, type Normalized } from './canonical.js';

const R_EMPTY = '"phone" is empty';
const R_NOT_PHONE = '"phone" is not a phone number';
const R_INVALID = '"phone" is not a valid number for its country';

/** Regions reachable with a French 10-digit national number (0 + 9 digits). Index 0 is metropolitan France. */
const REGIONS: readonly { region: CountryCode; prefix: string }[] = [
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
const OVERSEAS_PREFIXES: Readonly<Record<string, CountryCode>> = {
  '590': 'GP', '690': 'GP', '691': 'GP',
  '596': 'MQ', '696': 'MQ', '697': 'MQ',
  '594': 'GF', '694': 'GF',
  '262': 'RE', '692': 'RE', '693': 'RE',
  '269': 'YT', '639': 'YT',
};

/** Region index (into REGIONS) of a 9-digit national significant number, by its first 3 digits. */
const REGION_BY_PREFIX3 = new Uint8Array(1000);
for (const [prefix, region] of Object.entries(OVERSEAS_PREFIXES)) {
  REGION_BY_PREFIX3[Number(prefix)] = REGIONS.findIndex((r) => r.region === region);
}

function overseasRegion(nationalNumber: string): CountryCode | undefined {
  return nationalNumber.length === 9 ? OVERSEAS_PREFIXES[nationalNumber.slice(0, 3)] : undefined;
}

/**
 * The reference normalization, entirely through libphonenumber-js (max metadata): parse with default
 * region FR; a +33 number whose national part starts with an overseas prefix is re-read in that region
 * (so `0690…`, `+33 690…` and `+590 690…` meet); the result must be `isValid()`.
 * `normalizePhone` gives the same answers faster; use this one only to check it.
 */
export function normalizePhoneReference(raw: string): Normalized<string> {
  if (raw.trim() === '') return reject(R_EMPTY);
  let parsed: PhoneNumber | undefined = parsePhoneNumberFromString(raw, { defaultCountry: 'FR' });
  if (parsed === undefined) return reject(R_NOT_PHONE);
  if (parsed.countryCallingCode === '33') {
    const region = overseasRegion(parsed.nationalNumber);
    if (region !== undefined) {
      parsed = parsePhoneNumberFromString(`0${parsed.nationalNumber}`, { defaultCountry: region });
      if (parsed === undefined) return reject(R_NOT_PHONE);
    }
  }
  return parsed.isValid() ? accept(parsed.number) : reject(R_INVALID);
}

// ---- Fast path -------------------------------------------------------------------------------------
// Ingest normalizes a phone per row; libphonenumber's parse costs ~9 µs. The spellings of DATA.md §3
// (national, +33, +33 (0), 0033, 33, and the 9 digits left when a spreadsheet drops the leading 0) are
// recognised here by a scan of char codes. What remains is whether the 9-digit national number is valid
// in its region; for the six regions above the metadata patterns decide that from the first 5 digits
// (the deepest pattern branches, e.g. FR `836(?:0[0-36-9]|…)`, GP `691(?:2[2-9]|3[0-5])`, are 5 digits
// deep, and every number is 9 digits), so libphonenumber's own answer is cached per (region, 5-digit
// prefix). Each cache entry is computed from two numbers of that prefix (suffix 0000 and 9999); if they
// ever disagree (metadata grown deeper) the prefix is marked to always take the reference path.
// phone.test.ts checks the fast path against the reference path on random numbers and on every prefix.

const UNKNOWN = 0;
const VALID = 1;
const INVALID = 2;
const UNDECIDED = 3;

/** Per region, the state of each 5-digit prefix 10000–99999 (index prefix − 10000); allocated on first use. */
const prefixStates: (Uint8Array | undefined)[] = REGIONS.map(() => undefined);

function isValidNational(nationalNumber: string, region: CountryCode): boolean {
  return parsePhoneNumberFromString(`0${nationalNumber}`, { defaultCountry: region })?.isValid() === true;
}

function prefixState(regionIndex: number, prefix5: number): number {
  let states = prefixStates[regionIndex];
  if (states === undefined) {
    states = new Uint8Array(90_000);
    prefixStates[regionIndex] = states;
  }
  let state = states[prefix5 - 10_000]!;
  if (state === UNKNOWN) {
    const region = REGIONS[regionIndex]!.region;
    const low = isValidNational(`${prefix5}0000`, region);
    const high = isValidNational(`${prefix5}9999`, region);
    state = low !== high ? UNDECIDED : low ? VALID : INVALID;
    states[prefix5 - 10_000] = state;
  }
  return state;
}

/** Separators of the fast path: space, no-break spaces, dot, hyphen, slash. */
function isSeparator(c: number): boolean {
  return c === 32 || c === 46 || c === 45 || c === 47 || c === 0xa0 || c === 0x202f;
}

const digits = new Uint8Array(16); // scratch; pure synchronous code

/** The fast path: a Normalized result, or undefined when the input is not one of its plain French forms. */
function normalizeFrenchFast(raw: string): Normalized<string> | undefined {
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
  if (state === VALID) return accept(REGIONS[regionIndex]!.prefix + value);
  if (state === INVALID) return reject(R_INVALID);
  return undefined;
}

/**
 * E.164 form of a phone number (DESIGN §3): every spelling of DATA.md §3 gives the same value
 * (`06 12 34 56 78`, `+33 (0)6 12 34 56 78`, `0033 6…`, `33612345678` -> `+33612345678`); overseas
 * numbers written nationally get their own region (`0690 12 34 56` -> `+590690123456`); foreign numbers
 * with a `+` or `00` prefix are kept; the number must be valid for its region (libphonenumber `isValid`).
 * Same answers as `normalizePhoneReference`, which handles whatever the fast path does not recognise.
 */
export function normalizePhone(raw: string): Normalized<string> {
  return normalizeFrenchFast(raw) ?? normalizePhoneReference(raw);
}
