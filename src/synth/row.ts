// One row of the lab export: which optional cells a visit fills (the fill rates of DATA.md §1) and
// how each value is written, plus what the row reveals about its person for the truth file.

import { LAST_SAMPLE_DAY } from './calendar.js';
import { COL, COLUMNS, categoryMaskOfRecord } from './columns.js';
import { pad2, type Formatter } from './formats.js';
import type { Person } from './person.js';
import type { Random } from './random.js';
import { HEALTH_COMMENTS } from './vocabulary.js';
import type { Lab, World } from './world.js';

/** Share of rows with each optional cell filled (DATA.md §1). */
export const FILL = {
  lastVisit: 0.98,
  /** NOM_NAISSANCE when the person has a maiden name; else it repeats NOM with this probability. */
  maidenName: 0.9,
  birthNameRepeated: 0.1,
  rank: 0.9,
  insuredName: 0.25,
  address: 0.8,
  /** ADRESSE2, among rows with an address: 0.25 × 0.8 = 20% of rows. */
  addressLine2: 0.25,
  homePhone: 0.5,
  mobilePhone: 0.55,
  email: 0.115,
  bloodGroup: 0.55,
  insurer: 0.4,
  physician: 0.97,
  sampler: 0.7,
  comment1: 0.05,
  /** COMMENTAIRE_2, among rows with a first comment: 0.4 × 5% = 2% of rows. */
  comment2: 0.4,
  portal: 0.1,
} as const;

export interface Visit {
  readonly lab: Lab;
  readonly sampleDay: number;
  /** A row that cannot be used on purpose: no NIR, no phone, no e-mail, no first name. */
  readonly unusable: boolean;
}

/** What a row showed of its person, merged over rows into the truth file. */
export interface RowFacts {
  readonly mask: number;
  readonly email: boolean;
  readonly homePhone: boolean;
  readonly mobilePhone: boolean;
  readonly postcode: string | null;
  readonly birthName: string | null;
}

export interface RowWriter {
  /** The cells of one row (in COLUMNS order) and what they reveal. */
  build(person: Person, visit: Visit): { readonly cells: string[]; readonly facts: RowFacts };
}

export function createRowWriter(random: Random, world: World, format: Formatter, dirty: boolean): RowWriter {
  return {
    build(person, visit) {
      const cells = new Array<string>(COLUMNS.length).fill('');
      const set = (column: keyof typeof COL, value: string): void => {
        cells[COL[column]] = value;
      };

      set('CODE_LABO', visit.lab.code);
      set('NUM_DOSSIER', visit.lab.nextFileNumber(random));
      set('DATE_PRELEVEMENT', format.date(visit.sampleDay));
      if (random.chance(FILL.lastVisit)) {
        const later = random.chance(0.4) ? 0 : random.int(Math.max(1, Math.min(900, LAST_SAMPLE_DAY - visit.sampleDay + 1)));
        set('DATE_DERNIERE_VISITE', format.date(visit.sampleDay + later));
      }
      set('NOM', format.name(person.lastName));
      if (!visit.unusable) set('PRENOM', format.name(person.firstName));
      set('SEXE', person.sex);
      set('DATE_NAISSANCE', format.date(person.birthDay));

      let birthName: string | null = null;
      if (person.maidenName !== null ? random.chance(FILL.maidenName) : random.chance(FILL.birthNameRepeated)) {
        birthName = person.maidenName ?? person.lastName;
        set('NOM_NAISSANCE', format.name(birthName));
      }

      if (!visit.unusable) set('NIR', format.nir(person.nirBody, person.nirKeyInFile === 'wrong' ? person.wrongKey : person.nirKey, person.nirKeyInFile));
      if (random.chance(FILL.rank)) set('RANG_BENEFICIAIRE', dirty && random.chance(0.25) ? String(person.rank) : pad2(person.rank));
      if (random.chance(FILL.insuredName)) set('NOM_ASSURE', person.insuredName);

      let postcode: string | null = null;
      if (random.chance(FILL.address)) {
        const { home } = person;
        postcode = home.town.postcode;
        set('ADRESSE1', dirty ? messyAddressLine(random, home.line1, home.line2) : home.line1);
        if (random.chance(FILL.addressLine2)) set('ADRESSE2', home.line2);
        set('CP', postcode);
        set('VILLE', dirty && random.chance(0.5) ? home.town.name.toUpperCase() : home.town.name);
      }

      const homePhone = !visit.unusable && random.chance(FILL.homePhone);
      if (homePhone) set('TEL_DOMICILE', format.phone(person.homePhone));
      const mobilePhone = !visit.unusable && random.chance(FILL.mobilePhone);
      if (mobilePhone) set('TEL_PORTABLE', format.phone(person.mobilePhone));
      const email = !visit.unusable && random.chance(FILL.email);
      if (email) set('EMAIL', format.email(person.email));

      if (random.chance(FILL.bloodGroup)) set('GROUPE_SANGUIN', dirty ? messyBloodGroup(random, person.bloodGroup) : person.bloodGroup);
      if (random.chance(FILL.insurer)) set('MUTUELLE', person.insurer);
      if (random.chance(FILL.physician)) {
        const physician = world.pickPhysician(visit.lab, random);
        set('MED_PRESC_NOM', physician.name);
        set('MED_PRESC_CP', physician.town.postcode);
        set('MED_PRESC_VILLE', physician.town.name);
      }
      if (random.chance(FILL.sampler)) set('PRELEVEUR_NOM', random.pick(visit.lab.samplers));
      if (random.chance(FILL.comment1)) {
        set('COMMENTAIRE_1', comment(random, dirty));
        if (random.chance(FILL.comment2)) set('COMMENTAIRE_2', comment(random, dirty));
      }
      if (random.chance(FILL.portal)) {
        set('LOGIN_WEB', person.login);
        set('MDP_WEB', person.password);
      }

      return {
        cells,
        facts: { mask: categoryMaskOfRecord(cells), email, homePhone, mobilePhone, postcode, birthName },
      };
    },
  };
}

/** Addresses as people type them into a single field: sometimes with a line break or a `;` inside. */
function messyAddressLine(random: Random, line1: string, line2: string): string {
  const x = random.next();
  if (x < 0.04) return `${line1}\n${line2}`;
  if (x < 0.07) return `${line1}; ${line2}`;
  return line1;
}

function messyBloodGroup(random: Random, group: string): string {
  const x = random.next();
  const letters = group.slice(0, -1);
  const sign = group.slice(-1);
  if (x < 0.1) return `${letters} Rh${sign}`;
  if (x < 0.15) return `${letters} ${sign === '+' ? 'POS' : 'NEG'}`;
  return group;
}

/** A health comment; dirty ones join two remarks with a line break or a `;`, or quote the patient. */
function comment(random: Random, dirty: boolean): string {
  const first = random.pick(HEALTH_COMMENTS);
  if (!dirty) return first;
  const x = random.next();
  if (x < 0.25) return `${first}\n${random.pick(HEALTH_COMMENTS)}`;
  if (x < 0.35) return `${first}; ${random.pick(HEALTH_COMMENTS)}`;
  if (x < 0.4) return `${first} (se dit "très fatigué(e)")`;
  if (x < 0.43) return `${first}\r\n${random.pick(HEALTH_COMMENTS)}`;
  return first;
}
