// A complete example controller.json (`vigie controller init`): every field filled with invented values that
// validate, so the controller edits rather than writes from nothing. Nothing here is real.

import type { ControllerConfig } from './types.js';

export function exampleControllerConfig(): ControllerConfig {
  return {
    version: 1,
    controller: {
      name: 'Laboratoire Exemple',
      legalName: 'Laboratoire Exemple SELAS',
      siren: '000000000',
      address: { lines: ['12 rue de l’Exemple'], postcode: '35000', city: 'Rennes', country: 'France' },
      website: 'https://labo-exemple.example',
    },
    dpo: {
      name: 'Claire Exemple',
      email: 'dpo@labo-exemple.example',
      phone: '02 00 00 00 00',
      address: { lines: ['DPO – Laboratoire Exemple', '12 rue de l’Exemple'], postcode: '35000', city: 'Rennes' },
    },
    phoneLine: {
      number: '0 800 000 000',
      hours: { fr: 'du lundi au vendredi, de 9 h à 18 h (appel gratuit)', en: 'Monday to Friday, 9 am to 6 pm (free call)' },
    },
    portalUrl: 'https://verif.labo-exemple.example',
    languages: ['fr', 'en'],
    labs: { LAB01: 'Laboratoire Exemple – Rennes', LAB02: 'Laboratoire Exemple – Vannes' },
    breaches: [
      {
        id: 'labos-2021',
        title: { fr: 'Fuite de données des laboratoires (2021)', en: 'Laboratory data leak (2021)' },
        occurredFrom: '2015-01-01',
        occurredTo: '2020-10-31',
        discoveredAt: '2021-02-23',
        summary: {
          fr: 'Un fichier extrait du logiciel de gestion de nos laboratoires a été copié sans autorisation puis publié sur internet. Il contenait des informations sur des patients venus entre 2015 et 2020.',
          en: 'A file exported from our laboratories’ management software was copied without authorisation and then published on the internet. It held information about patients who came between 2015 and 2020.',
        },
        measures: [
          { fr: 'Nous avons prévenu la CNIL (l’autorité de protection des données).', en: 'We notified the CNIL (the French data protection authority).' },
          { fr: 'Nous avons porté plainte.', en: 'We filed a criminal complaint.' },
          { fr: 'Nous avons fait retirer le fichier des sites où il était publié.', en: 'We had the file removed from the sites where it was published.' },
          { fr: 'Nous avons corrigé la faille et changé tous les mots de passe de notre portail patient.', en: 'We fixed the flaw and reset every password of our patient portal.' },
        ],
        complaintReference: 'PARQUET-2021-0000',
      },
    ],
    letter: {
      signatory: { name: 'Dr Camille Exemple', title: { fr: 'Directrice', en: 'Director' } },
      referencePrefix: 'LABEX',
      emailFrom: 'Laboratoire Exemple <notification@labo-exemple.example>',
    },
    regulator: {
      sector: 'Santé – laboratoire de biologie médicale',
      legalRepresentative: { name: 'Dr Camille Exemple', title: 'Présidente' },
      contact: { name: 'Claire Exemple', title: 'Déléguée à la protection des données', email: 'dpo@labo-exemple.example', phone: '02 00 00 00 00' },
      processors: [{ name: 'Éditeur Logiciel Exemple', role: 'éditeur et hébergeur du logiciel de gestion du laboratoire', alertedAt: '2021-02-24T10:00:00+01:00' }],
      otherControllers: [],
      breaches: [
        {
          id: 'labos-2021',
          detectedAt: '2021-02-23T09:00:00+01:00',
          awareAt: '2021-02-23T18:00:00+01:00',
          startedAt: '2020-11-01',
          endedAt: '2021-02-23',
          status: 'established',
          howDiscovered: 'Un journaliste nous a signalé la publication du fichier sur un forum.',
          nature: ['confidentiality'],
          origin: 'hacking-malware-phishing',
          cause: 'external-malicious',
          narrative: 'Un fichier exporté du logiciel de gestion a été extrait d’un serveur de transfert puis publié en ligne.',
          likelyConsequences: [
            'hameçonnage ciblé citant le passage au laboratoire',
            'usurpation d’identité (numéro de sécurité sociale, date de naissance, adresse)',
            'divulgation d’informations de santé',
            'réutilisation des mots de passe du portail de résultats',
          ],
          measures: {
            before: ['contrôle d’accès au logiciel de gestion'],
            immediate: ['serveur de transfert coupé', 'mots de passe du portail réinitialisés', 'demandes de retrait du fichier'],
            longTerm: ['chiffrement des exports', 'audit de sécurité du prestataire'],
          },
          personsInformed: { status: 'planned', date: '2021-03-01' },
          otherNotifications: { complaintReference: 'PARQUET-2021-0000', complaintFiledAt: '2021-02-24', anssiNotifiedAt: '2021-02-24' },
        },
      ],
    },
  };
}
