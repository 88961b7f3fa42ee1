// The fields Vigie reads from a leak file, and the data category each one reveals (DESIGN §3).

import type { Category } from '../identifiers/categories.js';

export const FIELDS = [
  'lastName',
  'firstName',
  'birthName',
  'birthDate',
  'sex',
  'nir',
  'email',
  'phone',
  'postcode',
  'address1',
  'address2',
  'city',
  'country',
  'lab',
] as const;

export type Field = (typeof FIELDS)[number];

export const FIELD_CATEGORY: Readonly<Record<Field, Category>> = {
  lastName: 'identity',
  firstName: 'identity',
  birthName: 'identity',
  sex: 'identity',
  birthDate: 'birth_date',
  nir: 'nir',
  email: 'email',
  phone: 'phone',
  // The postal address is read field by field only to print letters (vigie notices generate); every part of it
  // still counts as the one category postal_address.
  postcode: 'postal_address',
  address1: 'postal_address',
  address2: 'postal_address',
  city: 'postal_address',
  country: 'postal_address',
  lab: 'lab_visit',
};

export function isField(value: string): value is Field {
  return (FIELDS as readonly string[]).includes(value);
}
