// The words of the individual notice (GDPR art. 34, DATA.md §5), in French and English: clear and plain language,
// short sentences, no jargon. Static paragraphs are laid out once per campaign; only the person's name, address,
// reference, labs, categories and code change from letter to letter.

import type { BreachNotice, ControllerConfig, Lang } from '../controller/types.js';
import { CATEGORY_LABELS } from '../i18n/categories.js';
import type { Category } from '../identifiers/categories.js';

/** A paragraph: a heading (bold) or body text; `gapBefore` in points. */
export interface Paragraph {
  kind: 'heading' | 'body' | 'bullet' | 'small';
  text: string;
}

export interface LetterTexts {
  lang: Lang;
  /** Place and date line, e.g. "Rennes, le 23 novembre 2026". */
  dateLine: string;
  referenceLabel: string;
  subject: string;
  /** Before the person's labs and categories. */
  opening: Paragraph[];
  labsLabel: string;
  categoriesLabel: string;
  /** Between the categories and the code. */
  middle: Paragraph[];
  codeLabel: string;
  /** After the code: contacts, the right to complain, apology, signature. */
  closing: Paragraph[];
  categoryLabels: Readonly<Record<Category, string>>;
  /** "… and 3 others" when a person's labs do not fit. */
  andOthers: (n: number) => string;
}

export function formatDate(iso: string, lang: Lang): string {
  const date = new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso);
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' }).format(date);
}

/** The portal's address as people type it: without "https://" and without a trailing slash. */
export function typedAddress(portalUrl: string): string {
  return portalUrl.replace(/^https:\/\//, '').replace(/\/$/, '');
}

const CNIL = {
  fr: 'Vous pouvez aussi adresser une réclamation à la CNIL, l’autorité de protection des données : www.cnil.fr/plaintes, ou CNIL, 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07.',
  en: 'You can also complain to the CNIL, the French data protection authority: www.cnil.fr/en/complaints, or CNIL, 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, France.',
};

export function letterTexts(config: ControllerConfig, breach: BreachNotice, lang: Lang, issuedAt: string): LetterTexts {
  const portal = typedAddress(config.portalUrl);
  const other = config.languages.find((l) => l !== lang);
  const signatory = config.letter?.signatory;
  const sign = signatory === undefined ? [config.controller.name] : [`${signatory.name}, ${signatory.title[lang]}`, config.controller.name];
  const measures = breach.measures.map((m): Paragraph => ({ kind: 'bullet', text: m[lang] }));
  const dpo = config.dpo;
  if (lang === 'fr') {
    const period =
      breach.occurredFrom !== undefined && breach.occurredTo !== undefined
        ? ` Les données concernées datent du ${formatDate(breach.occurredFrom, 'fr')} au ${formatDate(breach.occurredTo, 'fr')}.`
        : '';
    return {
      lang,
      dateLine: `${config.controller.address.city}, le ${formatDate(issuedAt, 'fr')}`,
      referenceLabel: 'Référence :',
      subject: 'Objet : vos données personnelles ont été exposées – information individuelle (RGPD, article 34)',
      opening: [
        { kind: 'body', text: 'Madame, Monsieur,' },
        { kind: 'body', text: `${breach.summary.fr}${period} Nous l’avons appris le ${formatDate(breach.discoveredAt, 'fr')}. Vos données figuraient dans ce fichier. Nous vous écrivons pour vous dire ce que cela signifie et ce que vous pouvez faire.` },
      ],
      labsLabel: 'Laboratoire(s) où vous êtes venu(e) :',
      categoriesLabel: 'Informations vous concernant dans le fichier :',
      middle: [
        { kind: 'heading', text: 'Les risques pour vous' },
        {
          kind: 'body',
          text:
            breach.consequences?.fr ??
            'Quelqu’un pourrait utiliser ces informations pour vous envoyer des messages trompeurs très crédibles (hameçonnage), se faire passer pour vous (usurpation d’identité), révéler des informations sur votre santé, ou se connecter à vos comptes si vous réutilisez un mot de passe.',
        },
        { kind: 'heading', text: 'Ce que nous avons fait' },
        ...measures,
        { kind: 'heading', text: 'Ce que vous pouvez faire' },
        { kind: 'bullet', text: 'Méfiez-vous des messages et appels inattendus. Nous ne vous demanderons jamais votre mot de passe, vos coordonnées bancaires ou votre numéro de sécurité sociale par téléphone, SMS ou e-mail.' },
        { kind: 'bullet', text: 'Changez le mot de passe du site de résultats du laboratoire, et tout mot de passe identique utilisé ailleurs.' },
        { kind: 'bullet', text: 'Pour de l’aide face à une arnaque : www.cybermalveillance.gouv.fr. Si quelqu’un usurpe votre identité, demandez à la Banque de France la consultation du fichier FICOBA (comptes ouverts à votre nom).' },
        {
          kind: 'bullet',
          text: `Vous pouvez porter plainte (commissariat, gendarmerie ou en ligne) en citant la référence de cette lettre${breach.complaintReference === undefined ? '' : ` et celle de notre plainte, ${breach.complaintReference}`}.`,
        },
        { kind: 'heading', text: 'Vérifier que cette lettre vient bien de nous' },
        { kind: 'body', text: `Tapez vous-même l’adresse ${portal} dans votre navigateur (ne suivez jamais un lien reçu par message), puis saisissez le code ci-dessous. Vous y verrez le détail des données vous concernant, en partie masquées.` },
      ],
      codeLabel: 'Votre code :',
      closing: [
        { kind: 'heading', text: 'Nous contacter' },
        { kind: 'body', text: `Ligne d’information : ${config.phoneLine.number}, ${config.phoneLine.hours.fr}. Déléguée ou délégué à la protection des données (DPO) : ${dpo.name}, ${dpo.email}${dpo.phone === undefined ? '' : `, ${dpo.phone}`}.` },
        { kind: 'body', text: CNIL.fr },
        { kind: 'body', text: 'Nous vous présentons nos sincères excuses pour cette situation et pour l’inquiétude qu’elle peut causer.' },
        ...sign.map((text): Paragraph => ({ kind: 'body', text })),
        ...(other === 'en' ? [{ kind: 'small', text: `English: this letter tells you that your personal data were exposed in a leak. To read it in English, type ${portal} in your browser and enter the code above.` } as Paragraph] : []),
      ],
      categoryLabels: CATEGORY_LABELS.fr,
      andOthers: (n) => `et ${n} autre${n > 1 ? 's' : ''}`,
    };
  }
  const period =
    breach.occurredFrom !== undefined && breach.occurredTo !== undefined
      ? ` The data date from ${formatDate(breach.occurredFrom, 'en')} to ${formatDate(breach.occurredTo, 'en')}.`
      : '';
  return {
    lang,
    dateLine: `${config.controller.address.city}, ${formatDate(issuedAt, 'en')}`,
    referenceLabel: 'Reference:',
    subject: 'Your personal data were exposed – individual notice (GDPR, article 34)',
    opening: [
      { kind: 'body', text: 'Dear Sir or Madam,' },
      { kind: 'body', text: `${breach.summary.en}${period} We learnt of it on ${formatDate(breach.discoveredAt, 'en')}. Your data were in this file. We are writing to tell you what this means and what you can do.` },
    ],
    labsLabel: 'Laboratories you visited:',
    categoriesLabel: 'Information about you in the file:',
    middle: [
      { kind: 'heading', text: 'The risks for you' },
      {
        kind: 'body',
        text:
          breach.consequences?.en ??
          'Someone could use this information to send you convincing fake messages (phishing), pretend to be you (identity theft), reveal information about your health, or sign in to your accounts if you reuse a password.',
      },
      { kind: 'heading', text: 'What we have done' },
      ...measures,
      { kind: 'heading', text: 'What you can do' },
      { kind: 'bullet', text: 'Be wary of unexpected messages and calls. We will never ask for your password, bank details or social security number by phone, text or e-mail.' },
      { kind: 'bullet', text: 'Change the password of the laboratory’s results website, and any identical password you use elsewhere.' },
      { kind: 'bullet', text: 'For help with a scam: www.cybermalveillance.gouv.fr. If someone uses your identity, ask the Banque de France for a FICOBA check (accounts opened in your name).' },
      {
        kind: 'bullet',
        text: `You can file a complaint (police, gendarmerie or online) quoting this letter’s reference${breach.complaintReference === undefined ? '' : ` and that of our complaint, ${breach.complaintReference}`}.`,
      },
      { kind: 'heading', text: 'Check that this letter comes from us' },
      { kind: 'body', text: `Type the address ${portal} into your browser yourself (never follow a link received in a message), then enter the code below. You will see the details of your data, partly hidden.` },
    ],
    codeLabel: 'Your code:',
    closing: [
      { kind: 'heading', text: 'Contact us' },
      { kind: 'body', text: `Information line: ${config.phoneLine.number}, ${config.phoneLine.hours.en}. Data protection officer: ${dpo.name}, ${dpo.email}${dpo.phone === undefined ? '' : `, ${dpo.phone}`}.` },
      { kind: 'body', text: CNIL.en },
      { kind: 'body', text: 'We sincerely apologise for this situation and for the worry it may cause you.' },
      ...sign.map((text): Paragraph => ({ kind: 'body', text })),
      ...(other === 'fr' ? [{ kind: 'small', text: `Français : cette lettre vous informe que vos données personnelles ont été exposées lors d’une fuite. Pour la lire en français, tapez ${portal} dans votre navigateur et saisissez le code ci-dessus.` } as Paragraph] : []),
    ],
    categoryLabels: CATEGORY_LABELS.en,
    andOthers: (n) => `and ${n} other${n > 1 ? 's' : ''}`,
  };
}
