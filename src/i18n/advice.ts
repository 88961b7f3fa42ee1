// What a person can do, per kind of risk, in plain words (DATA.md §5 "likely consequences" and "what the person can
// do"), in French and English. The portal shows the topics that the person's data categories call for; letters and
// e-mails can reuse the same texts. Written for people, not lawyers: short sentences, one action per line.

import type { Category } from '../identifiers/categories.js';
import type { Lang } from './categories.js';

export const ADVICE_IDS = ['phishing', 'ameli', 'sim_swap', 'passwords', 'blackmail', 'identity_theft'] as const;
export type AdviceId = (typeof ADVICE_IDS)[number];

export interface AdviceText {
  title: string;
  /** What could happen, in one or two sentences. */
  risk: string;
  /** What to do, one action per item. */
  actions: string[];
}

export interface AdviceTopic {
  id: AdviceId;
  /** The topic applies when any of these categories is in the person's data. */
  categories: readonly Category[];
  text: Readonly<Record<Lang, AdviceText>>;
}

export const ADVICE: readonly AdviceTopic[] = [
  {
    id: 'phishing',
    categories: ['identity', 'email', 'phone', 'postal_address', 'lab_visit', 'physician', 'insurer'],
    text: {
      fr: {
        title: 'Des messages qui citent votre passage au laboratoire',
        risk:
          'Des escrocs peuvent vous écrire, vous envoyer un SMS ou vous appeler en citant des détails vrais (votre laboratoire, ' +
          'votre médecin, la date d’une prise de sang) pour paraître sérieux, puis vous demander de l’argent, vos coordonnées ' +
          'bancaires ou un mot de passe.',
        actions: [
          'Le laboratoire ne vous demandera jamais votre mot de passe, vos coordonnées bancaires ou votre numéro de sécurité sociale, ni par téléphone, ni par SMS, ni par e-mail.',
          'Ne cliquez pas sur un lien reçu sans l’avoir demandé : tapez vous-même l’adresse du site que vous connaissez.',
          'En cas de doute au téléphone, raccrochez et rappelez le numéro que vous connaissez déjà.',
          'Transférez les SMS suspects au 33700 (gratuit).',
        ],
      },
      en: {
        title: 'Messages that quote your visit to the laboratory',
        risk:
          'Fraudsters may write, text or call you quoting true details (your laboratory, your doctor, the date of a blood test) ' +
          'to seem genuine, then ask you for money, your bank details or a password.',
        actions: [
          'The laboratory will never ask for your password, your bank details or your social security number, by phone, text message or e-mail.',
          'Do not click a link you did not ask for: type the address of the website you know yourself.',
          'If in doubt on the phone, hang up and call back the number you already know.',
          'Forward suspicious text messages to 33700 (free).',
        ],
      },
    },
  },
  {
    id: 'ameli',
    categories: ['nir', 'insurer'],
    text: {
      fr: {
        title: 'Votre compte de l’Assurance Maladie (ameli) et votre mutuelle',
        risk:
          'Avec votre numéro de sécurité sociale et votre date de naissance, quelqu’un peut essayer d’entrer dans votre compte ' +
          'ameli ou de se faire passer pour vous auprès de votre mutuelle, par exemple pour changer le compte où vos remboursements sont versés.',
        actions: [
          'Allez sur ameli.fr en tapant l’adresse vous-même, vérifiez votre téléphone, votre e-mail et votre compte bancaire, et changez votre mot de passe.',
          'L’Assurance Maladie ne demande jamais vos coordonnées bancaires par SMS ou par e-mail, par exemple pour « renouveler votre carte Vitale ».',
          'Lisez vos relevés de remboursement : signalez tout soin que vous n’avez pas reçu.',
        ],
      },
      en: {
        title: 'Your health insurance account (ameli) and your top-up insurer',
        risk:
          'With your social security number and date of birth, someone may try to get into your ameli account or pass for you with ' +
          'your insurer, for example to change the bank account your refunds are paid into.',
        actions: [
          'Go to ameli.fr by typing the address yourself, check your phone, e-mail and bank account there, and change your password.',
          'The national health insurance never asks for your bank details by text message or e-mail, for example to "renew your Carte Vitale".',
          'Read your refund statements: report any care you did not receive.',
        ],
      },
    },
  },
  {
    id: 'sim_swap',
    categories: ['phone'],
    text: {
      fr: {
        title: 'Votre ligne de téléphone mobile',
        risk:
          'Un escroc qui connaît votre nom, votre date de naissance et votre numéro peut demander à votre opérateur une nouvelle carte SIM ' +
          'à votre nom, puis recevoir à votre place les codes que votre banque envoie par SMS.',
        actions: [
          'Demandez à votre opérateur de protéger votre ligne (un code secret pour tout changement de carte SIM).',
          'Si votre téléphone affiche soudain « aucun service », appelez tout de suite votre opérateur et votre banque depuis un autre téléphone.',
          'Si votre banque le propose, validez vos paiements dans son application plutôt que par SMS.',
        ],
      },
      en: {
        title: 'Your mobile phone line',
        risk:
          'A fraudster who knows your name, date of birth and number may ask your operator for a new SIM card in your name, then ' +
          'receive the codes your bank sends by text message instead of you.',
        actions: [
          'Ask your operator to protect your line (a secret code for any SIM card change).',
          'If your phone suddenly shows "no service", call your operator and your bank at once from another phone.',
          'If your bank offers it, approve payments in its app rather than by text message.',
        ],
      },
    },
  },
  {
    id: 'passwords',
    categories: ['portal_credentials'],
    text: {
      fr: {
        title: 'Vos mots de passe',
        risk:
          'L’identifiant et le mot de passe du site de résultats du laboratoire étaient dans le fichier, lisibles. Quelqu’un peut ' +
          'les essayer sur votre messagerie, votre banque ou d’autres sites.',
        actions: [
          'Changez le mot de passe du site de résultats du laboratoire.',
          'Changez-le aussi partout où vous utilisiez le même ou un mot de passe proche (surtout s’il contient votre date de naissance), en commençant par votre messagerie.',
          'Utilisez un mot de passe différent pour chaque site ; un gestionnaire de mots de passe aide à s’en souvenir.',
          'Activez la « validation en deux étapes » de votre messagerie si elle la propose.',
        ],
      },
      en: {
        title: 'Your passwords',
        risk:
          "The login and password of the laboratory's results website were in the file, readable. Someone may try them on your " +
          'e-mail, your bank or other websites.',
        actions: [
          "Change the password of the laboratory's results website.",
          'Change it too wherever you used the same or a similar password (above all if it contains your date of birth), starting with your e-mail.',
          'Use a different password for each website; a password manager helps you remember them.',
          'Turn on "two-step verification" for your e-mail if it offers it.',
        ],
      },
    },
  },
  {
    id: 'blackmail',
    categories: ['health_comment', 'blood_group'],
    text: {
      fr: {
        title: 'Des informations de santé et le chantage',
        risk:
          'Quelqu’un pourrait menacer de révéler des informations sur votre santé si vous ne payez pas. C’est un délit, et vous n’êtes pas seul.',
        actions: [
          'Ne payez pas et ne répondez pas : payer n’arrête pas le chantage.',
          'Gardez les messages (faites des captures d’écran) et portez plainte au commissariat ou à la gendarmerie.',
          'Parlez-en à une personne de confiance. Le 116 006 (France Victimes, gratuit, 7 jours sur 7) peut vous écouter et vous aider.',
        ],
      },
      en: {
        title: 'Health information and blackmail',
        risk:
          'Someone might threaten to reveal information about your health unless you pay. That is a crime, and you are not alone.',
        actions: [
          'Do not pay and do not answer: paying does not stop blackmail.',
          'Keep the messages (take screenshots) and file a complaint at a police or gendarmerie station.',
          'Talk to someone you trust. 116 006 (France Victimes, free, 7 days a week) can listen to you and help.',
        ],
      },
    },
  },
  {
    id: 'identity_theft',
    categories: ['nir', 'birth_date', 'postal_address'],
    text: {
      fr: {
        title: 'Quelqu’un qui utiliserait votre identité',
        risk:
          'Avec votre nom, votre date de naissance, votre adresse et votre numéro de sécurité sociale, quelqu’un pourrait essayer ' +
          'd’ouvrir un compte, de prendre un crédit ou un abonnement à votre nom.',
        actions: [
          'Surveillez vos relevés bancaires et votre courrier : un crédit ou un abonnement que vous ne connaissez pas doit vous alerter.',
          'Si quelqu’un a utilisé votre identité, portez plainte, puis demandez à votre centre des finances publiques la liste des comptes bancaires ouverts à votre nom (fichier FICOBA).',
          'Le site cybermalveillance.gouv.fr explique pas à pas ce qu’il faut faire.',
        ],
      },
      en: {
        title: 'Someone using your identity',
        risk:
          'With your name, date of birth, address and social security number, someone might try to open an account, take out a loan ' +
          'or a subscription in your name.',
        actions: [
          'Watch your bank statements and your mail: a loan or subscription you do not know about should alert you.',
          'If someone has used your identity, file a complaint, then ask your tax office (centre des finances publiques) for the list of bank accounts opened in your name (the FICOBA file).',
          'The website cybermalveillance.gouv.fr explains step by step what to do.',
        ],
      },
    },
  },
];

/** The topics the categories call for, in the order of ADVICE. */
export function adviceFor(categories: readonly Category[]): AdviceTopic[] {
  const present = new Set(categories);
  return ADVICE.filter((topic) => topic.categories.some((c) => present.has(c)));
}

/** Where to get help whatever the data: public services, named so that people can type the address themselves. */
export const HELP_LINKS: Readonly<Record<Lang, readonly { name: string; url: string; what: string }[]>> = {
  fr: [
    { name: 'cybermalveillance.gouv.fr', url: 'https://www.cybermalveillance.gouv.fr/', what: 'le service public d’aide aux victimes d’arnaques et de piratage : conseils et professionnels près de chez vous.' },
    { name: 'FICOBA', url: 'https://www.impots.gouv.fr/', what: 'la liste des comptes bancaires ouverts à votre nom, à demander à votre centre des finances publiques si vous pensez que quelqu’un a utilisé votre identité.' },
    { name: 'CNIL', url: 'https://www.cnil.fr/fr/plaintes', what: 'l’autorité de protection des données : vous pouvez lui adresser une réclamation si vous pensez que vos données n’ont pas été protégées comme il faut.' },
  ],
  en: [
    { name: 'cybermalveillance.gouv.fr', url: 'https://www.cybermalveillance.gouv.fr/', what: 'the public service that helps victims of scams and hacking: advice, and professionals near you.' },
    { name: 'FICOBA', url: 'https://www.impots.gouv.fr/', what: 'the list of bank accounts opened in your name, which you can ask your tax office for if you think someone has used your identity.' },
    { name: 'CNIL', url: 'https://www.cnil.fr/fr/plaintes', what: 'the data protection authority: you can complain to it if you think your data were not protected as they should have been.' },
  ],
};
