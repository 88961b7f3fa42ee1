// The columns of the synthetic lab export (DATA.md §1), the data category each reveals, and how a
// record is written as `;`-separated CSV (RFC 4180 quoting).

import { categoryBit, type Category } from '../identifiers/categories.js';

export const COLUMNS = [
  'CODE_LABO', 'NUM_DOSSIER', 'DATE_PRELEVEMENT', 'DATE_DERNIERE_VISITE', 'NOM', 'PRENOM', 'SEXE', 'DATE_NAISSANCE',
  'NOM_NAISSANCE', 'NIR', 'RANG_BENEFICIAIRE', 'NOM_ASSURE', 'ADRESSE1', 'ADRESSE2', 'CP', 'VILLE', 'TEL_DOMICILE',
  'TEL_PORTABLE', 'EMAIL', 'GROUPE_SANGUIN', 'MUTUELLE', 'MED_PRESC_NOM', 'MED_PRESC_CP', 'MED_PRESC_VILLE', 'PRELEVEUR_NOM',
  'COMMENTAIRE_1', 'COMMENTAIRE_2', 'LOGIN_WEB', 'MDP_WEB',
] as const;

export type Column = (typeof COLUMNS)[number];

/** A non-empty cell in a column reveals this category about the person of the row. */
export const COLUMN_CATEGORY: Readonly<Record<Column, Category>> = {
  CODE_LABO: 'lab_visit',
  NUM_DOSSIER: 'lab_visit',
  DATE_PRELEVEMENT: 'lab_visit',
  DATE_DERNIERE_VISITE: 'lab_visit',
  NOM: 'identity',
  PRENOM: 'identity',
  SEXE: 'identity',
  NOM_NAISSANCE: 'identity',
  DATE_NAISSANCE: 'birth_date',
  ADRESSE1: 'postal_address',
  ADRESSE2: 'postal_address',
  CP: 'postal_address',
  VILLE: 'postal_address',
  TEL_DOMICILE: 'phone',
  TEL_PORTABLE: 'phone',
  EMAIL: 'email',
  NIR: 'nir',
  RANG_BENEFICIAIRE: 'insurer',
  NOM_ASSURE: 'insurer',
  MUTUELLE: 'insurer',
  MED_PRESC_NOM: 'physician',
  MED_PRESC_CP: 'physician',
  MED_PRESC_VILLE: 'physician',
  PRELEVEUR_NOM: 'physician',
  GROUPE_SANGUIN: 'blood_group',
  COMMENTAIRE_1: 'health_comment',
  COMMENTAIRE_2: 'health_comment',
  LOGIN_WEB: 'portal_credentials',
  MDP_WEB: 'portal_credentials',
};

/** Column positions by name, for building a record as an array. */
export const COL = Object.fromEntries(COLUMNS.map((column, i) => [column, i])) as Readonly<Record<Column, number>>;

const COLUMN_BITS = COLUMNS.map((column) => categoryBit(COLUMN_CATEGORY[column]));

/** Categories (as a mask, see identifiers/categories.ts) of the non-empty cells of a record. */
export function categoryMaskOfRecord(cells: readonly string[]): number {
  let mask = 0;
  for (let i = 0; i < cells.length; i++) if (cells[i] !== '') mask |= COLUMN_BITS[i] ?? 0;
  return mask;
}

const NEEDS_QUOTES = /[;"\r\n]/;

/** One field, quoted and with doubled quotes when it holds the separator, a quote or a line break. */
export function csvField(value: string): string {
  return value !== '' && NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One record, without its line ending. */
export function csvRecord(cells: readonly string[]): string {
  let line = csvField(cells[0] ?? '');
  for (let i = 1; i < cells.length; i++) line += ';' + csvField(cells[i] ?? '');
  return line;
}
