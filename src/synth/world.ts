// The fixed cast of a synthetic leak, drawn once per seed: 28 labs (code, department, size, file-number
// style, samplers) and a pool of prescribing physicians, mostly in the labs' six departments.

import { LAB_DEPARTMENTS, OTHER_METRO_DEPARTMENTS, type Department, type Town } from './places.js';
import { weighted, type Random, type Weighted } from './random.js';
import { FIRST_NAMES_BY_PERIOD, SURNAMES } from './vocabulary.js';

export const LAB_COUNT = 28;

/** How many of the 28 labs sit in each of the six departments. */
const LABS_PER_DEPARTMENT: Readonly<Record<string, number>> = { '56': 5, '45': 5, '27': 4, '22': 5, '35': 6, '41': 3 };

export interface Lab {
  readonly code: string;
  readonly department: Department;
  readonly samplers: readonly string[];
  /** The next file number (NUM_DOSSIER): increasing, so unique within the lab. */
  nextFileNumber(random: Random): string;
}

export interface Physician {
  readonly name: string;
  readonly town: Town;
}

export interface World {
  readonly labs: readonly Lab[];
  readonly pickLab: Weighted<Lab>;
  /** A physician for a visit to `lab`: 85% from its department, 12% from the five others, 3% elsewhere. */
  pickPhysician(lab: Lab, random: Random): Physician;
}

export function createWorld(random: Random): World {
  const labs: Lab[] = [];
  for (const department of LAB_DEPARTMENTS) {
    for (let i = 0; i < (LABS_PER_DEPARTMENT[department.code] ?? 0); i++) {
      labs.push(createLab(`LAB${String(labs.length + 1).padStart(2, '0')}`, department, random));
    }
  }
  if (labs.length !== LAB_COUNT) throw new Error(`expected ${LAB_COUNT} labs, built ${labs.length}`);
  // Lab sizes vary about fourfold, as between a city lab and a rural one.
  const pickLab = weighted(labs.map((lab) => [lab, 0.5 + 1.5 * random.next()] as const));

  const byDepartment = new Map<string, Physician[]>();
  for (const department of LAB_DEPARTMENTS) byDepartment.set(department.code, makePhysicians(department, 40, random));
  const elsewhere = OTHER_METRO_DEPARTMENTS.flatMap((department) => makePhysicians(department, 2, random));
  const core = [...byDepartment.values()].flat();

  return {
    labs,
    pickLab,
    pickPhysician(lab, r) {
      const x = r.next();
      if (x < 0.85) return r.pick(byDepartment.get(lab.department.code) ?? core);
      if (x < 0.97) return r.pick(core);
      return r.pick(elsewhere);
    },
  };
}

const FILE_NUMBER_STYLES = ['digits', 'year', 'letter'] as const;

function createLab(code: string, department: Department, random: Random): Lab {
  const style = random.pick(FILE_NUMBER_STYLES);
  const letter = random.pick(['D', 'P', 'K', 'X']);
  let counter = 100_000 + random.int(800_000);
  const samplers = Array.from({ length: 6 }, () => samplerName(random));
  return {
    code,
    department,
    samplers,
    nextFileNumber(r) {
      counter += 1 + r.int(4);
      switch (style) {
        case 'digits':
          return String(counter).padStart(8, '0');
        case 'year':
          return `${code.slice(3)}-${counter}`;
        case 'letter':
          return `${letter}${counter}`;
      }
    },
  };
}

function adultFirstName(random: Random, sex: 'M' | 'F'): string {
  const period = FIRST_NAMES_BY_PERIOD[1 + random.int(2)] ?? FIRST_NAMES_BY_PERIOD[0];
  return random.pick(period?.names[sex] ?? ['Camille']);
}

function samplerName(random: Random): string {
  const sex = random.chance(0.8) ? 'F' : 'M';
  const last = random.pick(SURNAMES).toUpperCase();
  const first = adultFirstName(random, sex);
  return random.pick([`IDE ${last} ${first}`, `${last} ${first}`, `${first} ${last} (${sex === 'F' ? 'technicienne' : 'technicien'})`, `Préleveur ${last}`, 'Laboratoire', 'Domicile – IDE']);
}

function makePhysicians(department: Department, count: number, random: Random): Physician[] {
  return Array.from({ length: count }, () => {
    const sex = random.chance(0.5) ? 'F' : 'M';
    const last = random.pick(SURNAMES);
    const first = adultFirstName(random, sex);
    const name = random.chance(0.6) ? `Dr ${last.toUpperCase()} ${first}` : `${last.toUpperCase()} ${first}`;
    return { name, town: random.pick(department.towns) };
  });
}
