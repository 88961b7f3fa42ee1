// The notice e-mail (GDPR art. 34) for one address: a text part and an HTML part, both languages, no attachment.
// It carries the code(s) and the portal's address typed out, and nothing else about the person: no NIR, no data
// categories (some name health information), no link to click (a link in a breach notice is what phishing imitates).

import type { ControllerConfig, Lang } from '../controller/types.js';
import type { OutboxMessage } from './outbox.js';
import { typedAddress } from './letter-text.js';

export interface ComposedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Words an e-mail must never contain: whoever reads over the person's shoulder learns nothing about their health. */
export const HEALTH_WORDS = [
  'santé', 'médical', 'médicale', 'patient', 'analyse', 'résultat', 'maladie', 'traitement', 'sang', 'sanguin',
  'diagnostic', 'ordonnance', 'prescri', 'grossesse', 'vih', 'cancer', 'health', 'medical', 'blood', 'test result',
  'disease', 'treatment', 'diagnos', 'prescription', 'pregnan', 'hiv',
] as const;

interface Words {
  subject: (controller: string) => string;
  greeting: string;
  intro: (controller: string) => string;
  letterToo: string;
  several: (n: number) => string;
  one: string;
  codeFor: (label: string) => string;
  howTo: (portal: string) => string;
  never: string;
  contact: (phone: string, hours: string, dpo: string) => string;
  apology: string;
}

const WORDS: Record<Lang, Words> = {
  fr: {
    subject: (c) => `${c} : information importante sur vos données personnelles`,
    greeting: 'Madame, Monsieur,',
    intro: (c) => `${c} vous informe que des données personnelles vous concernant ont été exposées lors d’une fuite de données.`,
    letterToo: 'Une lettre vous est aussi adressée par la poste.',
    several: (n) => `Cette adresse e-mail figure dans les dossiers de ${n} personnes. Chacune a son propre code :`,
    one: 'Votre code personnel :',
    codeFor: (label) => `${label} :`,
    howTo: (p) => `Pour savoir quelles données sont concernées et ce que vous pouvez faire, tapez vous-même l’adresse ${p} dans votre navigateur, puis saisissez le code. Ce message ne contient volontairement aucun lien : ne cliquez jamais sur un lien reçu dans un message qui dit venir de nous.`,
    never: 'Nous ne vous demanderons jamais votre mot de passe, vos coordonnées bancaires ou votre numéro de sécurité sociale par téléphone, SMS ou e-mail.',
    contact: (phone, hours, dpo) => `Questions : ${phone}, ${hours} ; ou la personne déléguée à la protection des données (DPO) : ${dpo}. Vous pouvez aussi adresser une réclamation à la CNIL (www.cnil.fr).`,
    apology: 'Nous vous présentons nos sincères excuses.',
  },
  en: {
    subject: (c) => `${c}: important information about your personal data`,
    greeting: 'Dear Sir or Madam,',
    intro: (c) => `${c} is informing you that personal data about you were exposed in a data leak.`,
    letterToo: 'A letter is also on its way to you by post.',
    several: (n) => `This e-mail address is in the records of ${n} people. Each has their own code:`,
    one: 'Your personal code:',
    codeFor: (label) => `${label}:`,
    howTo: (p) => `To find out which data are concerned and what you can do, type the address ${p} into your browser yourself, then enter the code. This message deliberately contains no link: never click a link in a message that claims to come from us.`,
    never: 'We will never ask for your password, bank details or social security number by phone, text or e-mail.',
    contact: (phone, hours, dpo) => `Questions: ${phone}, ${hours}; or our data protection officer (DPO): ${dpo}. You can also complain to the CNIL, the French data protection authority (www.cnil.fr).`,
    apology: 'We sincerely apologise.',
  },
};

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function composeEmail(message: OutboxMessage, config: ControllerConfig): ComposedEmail {
  const order: Lang[] = [message.lang, ...config.languages.filter((l) => l !== message.lang)];
  const portal = typedAddress(config.portalUrl);
  const name = config.controller.name;
  const sections = order.map((lang) => {
    const w = WORDS[lang];
    const codes =
      message.persons.length === 1
        ? { lead: w.one, lines: [message.persons[0]!.code] }
        : { lead: w.several(message.persons.length), lines: message.persons.map((p) => `${w.codeFor(p.label)} ${p.code}`) };
    return {
      lang,
      // Only when every person of the message has a postal address: otherwise the sentence would be false for some.
      paragraphs: [w.greeting, message.persons.every((p) => p.letter === true) ? `${w.intro(name)} ${w.letterToo}` : w.intro(name)],
      codes,
      after: [w.howTo(portal), w.never, w.contact(config.phoneLine.number, config.phoneLine.hours[lang], config.dpo.email), w.apology, name],
    };
  });
  const text = sections
    .map((s) => [...s.paragraphs, s.codes.lead, ...s.codes.lines.map((l) => `    ${l}`), ...s.after].join('\n\n'))
    .join('\n\n--------------------------------\n\n');
  const html =
    '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">' +
    sections
      .map(
        (s) =>
          `<div lang="${s.lang}">${s.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}` +
          `<p>${escapeHtml(s.codes.lead)}</p>` +
          s.codes.lines.map((l) => `<p style="font-family: monospace; font-size: 1.3em; font-weight: bold">${escapeHtml(l)}</p>`).join('') +
          s.after.map((p) => `<p>${escapeHtml(p)}</p>`).join('') +
          '</div>',
      )
      .join('<hr>') +
    '</body></html>';
  return { subject: order.map((lang) => WORDS[lang].subject(name)).join(' / '), text, html };
}
