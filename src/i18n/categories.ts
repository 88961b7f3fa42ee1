// What each data category means, in plain words, in French and English (DESIGN §3 codes).

import type { Category } from '../identifiers/categories.js';

export type Lang = 'fr' | 'en';

export const CATEGORY_LABELS: Readonly<Record<Lang, Readonly<Record<Category, string>>>> = {
  fr: {
    identity: 'identité (nom, prénom, sexe)',
    birth_date: 'date de naissance',
    postal_address: 'adresse postale',
    email: 'adresse e-mail',
    phone: 'numéro de téléphone',
    nir: 'numéro de sécurité sociale (NIR)',
    insurer: 'mutuelle et assuré (rang de bénéficiaire)',
    physician: 'médecin prescripteur ou préleveur',
    blood_group: 'groupe sanguin',
    health_comment: 'commentaires médicaux (texte libre)',
    portal_credentials: 'identifiant et mot de passe du site de résultats du laboratoire',
    lab_visit: 'passage au laboratoire (laboratoire, numéro de dossier, dates)',
  },
  en: {
    identity: 'identity (last name, first name, sex)',
    birth_date: 'date of birth',
    postal_address: 'postal address',
    email: 'e-mail address',
    phone: 'phone number',
    nir: 'social security number (NIR)',
    insurer: 'health insurer and insured person (beneficiary rank)',
    physician: 'prescribing physician or sample taker',
    blood_group: 'blood group',
    health_comment: 'medical comments (free text)',
    portal_credentials: "login and password of the laboratory's results website",
    lab_visit: 'laboratory visit (laboratory, file number, dates)',
  },
};

export const IDENTIFIER_LABELS: Readonly<Record<Lang, Readonly<Record<'nir' | 'email' | 'phone' | 'person', string>>>> = {
  fr: { nir: 'numéro de sécurité sociale', email: 'adresse e-mail', phone: 'téléphone', person: 'nom, prénom et date de naissance' },
  en: { nir: 'social security number', email: 'e-mail address', phone: 'phone number', person: 'name and date of birth' },
};
