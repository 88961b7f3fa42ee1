// Recognises column headers (French and English) and applies a mapping, so that each column says
// which field the ingest reads from it and which data category its cells reveal (DESIGN §3).

import { isCategory, type Category } from '../identifiers/categories.js';
import { FIELD_CATEGORY, isField, type Field } from './fields.js';
import type { SourceColumn } from './types.js';

/**
 * Header spellings per target. Whole normalized headers are matched against this table, never
 * substrings: MED_PRESC_CP is the prescriber's postcode (physician), not the patient's (postcode),
 * and NOM_ASSURE is the insured person (insurer), not the patient's last name.
 */
const HEADER_TABLE: Readonly<Record<Field | Category, readonly string[]>> = {
  lastName: [
    'NOM', 'Nom de famille', 'Nom patient', 'Nom du patient', 'Nom usuel', "Nom d'usage", 'Nom marital',
    'NOM_PATIENT', 'Last name', 'Lastname', 'Surname', 'Family name',
  ],
  firstName: [
    'PRENOM', 'Prénom', 'Prénoms', 'Prénom patient', 'Prénom du patient', 'PRENOM_PATIENT',
    'First name', 'Firstname', 'Given name', 'Given names', 'Forename',
  ],
  birthName: [
    'NOM_NAISSANCE', 'Nom de naissance', 'Nom de jeune fille', 'NOM_JF', 'Nom JF',
    'Birth name', 'Maiden name',
  ],
  birthDate: [
    'DATE_NAISSANCE', 'Date de naissance', 'DDN', 'Né le', 'Née le', 'Né(e) le', 'DT_NAISSANCE', 'DATE_NAIS',
    'Birth date', 'Birthdate', 'Date of birth', 'DOB',
  ],
  sex: ['SEXE', 'Sex', 'Gender', 'Genre'],
  nir: [
    'NIR', 'NUM_SECU', 'N° sécurité sociale', 'N° de sécurité sociale', 'Numéro de sécurité sociale',
    'Num sécu', 'N° sécu', 'No sécu', 'N° SS', 'NUM_SS', 'NSS', 'Numéro INSEE', 'INS', 'Matricule INS',
    'Social security number', 'SSN',
  ],
  email: [
    'EMAIL', 'E-mail', 'Courriel', 'Mail', 'Adresse mail', 'Adresse e-mail', 'Adresse électronique',
    'Email address', 'E-mail address',
  ],
  phone: [
    'TEL_PORTABLE', 'TEL_DOMICILE', 'TEL_MOBILE', 'TEL_FIXE', 'TEL_TRAVAIL', 'TEL', 'Tél', 'Téléphone',
    'Téléphone portable', 'Téléphone mobile', 'Téléphone domicile', 'Téléphone fixe', 'Portable', 'Mobile',
    'GSM', 'Mobile phone', 'Home phone', 'Work phone', 'Cell phone', 'Phone', 'Phone number', 'Telephone',
  ],
  postcode: ['CP', 'Code postal', 'CODE_POSTAL', 'Postcode', 'Post code', 'Postal code', 'Zip', 'Zip code'],
  lab: ['CODE_LABO', 'Laboratoire', 'Labo', 'Code laboratoire', 'Lab', 'Lab code', 'Laboratory'],
  identity: [
    'Civilité', 'Titre', 'Title', 'Nom prénom', 'Nom et prénom', 'Nom complet', 'Full name',
    'Lieu de naissance', 'Place of birth',
  ],
  birth_date: ['Âge', 'Age', 'Année de naissance', 'Year of birth'],
  // ADRESSE2 is listed under address2 so that it does not fall back to ADRESSE (address1) as a numbered variant.
  address1: [
    'ADRESSE', 'ADRESSE1', 'Adresse postale', 'Adresse ligne 1', 'Rue', 'Voie', 'Address', 'Address line',
    'Address line 1', 'Address 1', 'Street', 'Street address',
  ],
  address2: [
    'ADRESSE2', 'Complément d\'adresse', 'Complément adresse', 'Adresse ligne 2', 'Address line 2', 'Address 2',
    'Address complement',
  ],
  city: ['VILLE', 'Commune', 'Localité', 'Ville de résidence', 'City', 'Town'],
  country: ['Pays', 'Country'],
  postal_address: ['Lieu-dit', 'Boîte postale', 'BP', 'Cedex', 'PO Box'],
  insurer: [
    'RANG_BENEFICIAIRE', 'Rang bénéficiaire', 'Rang de bénéficiaire', 'NOM_ASSURE', 'Nom assuré', 'Nom de l\'assuré',
    'PRENOM_ASSURE', 'Prénom assuré', 'Assuré', 'MUTUELLE', 'Mutuelle', 'Complémentaire santé', 'Caisse',
    'Régime', 'N° adhérent', 'Insurer', 'Insurance', 'Health insurer', 'Insured person', 'Policyholder',
    'Beneficiary rank',
  ],
  physician: [
    'MED_PRESC_NOM', 'MED_PRESC_PRENOM', 'MED_PRESC_CP', 'MED_PRESC_VILLE', 'MED_PRESC_ADRESSE',
    'Médecin prescripteur', 'Prescripteur', 'Médecin', 'Médecin traitant', 'PRELEVEUR_NOM', 'Préleveur',
    'Prescriber', 'Prescribing physician', 'Physician', 'Doctor', 'Referring physician', 'Sample taker',
  ],
  blood_group: ['GROUPE_SANGUIN', 'Groupe sanguin', 'Rhésus', 'Blood group', 'Blood type'],
  health_comment: [
    'COMMENTAIRE', 'Commentaires', 'Observation', 'Observations', 'Remarque', 'Remarques', 'Notes', 'Note',
    'Renseignements cliniques', 'Traitement', 'Traitements', 'Analyses', 'Examens', 'Diagnostic',
    'Comment', 'Comments', 'Clinical information', 'Treatment', 'Tests', 'Diagnosis',
  ],
  portal_credentials: [
    'LOGIN_WEB', 'MDP_WEB', 'Login', 'Identifiant', 'Identifiant web', 'Mot de passe', 'MDP', 'Password',
    'Username', 'User name',
  ],
  lab_visit: [
    'NUM_DOSSIER', 'N° dossier', 'Numéro de dossier', 'NUM_DEMANDE', 'N° demande', 'DATE_PRELEVEMENT',
    'Date de prélèvement', 'Date prélèvement', 'DATE_DERNIERE_VISITE', 'Date de dernière visite',
    'Dernière visite', 'Date visite', 'File number', 'Record number', 'Sample date', 'Sampling date',
    'Last visit', 'Visit date',
  ],
};

/**
 * Folds a header for comparison: accents and case removed, œ/æ expanded, and everything that is not
 * a letter or a digit dropped ("N° sécurité sociale" -> "nsecuritesociale", "E-mail" -> "email").
 */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[^a-z0-9]/g, '');
}

export type HeaderTarget = Field | Category;

const RECOGNISED: ReadonlyMap<string, HeaderTarget> = buildTable();

function buildTable(): Map<string, HeaderTarget> {
  const table = new Map<string, HeaderTarget>();
  for (const [target, spellings] of Object.entries(HEADER_TABLE)) {
    if (!isField(target) && !isCategory(target)) continue;
    for (const spelling of spellings) {
      const key = normalizeHeader(spelling);
      const previous = table.get(key);
      // A spelling listed under two targets would make recognition depend on table order.
      if (previous !== undefined && previous !== target) {
        throw new Error(`header table: "${spelling}" is listed under ${previous} and ${target}`);
      }
      table.set(key, target);
    }
  }
  return table;
}

/**
 * The field or category a header is recognised as, or null. Numbered variants (ADRESSE2,
 * COMMENTAIRE_1, "Téléphone 2") are recognised as their base header.
 */
export function recogniseHeader(header: string): HeaderTarget | null {
  const key = normalizeHeader(header);
  if (key === '') return null;
  const direct = RECOGNISED.get(key);
  if (direct !== undefined) return direct;
  const base = key.replace(/[0-9]+$/, '');
  return base !== key && base !== '' ? (RECOGNISED.get(base) ?? null) : null;
}

/** Every recognised spelling with its target, for documentation and tests. */
export function recognisedHeaders(): ReadonlyMap<string, HeaderTarget> {
  return RECOGNISED;
}

/** A validated mapping value: a field, a category, or 'ignore'. */
export type MappingTarget = Field | Category | 'ignore';

/**
 * Builds the columns from the header cells. A mapping entry (matched on the exact header first,
 * then on the normalized header) overrides recognition.
 */
export function resolveColumns(
  headers: readonly string[],
  mapping: ReadonlyMap<string, MappingTarget> | null,
): SourceColumn[] {
  const normalizedMapping = new Map<string, MappingTarget>();
  if (mapping !== null) {
    for (const [key, target] of mapping) {
      const folded = normalizeHeader(key);
      if (!normalizedMapping.has(folded)) normalizedMapping.set(folded, target);
    }
  }
  return headers.map((header, index): SourceColumn => {
    const mapped = mapping?.get(header) ?? normalizedMapping.get(normalizeHeader(header));
    if (mapped === 'ignore') return { index, header, field: null, category: null, mappedBy: 'ignore' };
    if (mapped !== undefined) return { index, header, ...targetOf(mapped), mappedBy: 'mapping' };
    const recognised = recogniseHeader(header);
    if (recognised !== null) return { index, header, ...targetOf(recognised), mappedBy: 'header' };
    return { index, header, field: null, category: null, mappedBy: null };
  });
}

function targetOf(target: HeaderTarget): { field: Field | null; category: Category } {
  return isField(target) ? { field: target, category: FIELD_CATEGORY[target] } : { field: null, category: target };
}

/** How an unmapped column is named in warnings: its header, or its position if it has none. */
export function columnLabel(column: SourceColumn): string {
  return column.header !== '' ? column.header : `(column ${column.index + 1})`;
}
