// The data controller's configuration (controller.json): who the controller is, how persons reach it, what it has
// done. Read by the notices (GDPR art. 34), the portal and, extended, the regulator dossier (GDPR art. 33).
// This file is the shape only; validation with errors naming the field is config.ts, documented in docs/controller.md.

import type { RegulatorSection } from './regulator.js';

export type Lang = 'fr' | 'en';

/** A text people read, in both languages. */
export interface Localized {
  fr: string;
  en: string;
}

export interface PostalAddress {
  /** Street lines, without the postcode and city line. */
  lines: string[];
  postcode: string;
  city: string;
  country?: string;
}

export interface ControllerIdentity {
  /** The name people know (letterhead, portal). */
  name: string;
  legalName?: string;
  address: PostalAddress;
  /** The controller's own public website, the one people already know. */
  website?: string;
  /** French company number (9 digits), for the regulator dossier. */
  siren?: string;
}

export interface DpoContact {
  name: string;
  email: string;
  phone?: string;
  address?: PostalAddress;
}

export interface PhoneLine {
  /** As printed, e.g. "01 23 45 67 89". */
  number: string;
  hours: Localized;
}

/** What the portal and the letters say about one breach. */
export interface BreachNotice {
  /** Same id as `vigie ingest --breach`. */
  id: string;
  title: Localized;
  /** ISO 8601 dates (yyyy-mm-dd or full timestamps). */
  occurredFrom?: string;
  occurredTo?: string;
  discoveredAt: string;
  /** What happened, in plain words. */
  summary: Localized;
  /** What the controller has done (regulator notified, complaint filed, takedown, fixes). */
  measures: Localized[];
  /** Reference of the complaint the controller filed, if any, for persons to quote in their own. */
  complaintReference?: string;
  /** Likely consequences, if the controller wants its own wording; letters otherwise use a standard text. */
  consequences?: Localized;
}

/** How letters and e-mails are signed and referenced. */
export interface LetterSettings {
  signatory?: { name: string; title: Localized };
  /** Prefix of each letter's unique reference, e.g. "LAB" gives LAB-2021-000123 (1-12 capitals or digits). */
  referencePrefix?: string;
  /** Sender of the notice e-mails, when `vigie notices send` is given no --from. */
  emailFrom?: string;
}

export interface ControllerConfig {
  version: 1;
  controller: ControllerIdentity;
  dpo: DpoContact;
  phoneLine: PhoneLine;
  /** The portal's public address, typed out on letters and e-mails (never a clickable sign-in link). */
  portalUrl: string;
  /** Languages of the letters and e-mails; the first is the default. */
  languages: Lang[];
  breaches: BreachNotice[];
  /** Lab codes of the file (CODE_LABO) -> the names people know; a code without an entry is printed as is. */
  labs?: Record<string, string>;
  letter?: LetterSettings;
  /** What the regulator dossier (GDPR art. 33, `vigie report`) needs beyond the figures: see regulator.ts. */
  regulator?: RegulatorSection;
}
