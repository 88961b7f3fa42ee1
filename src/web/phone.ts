// Phone canonicalization for the browser bundle (DESIGN §3), with the same answers as src/identifiers/phone.ts but
// without shipping libphonenumber's 50 KB of metadata on every page: the French spellings of DATA.md §3 go through
// the server's own scanner (phone-fast.ts) with a prefix table generated from libphonenumber (phone-prefixes.ts);
// anything else (foreign numbers, odd spellings, the few undecided prefixes) needs the full metadata, which the page
// loads on demand with `loadFullPhoneMetadata()` before canonicalizing. The portal's Vite build puts this module in
// place of src/identifiers/phone.ts (web/vite.config.ts); src/web/phone.test.ts proves the answers equal.

import { reject, type Normalized } from '../identifiers/canonical.js';
import { R_EMPTY, normalizeFrenchFast } from '../identifiers/phone-fast.js';
import { PREFIX_RUNS } from './phone-prefixes.js';

/** The state of a 5-digit prefix, by binary search over the runs (region implied by the prefix). */
export function tablePrefixState(_regionIndex: number, prefix5: number): number {
  let lo = 0;
  let hi = PREFIX_RUNS.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (PREFIX_RUNS[mid]![0] <= prefix5) lo = mid;
    else hi = mid - 1;
  }
  return PREFIX_RUNS[lo]![1];
}

type Normalizer = (raw: string) => Normalized<string>;
let reference: Normalizer | null = null;

/** Whether `raw` needs the full metadata: the fast path cannot decide it and the library is not loaded yet. */
export function phoneNeedsFullMetadata(raw: string): boolean {
  return reference === null && raw.trim() !== '' && normalizeFrenchFast(raw, tablePrefixState) === undefined;
}

/** Loads libphonenumber-js with full metadata (a separate chunk, fetched from the portal's own origin). */
export async function loadFullPhoneMetadata(): Promise<void> {
  reference ??= (await import('../identifiers/phone-reference.js')).normalizePhoneReference;
}

function referenceOrThrow(): Normalizer {
  if (reference === null) throw new Error('phone metadata not loaded: await loadFullPhoneMetadata() first');
  return reference;
}

/** Same contract as src/identifiers/phone.ts `normalizePhone`; throws if the full metadata is needed but not loaded. */
export function normalizePhone(raw: string): Normalized<string> {
  if (raw.trim() === '') return reject(R_EMPTY);
  return normalizeFrenchFast(raw, tablePrefixState) ?? referenceOrThrow()(raw);
}

export function normalizePhoneReference(raw: string): Normalized<string> {
  return referenceOrThrow()(raw);
}
