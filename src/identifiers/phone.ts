// Phone numbers in E.164 (DESIGN §3, DATA.md §3): libphonenumber-js with full metadata and default region FR,
// French overseas numbers mapped to their own region, and a fast path for the French spellings ingest meets most.

import type { Normalized } from './canonical.js';
import { REGIONS, normalizeFrenchFast, prefixStateOf } from './phone-fast.js';
import { isValidNational, normalizePhoneReference } from './phone-reference.js';

export { normalizePhoneReference } from './phone-reference.js';

// ---- Fast path -------------------------------------------------------------------------------------
// Ingest normalizes a phone per row; libphonenumber's parse costs ~9 µs. The spellings of DATA.md §3
// (national, +33, +33 (0), 0033, 33, and the 9 digits left when a spreadsheet drops the leading 0) are
// recognised here by a scan of char codes. What remains is whether the 9-digit national number is valid
// in its region; for the six regions of phone-fast.ts the metadata patterns decide that from the first 5 digits
// (the deepest pattern branches, e.g. FR `836(?:0[0-36-9]|…)`, GP `691(?:2[2-9]|3[0-5])`, are 5 digits
// deep, and every number is 9 digits), so libphonenumber's own answer is cached per (region, 5-digit
// prefix). Each cache entry is computed from two numbers of that prefix (suffix 0000 and 9999); if they
// ever disagree (metadata grown deeper) the prefix is marked to always take the reference path.
// phone.test.ts checks the fast path against the reference path on random numbers and on every prefix.

/** Per region, the state of each 5-digit prefix 10000–99999 (index prefix − 10000, 0 = not yet known); allocated on first use. */
const prefixStates: (Uint8Array | undefined)[] = REGIONS.map(() => undefined);

/** The prefix oracle of the fast path: libphonenumber's answer for the prefix's lowest and highest number, cached. */
export function prefixState(regionIndex: number, prefix5: number): number {
  let states = prefixStates[regionIndex];
  if (states === undefined) {
    states = new Uint8Array(90_000);
    prefixStates[regionIndex] = states;
  }
  let state = states[prefix5 - 10_000]!;
  if (state === 0) {
    const region = REGIONS[regionIndex]!.region;
    state = prefixStateOf(isValidNational(`${prefix5}0000`, region), isValidNational(`${prefix5}9999`, region));
    states[prefix5 - 10_000] = state;
  }
  return state;
}

/**
 * E.164 form of a phone number (DESIGN §3): every spelling of DATA.md §3 gives the same value
 * (`06 12 34 56 78`, `+33 (0)6 12 34 56 78`, `0033 6…`, `33612345678` -> `+33612345678`); overseas
 * numbers written nationally get their own region (`0690 12 34 56` -> `+590690123456`); foreign numbers
 * with a `+` or `00` prefix are kept; the number must be valid for its region (libphonenumber `isValid`).
 * Same answers as `normalizePhoneReference`, which handles whatever the fast path does not recognise.
 */
export function normalizePhone(raw: string): Normalized<string> {
  return normalizeFrenchFast(raw, prefixState) ?? normalizePhoneReference(raw);
}
