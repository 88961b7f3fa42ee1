// What a person types on the check page or the CLI, turned into the canonical identifiers to look up
// (DESIGN §3: each is looked up separately and the answers merged) and a per-field error for the rest.

import { canonical, type IdentifierType } from './canonical.js';
import { normalizeDateField } from './date.js';
import { normalizeEmail } from './email.js';
import { normalizeNir, type NirKeyStatus } from './nir.js';
import { joinPerson, normalizeNameField } from './person.js';
import { normalizePhone } from './phone.js';

export interface QueryInput {
  nir?: string;
  email?: string;
  phone?: string;
  lastName?: string;
  firstName?: string;
  birthDate?: string;
}

export interface CanonicalQuery {
  /** At most one per type, in the order nir, email, phone, person. */
  identifiers: { type: IdentifierType; canonical: string }[];
  errors: { field: keyof QueryInput; reason: string }[];
  /** Set when a NIR was accepted: `wrong` lets a page say "check the last two digits" (the body is still looked up). */
  nirKeyStatus?: NirKeyStatus;
}

type PersonField = 'lastName' | 'firstName' | 'birthDate';
const PERSON_FIELDS: readonly PersonField[] = ['lastName', 'firstName', 'birthDate'];

function filled(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/**
 * Every identifier the input yields, canonical (`TYPE:VALUE`), and why the other fields yield none.
 * Empty or blank fields are ignored. Last name, first name and birth date only count together: if some
 * but not all are given, each missing one gets an error. One `person` identifier per typed triple:
 * a compound first name (`Jean-Pierre`, `jean pierre`) meets the file's `JEAN PIERRE` by folding alone;
 * no variant (first word only, swapped names) is derived, since each extra identifier costs the person
 * an evaluation of their rate limit and widens what a look-up reveals. A birth name is checked by typing
 * it as the last name: ingest indexes both names (DESIGN §3).
 */
export function canonicalizeQuery(input: QueryInput): CanonicalQuery {
  const query: CanonicalQuery = { identifiers: [], errors: [] };

  if (filled(input.nir)) {
    const nir = normalizeNir(input.nir);
    if (nir.ok) {
      query.identifiers.push({ type: 'nir', canonical: canonical('nir', nir.value.body) });
      query.nirKeyStatus = nir.value.keyStatus;
    } else {
      query.errors.push({ field: 'nir', reason: nir.reason });
    }
  }
  if (filled(input.email)) {
    const email = normalizeEmail(input.email);
    if (email.ok) query.identifiers.push({ type: 'email', canonical: canonical('email', email.value) });
    else query.errors.push({ field: 'email', reason: email.reason });
  }
  if (filled(input.phone)) {
    const phone = normalizePhone(input.phone);
    if (phone.ok) query.identifiers.push({ type: 'phone', canonical: canonical('phone', phone.value) });
    else query.errors.push({ field: 'phone', reason: phone.reason });
  }

  const given = PERSON_FIELDS.filter((field) => filled(input[field]));
  if (given.length > 0 && given.length < PERSON_FIELDS.length) {
    for (const field of PERSON_FIELDS) {
      if (!given.includes(field)) {
        query.errors.push({ field, reason: `"${field}" is required: last name, first name and birth date go together` });
      }
    }
  } else if (given.length === PERSON_FIELDS.length) {
    const parts = {
      lastName: normalizeNameField(input.lastName!, 'lastName'),
      firstName: normalizeNameField(input.firstName!, 'firstName'),
      birthDate: normalizeDateField(input.birthDate!, 'birthDate'),
    };
    const { lastName, firstName, birthDate } = parts;
    if (lastName.ok && firstName.ok && birthDate.ok) {
      query.identifiers.push({ type: 'person', canonical: canonical('person', joinPerson(lastName.value, firstName.value, birthDate.value)) });
    } else {
      // Every bad part at once, so that a form can flag them all.
      for (const field of PERSON_FIELDS) {
        const part = parts[field];
        if (!part.ok) query.errors.push({ field, reason: part.reason });
      }
    }
  }
  return query;
}
