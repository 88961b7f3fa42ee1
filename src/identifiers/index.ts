// Canonical forms of identifiers and data categories (DESIGN §3): pure code, no I/O, shared by ingest,
// the look-up client (Node and browser) and the notices.

export { canonical, IDENTIFIER_TYPES, type IdentifierType, type Normalized } from './canonical.js';
export { formatNir, nirKey, normalizeNir, type NirKeyStatus } from './nir.js';
export { normalizeEmail } from './email.js';
export { normalizePhone, normalizePhoneReference } from './phone.js';
export { normalizeName, personValue } from './person.js';
export { normalizeDate } from './date.js';
export { canonicalizeQuery, type CanonicalQuery, type QueryInput } from './query.js';
export * from './categories.js';
