// Every sentence of the portal, in French and English (the same keys in both: the type says so). Plain words for
// people who are worried, often older, often on a phone. Controller-specific facts (name, dates, measures, contacts)
// come from controller.json; without it the wording stays generic.

import type { Lang } from './categories.js';

const fr = {
  siteName: 'Vigie',
  skip: 'Aller au contenu',
  langName: 'Français',
  otherLangLabel: 'English version',
  navLabel: 'Menu',
  nav: {
    check: 'Vérifier',
    notice: 'J’ai reçu un courrier',
    genuine: 'Ce message est-il vrai ?',
    technical: 'Comment c’est protégé',
  },
  tagline: (controller: string | null) =>
    controller === null ? 'Fuite de données d’un laboratoire : êtes-vous concerné ?' : `${controller} : fuite de données, êtes-vous concerné ?`,
  footer: (controller: string | null) =>
    controller === null
      ? 'Ce service est proposé par le laboratoire responsable des données. Il ne dépose aucun cookie et n’utilise aucun service extérieur.'
      : `Ce service est proposé par ${controller}. Il ne dépose aucun cookie et n’utilise aucun service extérieur.`,
  noScript: 'Cette page a besoin de JavaScript pour vérifier sans envoyer vos informations en clair. Vous pouvez aussi appeler le numéro indiqué sur le courrier du laboratoire.',

  // Check page
  checkTitle: 'Vos données sont-elles dans la fuite ?',
  checkIntro: 'Remplissez un ou plusieurs champs, puis appuyez sur « Vérifier ». Chaque information est vérifiée séparément.',
  safeTitle: 'Pourquoi c’est sans risque',
  safeText:
    'Ce que vous tapez ne quitte jamais votre appareil en clair : votre téléphone ou votre ordinateur le transforme d’abord en un code ' +
    'brouillé que personne, pas même nous, ne peut relire. Le serveur ne sait donc pas ce que vous vérifiez.',
  safeMore: 'Comment c’est protégé',
  fieldNir: 'Numéro de sécurité sociale',
  fieldNirHint: '13 ou 15 chiffres, sur votre carte Vitale. Exemple : 2 55 08 14 168 025 38',
  fieldEmail: 'Adresse e-mail',
  fieldEmailHint: 'Exemple : jean.dupont@exemple.fr',
  fieldPhone: 'Numéro de téléphone',
  fieldPhoneHint: 'Fixe ou portable. Exemple : 06 12 34 56 78',
  personLegend: 'Nom, prénom et date de naissance (les trois ensemble)',
  fieldLastName: 'Nom',
  fieldLastNameHint: 'Nom d’usage, ou nom de naissance',
  fieldFirstName: 'Prénom',
  fieldBirthDate: 'Date de naissance',
  fieldBirthDateHint: 'jour/mois/année, par exemple 14/07/1990',
  submit: 'Vérifier',
  checking: 'Vérification en cours…',
  nothingTyped: 'Remplissez au moins un champ.',
  fixErrors: 'Une information est à corriger : voyez le message sous le champ.',
  errors: {
    nir: 'Ce numéro ne ressemble pas à un numéro de sécurité sociale : il a 13 chiffres (15 avec la clé). Vérifiez-le sur votre carte Vitale.',
    nirKey: 'Vérifiez les deux derniers chiffres (la clé) : ils ne correspondent pas au reste du numéro. Nous avons quand même vérifié le numéro sans la clé.',
    email: 'Cette adresse e-mail n’est pas complète. Exemple : jean.dupont@exemple.fr',
    phone: 'Ce numéro de téléphone n’est pas valide. Tapez-le comme vous le composez, par exemple 06 12 34 56 78.',
    lastName: 'Tapez votre nom (avec le prénom et la date de naissance).',
    firstName: 'Tapez votre prénom (avec le nom et la date de naissance).',
    birthDate: 'Tapez la date de naissance sous la forme jour/mois/année, par exemple 14/07/1990.',
    failed: 'La vérification n’a pas abouti. Vérifiez votre connexion et réessayez dans un instant.',
    busy: 'Beaucoup de vérifications ont été faites depuis votre connexion. Réessayez dans quelques minutes.',
    proof: 'La réponse du serveur n’a pas pu être vérifiée : par prudence, aucun résultat n’est affiché. Réessayez plus tard.',
  },

  // Result
  resultTitle: 'Résultat',
  resultFound: 'Oui, des données vous concernant sont dans la fuite.',
  resultNotFound: 'Nous n’avons rien trouvé avec ce que vous avez tapé.',
  perIdentifier: 'Ce qui a été vérifié',
  found: 'trouvé dans la fuite',
  notFound: 'pas trouvé',
  breachDates: 'Dates',
  occurred: (from: string | null, to: string | null) =>
    from !== null && to !== null ? `Données de ${from} à ${to}` : to !== null ? `Données jusqu’à ${to}` : from !== null ? `Données depuis ${from}` : null,
  discovered: (d: string) => `Fuite découverte le ${d}`,
  responsible: (name: string) => `Responsable : ${name}`,
  whatLeaked: 'Ce qui vous concerne dans le fichier',
  whatToDo: 'Ce que vous pouvez faire maintenant',
  whatLabDid: 'Ce que le laboratoire a fait',
  labDidGeneric: 'Le laboratoire vous écrira pour vous expliquer ce qu’il a fait. Vous pouvez aussi le lui demander.',
  helpTitle: 'Où trouver de l’aide',
  contactTitle: 'Qui contacter',
  dpo: (name: string, email: string) => `Délégué à la protection des données : ${name}, ${email}`,
  phoneLine: (number: string, hours: string) => `Ligne d’information : ${number} (${hours})`,
  contactGeneric: 'Appelez le numéro indiqué sur le courrier du laboratoire, ou écrivez à son délégué à la protection des données.',
  notFoundTitle: 'Ce que « pas trouvé » veut dire',
  notFoundMeans: [
    'Ce que vous avez tapé n’est pas dans le fichier volé, tel que le laboratoire l’a reçu.',
    'Cela ne prouve pas que vous n’êtes pas concerné : le fichier peut contenir un ancien numéro de téléphone, une ancienne adresse e-mail, votre nom de naissance, ou une faute de frappe.',
    'Essayez d’autres informations (par exemple votre numéro de sécurité sociale, ou votre nom de naissance).',
    'Si vous avez reçu un courrier du laboratoire, le code qui y est imprimé vous montre votre avis personnel.',
  ],
  checkAgain: 'Vérifier d’autres informations',

  // Notice page
  noticeTitle: 'J’ai reçu un courrier ou un e-mail du laboratoire',
  noticeIntro:
    'Tapez le code imprimé sur votre courrier (16 lettres et chiffres, par exemple ABCD-EFGH-JKMN-PQRS). Vous verrez l’avis qui vous ' +
    'est destiné et la preuve que le courrier est authentique.',
  noticeSafe: 'Le code ne quitte pas votre appareil : il sert à ouvrir votre avis ici, sur votre écran.',
  fieldCode: 'Code du courrier',
  fieldCodeHint: 'Majuscules ou minuscules, avec ou sans tirets',
  openNotice: 'Ouvrir mon avis',
  opening: 'Ouverture…',
  codeInvalid: 'Ce code n’a pas la bonne forme : il a 16 lettres et chiffres. Vérifiez-le sur votre courrier.',
  codeUnknown: 'Aucun avis ne correspond à ce code.',
  noticeGenuine: 'Ce courrier est authentique : il a bien été envoyé par le laboratoire.',
  noticeReference: (ref: string) => `Référence de votre avis : ${ref}`,
  noticeIssued: (d: string) => `Envoyé le ${d}`,
  noticeLabs: 'Laboratoires où vous êtes venu',
  noticeValues: 'Les informations vous concernant (en partie masquées)',
  maskedLabels: { name: 'Nom', nir: 'Numéro de sécurité sociale', email: 'E-mail', phone: 'Téléphone', postcode: 'Code postal' },

  // Complaint
  complaintTitle: 'Porter plainte',
  complaintIntro:
    'Vous pouvez porter plainte auprès du procureur de la République. Cette page prépare la lettre : complétez-la, imprimez-la, signez-la ' +
    'et envoyez-la en recommandé avec accusé de réception au tribunal judiciaire de votre domicile.',
  complaintPrivate: 'Ce que vous tapez ici reste sur votre appareil : la lettre est fabriquée par votre navigateur.',
  complaintFrenchOnly: '',
  cLastName: 'Nom',
  cFirstName: 'Prénom',
  cBirthDate: 'Date de naissance',
  cBirthPlace: 'Lieu de naissance',
  cAddress: 'Adresse',
  cAddressHint: 'Rue, code postal et ville, sur une ou plusieurs lignes',
  cContact: 'Téléphone ou e-mail (facultatif)',
  cCourt: 'Ville du tribunal judiciaire',
  cCourtHint: 'En général la grande ville la plus proche de chez vous',
  cHarm: 'Ce qui vous est arrivé depuis (facultatif)',
  cHarmHint: 'Par exemple : appels ou SMS frauduleux, chantage, argent perdu, inquiétude',
  cReference: 'Référence du courrier du laboratoire (facultatif)',
  cDownload: 'Télécharger la lettre (PDF)',
  cMissing: 'Remplissez votre nom, prénom, date et lieu de naissance, adresse et la ville du tribunal.',
  cReady: 'La lettre est prête : elle est dans vos téléchargements.',

  // "Is this message genuine?"
  genuineTitle: 'Ce message vient-il vraiment du laboratoire ?',
  genuineIntro:
    'Après une fuite, des escrocs envoient de faux messages qui ont l’air officiels. Voici comment le laboratoire vous contactera, et comment il ne le fera jamais.',
  willTitle: 'Le laboratoire peut',
  will: [
    'vous envoyer un courrier postal avec un code personnel à 16 caractères ;',
    'vous envoyer un e-mail qui reprend ce code, sans lien pour vous connecter et sans aucune donnée de santé ;',
    'vous répondre si vous appelez vous-même sa ligne d’information.',
  ],
  neverTitle: 'Le laboratoire ne vous demandera jamais',
  never: [
    'votre mot de passe, même « pour vérifier votre compte » ;',
    'vos coordonnées bancaires, ni un paiement, ni un code reçu par SMS ;',
    'votre numéro de sécurité sociale par téléphone, SMS ou e-mail ;',
    'd’installer une application ou de cliquer sur un lien pour « voir vos résultats ».',
  ],
  howCheckTitle: 'Comment vérifier un courrier ou un e-mail',
  howCheck: [
    'Ne suivez pas le lien du message : tapez vous-même l’adresse de ce site.',
    'Ouvrez la page « J’ai reçu un courrier » et tapez le code : si le message est vrai, votre avis s’affiche.',
    'Au téléphone, raccrochez et rappelez le numéro que vous connaissez, jamais celui donné par l’appelant.',
  ],
  fakesTitle: 'À quoi ressemblent les faux messages après cette fuite',
  fakesIntro: 'Ils peuvent citer des informations vraies, puisque le fichier en contenait. Par exemple :',
  fakes: {
    identity: 'votre nom, votre sexe, et parfois le nom de votre conjoint ;',
    birth_date: 'votre date de naissance, pour avoir l’air d’un service officiel ;',
    postal_address: 'votre adresse, dans un faux courrier ou un faux avis de passage ;',
    email: 'un e-mail à votre adresse, qui imite le laboratoire, l’Assurance Maladie ou votre banque ;',
    phone: 'un SMS ou un appel à votre numéro (« votre analyse est disponible, cliquez ici ») ;',
    nir: 'votre numéro de sécurité sociale, pour vous faire croire à un appel de l’Assurance Maladie ;',
    insurer: 'le nom de votre mutuelle (« un remboursement vous attend ») ;',
    physician: 'le nom de votre médecin, pour gagner votre confiance ;',
    blood_group: 'votre groupe sanguin ;',
    health_comment: 'des informations sur votre santé, parfois avec une menace de les révéler (chantage) ;',
    portal_credentials: 'votre ancien mot de passe du site de résultats, pour vous faire peur ;',
    lab_visit: 'le nom de votre laboratoire et la date d’une prise de sang.',
  },
  fakesGeneric: 'votre nom, votre laboratoire, la date d’une prise de sang, votre médecin ou votre numéro de sécurité sociale.',
  reportTitle: 'Vous avez reçu un message suspect ?',
  report: [
    'Ne répondez pas et ne payez rien.',
    'Transférez les SMS suspects au 33700 (gratuit).',
    'Trouvez de l’aide sur cybermalveillance.gouv.fr.',
  ],

  // Technical page
  techTitle: 'Comment vos informations sont protégées',
  techIntro:
    'Cette page explique, pour les curieux et les spécialistes, ce que le serveur voit et ne voit pas quand vous vérifiez.',
  techSeesTitle: 'Ce que le serveur reçoit',
  techSees: [
    'Pour chaque information vérifiée, un nombre brouillé au hasard (« élément aveuglé », RFC 9497), que le serveur transforme avec sa clé secrète sans pouvoir le lire.',
    'Le numéro d’un « seau » : quelques bits d’une empreinte de l’information, partagés par une foule d’autres personnes possibles. Tous les seaux ont la même taille.',
    'Votre adresse IP, comme pour toute page web, qui sert à limiter le nombre de vérifications par connexion.',
  ],
  techNotTitle: 'Ce que le serveur ne reçoit jamais',
  techNot: [
    'Ce que vous tapez, sous aucune forme lisible : ni votre numéro, ni votre e-mail, ni votre téléphone, ni votre nom.',
    'Le résultat : c’est votre navigateur qui ouvre le seau et regarde si vous y êtes.',
    'Le code de votre courrier : votre navigateur en tire un identifiant et une clé ; le serveur ne garde que l’avis chiffré, qu’il ne peut pas lire.',
    'Aucun cookie, aucun outil de mesure d’audience, aucun service extérieur.',
  ],
  techStoreTitle: 'Ce que le serveur garde',
  techStore:
    'Le fichier volé a été lu une seule fois. Le serveur ne garde aucun nom, numéro ou adresse lisible : seulement des valeurs calculées avec une clé ' +
    'secrète et des entrées chiffrées. Sans cette clé, une copie de la base ne permet pas de tester des numéros.',
  techKeyTitle: 'La clé publique du serveur',
  techKeyText:
    'À chaque vérification, le serveur joint une preuve mathématique (DLEQ) que votre navigateur contrôle avec cette clé publique. Ainsi le serveur ne peut pas ' +
    'utiliser une autre clé pour vous reconnaître. Comparez-la avec celle que le laboratoire publie sur son propre site ou dans son courrier.',
  techKeyId: 'Identifiant de la clé',
  techPublicKey: 'Clé publique (ristretto255, base64url)',
  techIndexId: 'Version de l’index',
  techNoIndex: 'Aucun index n’est encore publié.',
  techVerifyTitle: 'Vérifier vous-même',
  techVerify: 'La clé est publiée à l’adresse /v1/keys ; le protocole est décrit dans /v1/openapi.json. Avec le programme en ligne de commande :',
  techSource: 'Le code de ce service est libre (licence AGPL) : chacun peut vérifier ce qu’il fait.',

  notFoundPageTitle: 'Page introuvable',
  notFoundPageText: 'Cette adresse ne correspond à aucune page. Vérifiez-la, ou choisissez une page ci-dessous.',
} as const;

type Widen<T> = T extends string ? string : T extends readonly string[] ? readonly string[] : T extends (...args: infer A) => infer R ? (...args: A) => R : { readonly [K in keyof T]: Widen<T[K]> };
export type PortalTexts = Widen<typeof fr>;

const en: PortalTexts = {
  siteName: 'Vigie',
  skip: 'Skip to content',
  langName: 'English',
  otherLangLabel: 'Version française',
  navLabel: 'Menu',
  nav: {
    check: 'Check',
    notice: 'I received a letter',
    genuine: 'Is this message real?',
    technical: 'How it is protected',
  },
  tagline: (controller) => (controller === null ? 'Laboratory data leak: are you affected?' : `${controller}: data leak, are you affected?`),
  footer: (controller) =>
    controller === null
      ? 'This service is run by the laboratory responsible for the data. It sets no cookie and uses no outside service.'
      : `This service is run by ${controller}. It sets no cookie and uses no outside service.`,
  noScript: "This page needs JavaScript to check without sending your information in clear. You can also call the number on the laboratory's letter.",

  checkTitle: 'Is your data in the leak?',
  checkIntro: 'Fill in one or more fields, then press "Check". Each piece of information is checked separately.',
  safeTitle: 'Why it is safe',
  safeText:
    'What you type never leaves your device in clear: your phone or computer first turns it into a scrambled code that nobody, not even us, ' +
    'can read back. So the server does not know what you are checking.',
  safeMore: 'How it is protected',
  fieldNir: 'Social security number',
  fieldNirHint: '13 or 15 digits, on your Carte Vitale. Example: 2 55 08 14 168 025 38',
  fieldEmail: 'E-mail address',
  fieldEmailHint: 'Example: jean.dupont@example.fr',
  fieldPhone: 'Phone number',
  fieldPhoneHint: 'Landline or mobile. Example: 06 12 34 56 78',
  personLegend: 'Last name, first name and date of birth (all three together)',
  fieldLastName: 'Last name',
  fieldLastNameHint: 'Current name, or birth name',
  fieldFirstName: 'First name',
  fieldBirthDate: 'Date of birth',
  fieldBirthDateHint: 'day/month/year, for example 14/07/1990',
  submit: 'Check',
  checking: 'Checking…',
  nothingTyped: 'Fill in at least one field.',
  fixErrors: 'Something needs correcting: see the message under the field.',
  errors: {
    nir: 'This does not look like a social security number: it has 13 digits (15 with the key). Check it on your Carte Vitale.',
    nirKey: 'Check the last two digits (the key): they do not match the rest of the number. We checked the number without the key anyway.',
    email: 'This e-mail address is not complete. Example: jean.dupont@example.fr',
    phone: 'This phone number is not valid. Type it as you dial it, for example 06 12 34 56 78.',
    lastName: 'Type your last name (with the first name and date of birth).',
    firstName: 'Type your first name (with the last name and date of birth).',
    birthDate: 'Type the date of birth as day/month/year, for example 14/07/1990.',
    failed: 'The check did not complete. Check your connection and try again in a moment.',
    busy: 'Many checks were made from your connection. Try again in a few minutes.',
    proof: "The server's answer could not be verified: to be safe, no result is shown. Try again later.",
  },

  resultTitle: 'Result',
  resultFound: 'Yes, data about you is in the leak.',
  resultNotFound: 'We found nothing with what you typed.',
  perIdentifier: 'What was checked',
  found: 'found in the leak',
  notFound: 'not found',
  breachDates: 'Dates',
  occurred: (from, to) =>
    from !== null && to !== null ? `Data from ${from} to ${to}` : to !== null ? `Data until ${to}` : from !== null ? `Data since ${from}` : null,
  discovered: (d) => `Leak discovered on ${d}`,
  responsible: (name) => `Responsible: ${name}`,
  whatLeaked: 'What the file holds about you',
  whatToDo: 'What you can do now',
  whatLabDid: 'What the laboratory has done',
  labDidGeneric: 'The laboratory will write to you to explain what it has done. You can also ask it.',
  helpTitle: 'Where to get help',
  contactTitle: 'Whom to contact',
  dpo: (name, email) => `Data protection officer: ${name}, ${email}`,
  phoneLine: (number, hours) => `Information line: ${number} (${hours})`,
  contactGeneric: "Call the number on the laboratory's letter, or write to its data protection officer.",
  notFoundTitle: 'What "not found" means',
  notFoundMeans: [
    'What you typed is not in the stolen file, as the laboratory received it.',
    'It does not prove you are not affected: the file may hold an old phone number, an old e-mail address, your birth name, or a typing mistake.',
    'Try other information (for example your social security number, or your birth name).',
    'If you received a letter from the laboratory, the code printed on it shows you your own notice.',
  ],
  checkAgain: 'Check other information',

  noticeTitle: 'I received a letter or an e-mail from the laboratory',
  noticeIntro:
    'Type the code printed on your letter (16 letters and digits, for example ABCD-EFGH-JKMN-PQRS). You will see the notice meant for you, ' +
    'and the proof that the letter is genuine.',
  noticeSafe: 'The code does not leave your device: it opens your notice here, on your screen.',
  fieldCode: 'Code on the letter',
  fieldCodeHint: 'Capitals or small letters, with or without dashes',
  openNotice: 'Open my notice',
  opening: 'Opening…',
  codeInvalid: 'This code does not have the right form: it has 16 letters and digits. Check it on your letter.',
  codeUnknown: 'No notice matches this code.',
  noticeGenuine: 'This letter is genuine: it was sent by the laboratory.',
  noticeReference: (ref) => `Reference of your notice: ${ref}`,
  noticeIssued: (d) => `Sent on ${d}`,
  noticeLabs: 'Laboratories you visited',
  noticeValues: 'Information about you (partly hidden)',
  maskedLabels: { name: 'Name', nir: 'Social security number', email: 'E-mail', phone: 'Phone', postcode: 'Postcode' },

  complaintTitle: 'File a complaint',
  complaintIntro:
    'You can file a complaint with the public prosecutor (procureur de la République). This page prepares the letter: fill it in, print it, ' +
    'sign it and send it by registered post with acknowledgement of receipt to the court (tribunal judiciaire) of where you live.',
  complaintPrivate: 'What you type here stays on your device: your browser makes the letter.',
  complaintFrenchOnly: 'The letter is written in French, the language of the French courts.',
  cLastName: 'Last name',
  cFirstName: 'First name',
  cBirthDate: 'Date of birth',
  cBirthPlace: 'Place of birth',
  cAddress: 'Address',
  cAddressHint: 'Street, postcode and town, on one or more lines',
  cContact: 'Phone or e-mail (optional)',
  cCourt: 'Town of the court (tribunal judiciaire)',
  cCourtHint: 'Usually the nearest large town to where you live',
  cHarm: 'What has happened to you since (optional)',
  cHarmHint: 'For example: fraudulent calls or texts, blackmail, money lost, worry',
  cReference: "Reference of the laboratory's letter (optional)",
  cDownload: 'Download the letter (PDF)',
  cMissing: 'Fill in your last name, first name, date and place of birth, address and the town of the court.',
  cReady: 'The letter is ready: it is in your downloads.',

  genuineTitle: 'Is this message really from the laboratory?',
  genuineIntro:
    'After a leak, fraudsters send fake messages that look official. Here is how the laboratory will contact you, and how it never will.',
  willTitle: 'The laboratory may',
  will: [
    'send you a letter by post with a personal 16-character code;',
    'send you an e-mail repeating that code, with no sign-in link and no health information at all;',
    'answer you when you call its information line yourself.',
  ],
  neverTitle: 'The laboratory will never ask you for',
  never: [
    'your password, not even "to verify your account";',
    'your bank details, a payment, or a code you received by text message;',
    'your social security number by phone, text message or e-mail;',
    'to install an app or click a link "to see your results".',
  ],
  howCheckTitle: 'How to check a letter or an e-mail',
  howCheck: [
    "Do not follow the message's link: type this website's address yourself.",
    'Open the page "I received a letter" and type the code: if the message is real, your notice appears.',
    'On the phone, hang up and call back the number you know, never the one the caller gives.',
  ],
  fakesTitle: 'What fake messages after this leak look like',
  fakesIntro: 'They may quote true information, since the file held some. For example:',
  fakes: {
    identity: "your name, your sex, and sometimes your spouse's name;",
    birth_date: 'your date of birth, to look like an official service;',
    postal_address: 'your address, in a fake letter or a fake delivery notice;',
    email: 'an e-mail to your address imitating the laboratory, the health insurance or your bank;',
    phone: 'a text or a call to your number ("your test result is ready, click here");',
    nir: 'your social security number, to make you believe the health insurance is calling;',
    insurer: 'the name of your top-up insurer ("a refund is waiting for you");',
    physician: "your doctor's name, to win your trust;",
    blood_group: 'your blood group;',
    health_comment: 'information about your health, sometimes with a threat to reveal it (blackmail);',
    portal_credentials: 'your old password of the results website, to frighten you;',
    lab_visit: 'the name of your laboratory and the date of a blood test.',
  },
  fakesGeneric: 'your name, your laboratory, the date of a blood test, your doctor or your social security number.',
  reportTitle: 'Did you receive a suspicious message?',
  report: ['Do not answer and do not pay anything.', 'Forward suspicious text messages to 33700 (free).', 'Find help on cybermalveillance.gouv.fr.'],

  techTitle: 'How your information is protected',
  techIntro: 'This page explains, for the curious and for specialists, what the server sees and does not see when you check.',
  techSeesTitle: 'What the server receives',
  techSees: [
    'For each piece of information checked, a randomly scrambled number (a "blinded element", RFC 9497), which the server transforms with its secret key without being able to read it.',
    'The number of a "bucket": a few bits of a fingerprint of the information, shared by a crowd of other possible people. Every bucket has the same size.',
    'Your IP address, as for any web page, used to limit the number of checks per connection.',
  ],
  techNotTitle: 'What the server never receives',
  techNot: [
    'What you type, in any readable form: not your number, your e-mail, your phone or your name.',
    'The result: your browser opens the bucket and looks whether you are in it.',
    'The code of your letter: your browser derives an identifier and a key from it; the server keeps only the encrypted notice, which it cannot read.',
    'No cookie, no audience measurement, no outside service.',
  ],
  techStoreTitle: 'What the server keeps',
  techStore:
    'The stolen file was read once. The server keeps no readable name, number or address: only values computed with a secret key and encrypted entries. ' +
    'Without that key, a copy of the database does not let anyone test numbers.',
  techKeyTitle: "The server's public key",
  techKeyText:
    'With every check the server sends a mathematical proof (DLEQ) that your browser verifies against this public key. So the server cannot use another key ' +
    'to recognise you. Compare it with the key the laboratory publishes on its own website or in its letter.',
  techKeyId: 'Key identifier',
  techPublicKey: 'Public key (ristretto255, base64url)',
  techIndexId: 'Index version',
  techNoIndex: 'No index has been published yet.',
  techVerifyTitle: 'Check it yourself',
  techVerify: 'The key is published at /v1/keys; the protocol is described in /v1/openapi.json. With the command-line program:',
  techSource: 'The code of this service is free software (AGPL licence): anyone can check what it does.',

  notFoundPageTitle: 'Page not found',
  notFoundPageText: 'This address matches no page. Check it, or choose a page below.',
};

export const PORTAL_TEXTS: Readonly<Record<Lang, PortalTexts>> = { fr, en };
