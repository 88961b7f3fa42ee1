// A complaint to the public prosecutor "contre X" (DATA.md §6), always in French (the language of the French
// courts), built in the browser from what the person types and the breach's public facts. Nothing here leaves the
// device: the PDF is made by src/web/pdf.ts and saved by the browser.

import type { Category } from '../identifiers/categories.js';
import { CATEGORY_LABELS } from '../i18n/categories.js';
import { buildPdf, type TextBlock } from './pdf.js';
import { formatDate } from './portal-data.js';

export interface ComplaintInput {
  lastName: string;
  firstName: string;
  /** As typed (e.g. 14/07/1990). */
  birthDate: string;
  birthPlace: string;
  /** One or more lines. */
  address: string;
  contact: string;
  /** Town of the tribunal judiciaire. */
  court: string;
  harm: string;
  /** Reference of the controller's notice to the person, if any. */
  reference: string;
  breach: {
    title: string;
    controller: string | null;
    occurredFrom: string | null;
    occurredTo: string | null;
    discoveredAt: string | null;
    complaintReference: string | null;
  };
  categories: readonly Category[];
  today: Date;
}

export const REQUIRED_FIELDS = ['lastName', 'firstName', 'birthDate', 'birthPlace', 'address', 'court'] as const;

/** The fields a letter cannot do without that are still empty. */
export function missingFields(input: Pick<ComplaintInput, (typeof REQUIRED_FIELDS)[number]>): string[] {
  return REQUIRED_FIELDS.filter((f) => input[f].trim() === '');
}

/** The letter as text blocks (also what a test reads back from the PDF). */
export function complaintBlocks(input: ComplaintInput): TextBlock[] {
  const name = `${input.firstName.trim()} ${input.lastName.trim().toUpperCase()}`;
  const address = input.address.trim().split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  const b = input.breach;
  const controller = b.controller ?? 'le laboratoire responsable des données';
  const period =
    b.occurredFrom !== null && b.occurredTo !== null
      ? ` Le fichier concerne des données collectées du ${formatDate(b.occurredFrom, 'fr')} au ${formatDate(b.occurredTo, 'fr')}.`
      : '';
  const discovered = b.discoveredAt === null ? '' : ` La fuite a été découverte le ${formatDate(b.discoveredAt, 'fr')}.`;
  const informed =
    input.reference.trim() === ''
      ? `J’ai appris que des données me concernant figurent dans un fichier dérobé à ${controller} (« ${b.title} ») puis diffusé sur internet.`
      : `${controller} m’a informé(e), par un courrier portant la référence ${input.reference.trim()}, que des données me concernant figurent dans un fichier qui lui a été dérobé (« ${b.title} ») puis diffusé sur internet.`;
  const categories = input.categories.map((c) => `– ${CATEGORY_LABELS.fr[c]} ;`);
  const offences = [
    '– l’accès et le maintien frauduleux dans un système de traitement automatisé de données, et l’extraction frauduleuse de données (articles 323-1 et 323-3 du code pénal) ;',
    '– la divulgation de données personnelles portant atteinte à la considération de la personne ou à l’intimité de sa vie privée (article 226-22 du code pénal), qui ne peut être poursuivie que sur la plainte de la victime ;',
    '– le traitement de données personnelles sans mettre en œuvre les mesures de sécurité prescrites (article 226-17 du code pénal) ;',
    ...(input.categories.includes('nir')
      ? ['– le traitement du numéro d’inscription au répertoire (numéro de sécurité sociale) hors des cas autorisés (article 226-16-1 du code pénal) ;']
      : []),
  ];
  const today = formatDate(input.today.toISOString().slice(0, 10), 'fr');
  const blocks: TextBlock[] = [
    { text: name, bold: true },
    { text: [...address, input.contact.trim()].filter((l) => l !== '').join('\n') },
    { text: `À ${input.court.trim()}, le ${today}`, align: 'right', spaceBefore: 12 },
    { text: `Madame, Monsieur le Procureur de la République\nTribunal judiciaire de ${input.court.trim()}`, spaceBefore: 12 },
    { text: 'Lettre recommandée avec demande d’avis de réception', spaceBefore: 6 },
    { text: 'Objet : plainte contre X pour la fuite de mes données personnelles et de santé', bold: true, spaceBefore: 12 },
    { text: 'Madame, Monsieur le Procureur de la République,', spaceBefore: 12 },
    {
      text:
        `Je soussigné(e) ${name}, né(e) le ${input.birthDate.trim()} à ${input.birthPlace.trim()}, demeurant ${address.join(', ')}, ` +
        'porte plainte contre X, c’est-à-dire contre toute personne que l’enquête permettra d’identifier, pour les faits suivants.',
      spaceBefore: 8,
    },
    { text: 'Les faits', bold: true, spaceBefore: 10 },
    { text: `${informed}${period}${discovered}`, spaceBefore: 4 },
    { text: 'Les données me concernant dans ce fichier sont :', spaceBefore: 6 },
    { text: categories.join('\n') },
    ...(b.complaintReference === null ? [] : [{ text: `${controller} a lui-même déposé plainte (référence ${b.complaintReference}).`, spaceBefore: 6 }]),
    { text: 'Le préjudice', bold: true, spaceBefore: 10 },
    {
      text:
        (input.harm.trim() === '' ? '' : `${input.harm.trim()}\n`) +
        'La diffusion de ces données m’expose à des tentatives d’escroquerie, d’usurpation d’identité et de chantage, et porte atteinte à l’intimité de ma vie privée.',
      spaceBefore: 4,
    },
    { text: 'Les infractions', bold: true, spaceBefore: 10 },
    { text: `Ces faits me paraissent constituer notamment :\n${offences.join('\n')}`, spaceBefore: 4 },
    {
      text: 'Je vous remercie de bien vouloir enregistrer ma plainte et me tenir informé(e) des suites qui lui seront données.',
      spaceBefore: 10,
    },
    { text: 'Je vous prie d’agréer, Madame, Monsieur le Procureur de la République, l’expression de ma haute considération.', spaceBefore: 6 },
    { text: `${name}\n(signature)`, align: 'right', spaceBefore: 18 },
    {
      text:
        'Pièces jointes :\n' +
        (input.reference.trim() === '' ? '' : `– copie du courrier d’information du laboratoire (référence ${input.reference.trim()}) ;\n`) +
        '– copie d’une pièce d’identité ;\n– le cas échéant, copies des messages frauduleux reçus.',
      size: 10,
      spaceBefore: 24,
    },
  ];
  return blocks;
}

export function complaintPdf(input: ComplaintInput): Uint8Array {
  return buildPdf(complaintBlocks(input), { title: 'Plainte contre X', date: input.today });
}
