// One synthetic patient: identity, NIR, home, phones, e-mail and the rest of what a lab file holds,
// drawn so that the values agree with each other (sex and first name, age and NIR, postcode and phones).

import { normalizePhone } from '../identifiers/index.js';
import { dayOf, sampleDay, ymdOf } from './calendar.js';
import { createNirAllocator, nirKey, type Birthplace } from './nir.js';
import {
  ABROAD_COUNTRIES,
  CORSICA_DEPARTMENTS,
  LAB_DEPARTMENTS,
  MAINLAND_BIRTH_DEPARTMENTS,
  OTHER_METRO_DEPARTMENTS,
  OVERSEAS_DEPARTMENTS,
  type Department,
  type Town,
} from './places.js';
import { createPermutation, weighted, type Random } from './random.js';
import { ADDRESS_COMPLEMENTS, BLOOD_GROUPS, FIRST_NAMES_BY_PERIOD, INSURERS, STREET_NAMES, STREET_TYPES, SURNAMES } from './vocabulary.js';
import type { Lab, World } from './world.js';

export type Sex = 'M' | 'F';

/** What the file shows of a person's NIR key (DATA.md §1: about 1% missing, 1% wrong). */
export type NirKeyInFile = 'valid' | 'missing' | 'wrong';

export interface Phone {
  /** Ten digits, national format: '0612345678', '0690123456'. */
  readonly national: string;
  /** '33' for mainland France and Corsica; '590', '596', '594', '262' overseas. */
  readonly callingCode: string;
}

export interface Home {
  readonly line1: string;
  readonly line2: string;
  readonly town: Town;
  readonly department: Department;
}

export interface Person {
  readonly sex: Sex;
  readonly firstName: string;
  readonly lastName: string;
  /** Birth name of a married woman, different from `lastName`; null otherwise. */
  readonly maidenName: string | null;
  readonly birthDay: number;
  readonly nirBody: string;
  readonly nirKey: string;
  readonly nirKeyInFile: NirKeyInFile;
  /** The key the file shows when `nirKeyInFile` is 'wrong'. */
  readonly wrongKey: string;
  readonly home: Home;
  readonly homePhone: Phone;
  readonly mobilePhone: Phone;
  readonly email: string;
  readonly bloodGroup: string;
  readonly insurer: string;
  readonly rank: number;
  readonly insuredName: string;
  readonly login: string;
  readonly password: string;
  readonly lab: Lab;
  readonly firstVisit: number;
}

export interface PersonFactoryOptions {
  /** Draws the person's attributes. */
  readonly random: Random;
  /** Draws the permutations that make phones, e-mails and NIRs unique; separate so they stay fixed. */
  readonly keyRandom: Random;
  readonly world: World;
  /** Whether NIR keys may be missing or wrong in the file. */
  readonly dirty: boolean;
  /** Upper bound on the number of persons (sizes the e-mail suffix space). */
  readonly maxPersons: number;
}

export interface PersonFactory {
  next(): Person;
}

const EMAIL_DOMAINS = ['example.fr', 'example.com', 'exemple.test'] as const;
const PASSWORD_WORDS = ['soleil', 'Bretagne', 'azerty', 'chouchou', 'Loire', 'marine', 'doudou', 'Kenavo', 'pompon', 'Normandie'] as const;

const BLOOD = weighted(BLOOD_GROUPS);
/** Ages at the first visit: ~15% minors, adults skewed old as lab patients are. */
const AGE_BANDS = weighted<readonly [number, number]>([[[0, 17], 15], [[18, 39], 22], [[40, 64], 32], [[65, 84], 23], [[85, 100], 8]]);

/**
 * Creates persons one after another. Uniqueness that tests rely on is built in, not checked:
 * the n-th person's phone tails and e-mail suffix come from bijections of n, and the NIR from
 * per-cohort counters (see nir.ts), so memory stays constant whatever the number of persons.
 */
export function createPersonFactory(options: PersonFactoryOptions): PersonFactory {
  const { random, keyRandom, world, dirty } = options;
  if (!Number.isSafeInteger(options.maxPersons) || options.maxPersons < 1 || options.maxPersons > 10_000_000) {
    throw new RangeError(`"maxPersons" expected 1 to 10,000,000, got ${options.maxPersons}`);
  }
  const nirs = createNirAllocator(keyRandom, ABROAD_COUNTRIES);
  const tail7 = createPermutation(keyRandom, 10_000_000);
  const mobileTail7 = createPermutation(keyRandom, 10_000_000);
  const overseasTail6 = createPermutation(keyRandom, 1_000_000);
  const overseasMobileTail6 = createPermutation(keyRandom, 1_000_000);
  const emailSuffix = createPermutation(keyRandom, options.maxPersons <= 1_000_000 ? 1_000_000 : 10_000_000);
  let ordinal = 0;
  let overseasOrdinal = 0;

  return {
    next(): Person {
      const n = ordinal++;
      const lab = world.pickLab.pick(random);
      const firstVisit = sampleDay(random);
      const [minAge, maxAge] = AGE_BANDS.pick(random);
      const age = random.range(minAge, maxAge);
      const birthDay = Math.max(dayOf(1915, 1, 1), firstVisit - Math.floor((age + random.next()) * 365.2425));
      const birth = ymdOf(birthDay);
      const sex: Sex = random.chance(0.52) ? 'F' : 'M';

      const firstName = pickFirstName(random, sex, birth.year);
      const surname = pickSurname(random);
      // Tuned so that NOM_NAISSANCE ends near 30% of rows (DATA.md §1), mostly married women.
      const married = sex === 'F' && age >= 20 && random.chance(0.58);
      const lastName = married ? pickSurname(random) : surname;
      const maidenName = married && lastName !== surname ? surname : null;

      const home = pickHome(random, lab);
      const overseas = home.department.callingCode !== '33';
      const phoneIndex = overseas ? overseasOrdinal++ : n;
      const homePhone = makePhone(random, home.department, 'landline', overseas ? overseasTail6(phoneIndex) : tail7(phoneIndex));
      const mobilePhone = makePhone(random, home.department, 'mobile', overseas ? overseasMobileTail6(phoneIndex) : mobileTail7(phoneIndex));

      const birthplace = pickBirthplace(random, home.department, birth.year);
      const nirBody = nirs.allocate(sex, birth.year, birth.month, birthplace);
      const key = nirKey(nirBody);
      const keyRoll = dirty ? random.next() : 1;
      const nirKeyInFile: NirKeyInFile = keyRoll < 0.01 ? 'missing' : keyRoll < 0.02 ? 'wrong' : 'valid';
      // Any key in 01–97 but the right one: (k + r) mod 97 + 1 for r in 0–95 never gives back k.
      const wrongKey = String(((Number(key) + random.int(96)) % 97) + 1).padStart(2, '0');

      const email = makeEmail(random, firstName, lastName, emailSuffix(n));
      const minor = age < 18;
      const rank = minor ? random.range(3, 6) : random.chance(0.8) ? 1 : 2;
      const insuredName = minor
        ? `${lastName.toUpperCase()} ${pickFirstName(random, random.chance(0.5) ? 'M' : 'F', birth.year - 30)}`
        : rank === 2
          ? `${lastName.toUpperCase()} ${pickFirstName(random, sex === 'F' ? 'M' : 'F', birth.year)}`
          : `${lastName.toUpperCase()} ${firstName}`;

      return {
        sex,
        firstName,
        lastName,
        maidenName,
        birthDay,
        nirBody,
        nirKey: key,
        nirKeyInFile,
        wrongKey,
        home,
        homePhone,
        mobilePhone,
        email,
        bloodGroup: BLOOD.pick(random),
        insurer: random.pick(INSURERS),
        rank,
        insuredName,
        login: random.chance(0.4) ? email : `${asciiLower(firstName).slice(0, 1)}${asciiLower(lastName)}${random.int(100)}`,
        password: makePassword(random, birth.year, birth.month, birth.day),
        lab,
        firstVisit,
      };
    },
  };
}

function pickFirstName(random: Random, sex: Sex, birthYear: number): string {
  const period = FIRST_NAMES_BY_PERIOD.find((p) => birthYear < p.bornBefore) ?? FIRST_NAMES_BY_PERIOD[0];
  return random.pick(period?.names[sex] ?? ['Camille']);
}

function pickSurname(random: Random): string {
  const name = random.pick(SURNAMES);
  // A few double-barrelled names (Martin-Lefèvre), as parents now may pass both on.
  return random.chance(0.02) ? `${name}-${random.pick(SURNAMES)}` : name;
}

/** Home: 86% in the lab's department, then the five other lab departments, the rest of France, Corsica, overseas. */
function pickHome(random: Random, lab: Lab): Home {
  const x = random.next();
  const department =
    x < 0.86 ? lab.department
    : x < 0.93 ? random.pick(LAB_DEPARTMENTS)
    : x < 0.982 ? random.pick(OTHER_METRO_DEPARTMENTS)
    : x < 0.988 ? random.pick(CORSICA_DEPARTMENTS)
    : random.pick(OVERSEAS_DEPARTMENTS);
  const number = 1 + random.int(random.chance(0.7) ? 40 : 180);
  const suffix = random.chance(0.05) ? random.pick([' bis', ' ter', 'B']) : '';
  return {
    line1: `${number}${suffix} ${random.pick(STREET_TYPES)} ${random.pick(STREET_NAMES)}`,
    line2: random.pick(ADDRESS_COMPLEMENTS),
    town: random.pick(department.towns),
    department,
  };
}

/**
 * A phone number whose tail comes from a bijection of the person's index. Mainland numbers never
 * start like an overseas prefix (0262, 0269, 0590, 0594, 0596, 0639, 069x), so the two sets cannot meet.
 */
function makePhone(random: Random, department: Department, kind: 'landline' | 'mobile', tail: number): Phone {
  const prefixes = kind === 'landline' ? department.landline : department.mobile;
  const prefix = random.pick(prefixes);
  if (department.callingCode !== '33') {
    // Overseas numbering plans allocate only some blocks after the 4-digit prefix: move the 5th digit to the
    // nearest allocated block so that every generated number is a real-looking, valid number.
    const digits = String(tail).padStart(6, '0');
    for (let k = 0; k < 10; k++) {
      const national = prefix + String((Number(digits[0]) + k) % 10) + digits.slice(1);
      if (normalizePhone(national).ok) return { national, callingCode: department.callingCode };
    }
    return { national: prefix + digits, callingCode: department.callingCode };
  }
  const lead = kind === 'mobile' ? (prefix === '06' ? random.pick(['1', '2', '4', '5', '6', '7', '8']) : random.pick(['3', '5', '6', '7', '8'])) : random.pick(['3', '4', '5']);
  return { national: prefix + lead + String(tail).padStart(7, '0'), callingCode: '33' };
}

/** Births: mostly in the home department, some elsewhere in France, overseas or abroad (country after '99'). */
function pickBirthplace(random: Random, home: Department, birthYear: number): Birthplace {
  const homeIsOverseas = home.callingCode !== '33';
  const x = random.next();
  if (homeIsOverseas && x < 0.7) return { kind: 'overseas', territory: home.code };
  if (x < 0.04) return { kind: 'overseas', territory: random.pick(OVERSEAS_DEPARTMENTS).code };
  if (x < 0.1) return { kind: 'abroad', country: random.pick(ABROAD_COUNTRIES) };
  const corsicanHome = home.code === '2A' || home.code === '2B';
  let department: string;
  if (corsicanHome && x < 0.7) department = home.code;
  else if (x < 0.107) department = random.chance(0.5) ? '2A' : '2B';
  else if (!homeIsOverseas && !corsicanHome && x < 0.6) department = home.code;
  else if (x < 0.8) department = random.pick(LAB_DEPARTMENTS).code;
  else department = random.pick(MAINLAND_BIRTH_DEPARTMENTS);
  // Corsica was one department, 20, until 1976 (DATA.md §2).
  if ((department === '2A' || department === '2B') && birthYear < 1976) department = '20';
  return { kind: 'metropolitan', department };
}

const asciiCache = new Map<string, string>();

/**
 * Lower-case ASCII for e-mails and logins: accents and ligatures folded, spaces and apostrophes dropped.
 * Names come from finite lists, so the cache stays bounded (a few tens of thousands of entries at most).
 */
function asciiLower(text: string): string {
  let folded = asciiCache.get(text);
  if (folded === undefined) {
    folded = foldAscii(text);
    asciiCache.set(text, folded);
  }
  return folded;
}

function foldAscii(text: string): string {
  return text
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z-]/g, '');
}

/**
 * An invented address on a reserved-looking domain. It always ends in the person's unique number,
 * after letters, so two persons can never share an address.
 */
function makeEmail(random: Random, firstName: string, lastName: string, suffix: number): string {
  const first = asciiLower(firstName);
  const last = asciiLower(lastName);
  const local = random.pick([`${first}.${last}`, `${first}_${last}`, `${first.slice(0, 1)}.${last}`, `${last}.${first}`, `${first}${last}`, `${first.slice(0, 1)}${last}`]);
  return `${local}${suffix}@${random.pick(EMAIL_DOMAINS)}`;
}

/** Portal passwords: often the birth date (DATA.md §1, `19900714`). */
function makePassword(random: Random, year: number, month: number, day: number): string {
  const mm = String(month).padStart(2, '0');
  const dd = String(day).padStart(2, '0');
  const x = random.next();
  if (x < 0.6) return `${year}${mm}${dd}`;
  if (x < 0.75) return `${dd}${mm}${year}`;
  return `${random.pick(PASSWORD_WORDS)}${random.int(10_000)}`;
}
