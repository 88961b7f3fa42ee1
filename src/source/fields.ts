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
  postcode: 'postal_address',
  lab: 'lab_visit',
};

export function isField(value: string): value is Field {
  return (FIELDS as readonly string[]).includes(value);
}
