// The reference phone normalization, entirely through libphonenumber-js with full (`max`) metadata. phone.ts
// uses it for what its fast path does not recognise; the portal loads it lazily for the same inputs.

import { parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max';
import { accept, reject, type Normalized } from './canonical.js';
import { R_EMPTY, R_INVALID, R_NOT_PHONE, overseasRegion } from './phone-fast.js';

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

/** Whether a 9-digit national number is valid in `region` (libphonenumber `isValid`, max metadata). */
export function isValidNational(nationalNumber: string, region: CountryCode): boolean {
  return parsePhoneNumberFromString(`0${nationalNumber}`, { defaultCountry: region })?.isValid() === true;
}
