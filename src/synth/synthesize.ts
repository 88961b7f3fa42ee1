// `vigie synth`: writes a deterministic synthetic lab leak (CSV shaped like DATA.md §1) and, optionally,
// the truth about each synthetic person as JSON Lines, for tests, demos and benchmarks. Never real data.

import { resolve } from 'node:path';
import { categoriesOf, type Category } from '../identifiers/categories.js';
import { VigieError } from '../errors.js';
import { sampleDayFrom } from './calendar.js';
import { COLUMNS, csvRecord } from './columns.js';
import { cleanFormatter, createDirtyFormatter, frenchDate, typedPhone } from './formats.js';
import { createPersonFactory, type Person } from './person.js';
import { departmentOfPostcode } from './places.js';
import { createRandom, type Random } from './random.js';
import { createRowWriter, type RowFacts, type Visit } from './row.js';
import { openSink, type Sink, type SinkEncoding } from './sink.js';
import { createWorld, LAB_COUNT, type Lab, type World } from './world.js';

export interface SynthOptions {
  /** Number of data rows (the header excluded), 1 to 10,000,000. */
  rows: number;
  /** Any string; the same rows, seed and dirty flag give byte-identical files. */
  seed: string;
  /** Write what real exports look like: Windows-1252, mixed formats, bad keys, duplicates, unusable rows. */
  dirty?: boolean;
  /** Path of the CSV file to write. */
  out: string;
  /** Path of the JSON Lines truth file (one line per person), if wanted. */
  truth?: string;
  format?: 'csv';
}

export interface SynthSummary {
  /** Data rows written. */
  rows: number;
  /** Distinct persons (lines of the truth file). */
  persons: number;
  encoding: 'utf-8' | 'windows-1252';
  /** Rows whose NIR cell has no key (13 characters), and rows whose key is wrong. */
  nirKeyMissing: number;
  nirKeyWrong: number;
  /** Persons with two rows, in two different labs. */
  personsInTwoLabs: number;
  /** Rows with a non-empty EMAIL cell. */
  withEmail: number;
  labs: number;
  /** Rows with no NIR, no phone, no e-mail and no first name, written on purpose (dirty mode). */
  unusableRows: number;
}

/** One line of the truth file: what an index built from the file must answer about this person. */
export interface TruthRecord {
  /** The person's real NIR (15 characters, correct key), whatever the file holds. */
  nir: string;
  /** As the person would type them; null when no row of the file holds one. */
  email: string | null;
  phone: string | null;
  lastName: string;
  firstName: string;
  birthDate: string;
  birthName: string | null;
  sex: 'M' | 'F';
  labs: string[];
  /** 0-based data-row indexes (the header is not a row; a quoted line break does not start one). */
  rows: number[];
  postcode: string | null;
  department: string | null;
  /** Categories of the non-empty cells over all of the person's rows. */
  categories: Category[];
  /** 'absent' (not in the brief's list) marks an unusable row, whose NIR cell is empty. */
  nirKeyInFile: 'valid' | 'missing' | 'wrong' | 'absent';
  unusable: boolean;
}

/** Shares of the dirty mode (DATA.md §1 and the brief). */
const DIRTY = {
  /** Persons who appear a second time, in another lab, a few rows later. */
  twoLabs: 0.03,
  /** How far (in rows) the second row may come after the first: bounds the state kept. */
  duplicateWindow: 500,
  unusable: 0.002,
} as const;

const MAX_ROWS = 10_000_000;

/** A person whose truth line waits for a second row, due at row `due`. */
interface Pending {
  readonly due: number;
  readonly truth: TruthState;
}

interface TruthState {
  readonly person: Person;
  readonly unusable: boolean;
  readonly labs: string[];
  readonly rows: number[];
  mask: number;
  email: boolean;
  homePhone: boolean;
  mobilePhone: boolean;
  postcode: string | null;
  birthName: string | null;
}

/**
 * Writes `options.out` (and `options.truth`) and returns counts. Rows are generated and streamed one
 * at a time; the only state is the world (labs, physicians), fixed-size NIR counters, and the few
 * persons whose second row is still to come (at most `DIRTY.duplicateWindow` rows ahead).
 */
export async function synthesize(options: SynthOptions): Promise<SynthSummary> {
  const { rows, seed } = options;
  if (!Number.isSafeInteger(rows) || rows < 1 || rows > MAX_ROWS) {
    throw new VigieError('E_USAGE', `--rows expected an integer from 1 to ${MAX_ROWS}, got ${String(rows)}`);
  }
  if (typeof seed !== 'string' || seed.length === 0) throw new VigieError('E_USAGE', '--seed expected a non-empty string');
  if (options.format !== undefined && options.format !== 'csv') {
    throw new VigieError('E_USAGE', `--format expected "csv", got "${String(options.format)}"`);
  }
  if (options.truth !== undefined && resolve(options.truth) === resolve(options.out)) {
    throw new VigieError('E_USAGE', '--truth and --out must be different files');
  }
  const dirty = options.dirty === true;

  // Independent streams: the world and the unique-number permutations do not move when row logic changes.
  const world = createWorld(createRandom(seed, 'world'));
  const random = createRandom(seed, dirty ? 'rows:dirty' : 'rows:clean');
  const persons = createPersonFactory({ random, keyRandom: createRandom(seed, 'keys'), world, dirty, maxPersons: rows });
  const rowWriter = createRowWriter(random, world, dirty ? createDirtyFormatter(random) : cleanFormatter, dirty);
  const lineEnd = dirty ? '\r\n' : '\n';

  const sinks: Sink[] = [];
  try {
    const out = await openOrFail(options.out, dirty ? 'windows-1252' : 'utf-8');
    sinks.push(out);
    const truth = options.truth === undefined ? null : await openOrFail(options.truth, 'utf-8');
    if (truth !== null) sinks.push(truth);

    const summary: SynthSummary = {
      rows,
      persons: 0,
      encoding: dirty ? 'windows-1252' : 'utf-8',
      nirKeyMissing: 0,
      nirKeyWrong: 0,
      personsInTwoLabs: 0,
      withEmail: 0,
      labs: LAB_COUNT,
      unusableRows: 0,
    };
    const pending: Pending[] = [];

    const emit = (state: TruthState, visit: Visit, row: number): void => {
      const { cells, facts } = rowWriter.build(state.person, visit);
      out.write(csvRecord(cells) + lineEnd);
      merge(state, facts, visit.lab, row);
      if (facts.email) summary.withEmail++;
      if (visit.unusable) summary.unusableRows++;
      else if (state.person.nirKeyInFile === 'missing') summary.nirKeyMissing++;
      else if (state.person.nirKeyInFile === 'wrong') summary.nirKeyWrong++;
    };
    const complete = (state: TruthState): void => {
      summary.persons++;
      if (state.labs.length > 1) summary.personsInTwoLabs++;
      truth?.write(truthLine(truthRecord(state)));
    };

    out.write(COLUMNS.join(';') + lineEnd);
    for (let row = 0; row < rows; row++) {
      const head = pending[0];
      // A second row is written when due, or earlier if the remaining rows are needed for those waiting.
      if (head !== undefined && (head.due <= row || pending.length >= rows - row)) {
        pending.shift();
        const { person } = head.truth;
        emit(head.truth, { lab: otherLab(world, person.lab, random), sampleDay: sampleDayFrom(random, person.birthDay), unusable: false }, row);
        complete(head.truth);
      } else {
        const person = persons.next();
        const unusable = dirty && random.chance(DIRTY.unusable);
        const state = newTruthState(person, unusable);
        emit(state, { lab: person.lab, sampleDay: person.firstVisit, unusable }, row);
        if (dirty && !unusable && random.chance(DIRTY.twoLabs) && pending.length + 1 < rows - row) {
          insertByDue(pending, { due: row + 1 + random.int(DIRTY.duplicateWindow), truth: state });
        } else {
          complete(state);
        }
      }
      if (out.full) await out.flush();
      if (truth?.full === true) await truth.flush();
    }
    if (pending.length > 0) throw new Error(`internal: ${pending.length} second rows left unwritten`);

    for (const sink of sinks) await sink.close();
    return summary;
  } catch (error) {
    for (const sink of sinks) sink.abort();
    throw error;
  }
}

async function openOrFail(path: string, encoding: SinkEncoding): Promise<Sink> {
  try {
    return await openSink(path, encoding);
  } catch (cause) {
    throw new VigieError('E_USAGE', `cannot write the file "${path}"`, { cause });
  }
}

function newTruthState(person: Person, unusable: boolean): TruthState {
  return { person, unusable, labs: [], rows: [], mask: 0, email: false, homePhone: false, mobilePhone: false, postcode: null, birthName: null };
}

function merge(state: TruthState, facts: RowFacts, lab: Lab, row: number): void {
  state.labs.push(lab.code);
  state.rows.push(row);
  state.mask |= facts.mask;
  state.email ||= facts.email;
  state.homePhone ||= facts.homePhone;
  state.mobilePhone ||= facts.mobilePhone;
  state.postcode ??= facts.postcode;
  state.birthName ??= facts.birthName;
}

function truthRecord(state: TruthState): TruthRecord {
  const { person } = state;
  const phone = state.mobilePhone ? person.mobilePhone : state.homePhone ? person.homePhone : null;
  return {
    nir: person.nirBody + person.nirKey,
    email: state.email ? person.email : null,
    phone: phone === null ? null : typedPhone(phone),
    lastName: person.lastName,
    firstName: person.firstName,
    birthDate: frenchDate(person.birthDay),
    birthName: state.birthName,
    sex: person.sex,
    labs: state.labs,
    rows: state.rows,
    postcode: state.postcode,
    department: state.postcode === null ? null : departmentOfPostcode(state.postcode),
    categories: categoriesOf(state.mask),
    nirKeyInFile: state.unusable ? 'absent' : person.nirKeyInFile,
    unusable: state.unusable,
  };
}

const json = JSON.stringify;
const nullable = (value: string | null): string => (value === null ? 'null' : json(value));

/**
 * `JSON.stringify(record) + '\n'`, with the keys in the order of TruthRecord, built by hand: on a
 * half-million-person run this is the largest single cost, and the generic serializer is ~1.6× slower.
 */
export function truthLine(r: TruthRecord): string {
  return (
    `{"nir":${json(r.nir)},"email":${nullable(r.email)},"phone":${nullable(r.phone)},"lastName":${json(r.lastName)},` +
    `"firstName":${json(r.firstName)},"birthDate":${json(r.birthDate)},"birthName":${nullable(r.birthName)},"sex":${json(r.sex)},` +
    `"labs":${json(r.labs)},"rows":[${r.rows.join(',')}],"postcode":${nullable(r.postcode)},"department":${nullable(r.department)},` +
    `"categories":${json(r.categories)},"nirKeyInFile":${json(r.nirKeyInFile)},"unusable":${r.unusable}}\n`
  );
}

/** The lab of a second visit: most often another lab of the same department. */
function otherLab(world: World, first: Lab, random: Random): Lab {
  const sameDepartment = world.labs.filter((lab) => lab !== first && lab.department === first.department);
  const candidates = sameDepartment.length > 0 && random.chance(0.65) ? sameDepartment : world.labs.filter((lab) => lab !== first);
  return random.pick(candidates);
}

function insertByDue(queue: Pending[], item: Pending): void {
  let i = queue.length;
  while (i > 0 && (queue[i - 1] as Pending).due > item.due) i--;
  queue.splice(i, 0, item);
}
