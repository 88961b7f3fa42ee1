// Ingest: streams leak files once, canonicalizes each row's identifiers, evaluates them on every core, stores only
// y and what was found, then builds and publishes a new index, all in one transaction (DESIGN §1.5, §4): a crash
// leaves the published index as it was, and a rerun gives the same counts.

import { basename } from 'node:path';
import { VigieError } from '../errors.js';
import { categoriesOf, categoryBit, CATEGORIES, type Category } from '../identifiers/categories.js';
import {
  canonical,
  IDENTIFIER_TYPES,
  normalizeDate,
  normalizeEmail,
  normalizeName,
  normalizeNir,
  normalizePhone,
  personValue,
  type IdentifierType,
} from '../identifiers/index.js';
import type { Manifest } from '../lookup/protocol.js';
import { openSource, type Mapping, type Source, type SourceColumn } from '../source/index.js';
import type { Field } from '../source/fields.js';
import type { EvaluatorPool } from './evaluator-pool.js';
import type { EvaluateResult } from './evaluator-core.js';
import { createOrderedPipeline } from './ordered-pipeline.js';
import { Y_BYTES } from './evaluator-core.js';
import { buildIndex } from './index-builder.js';
import type { FoundBatch, IngestSession, PersonRecord, Store } from './store.js';
import type { BreachStats, ColumnStats, SourceFileStats } from './stats.js';

export const BREACH_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface RejectRecord {
  file: string;
  line: number;
  column: string | null;
  reason: string;
  action: 'row rejected' | 'field ignored';
}

export interface IngestProgress {
  /** reading the files (and evaluating); merging the identifiers and persons found; building the index; done. */
  phase: 'reading' | 'merging' | 'building' | 'done';
  file: string;
  rowsRead: number;
  bytesRead: number;
  bytesTotal: number | null;
  evaluations: number;
  elapsedMs: number;
}

export interface IngestOptions {
  store: Store;
  pool: EvaluatorPool;
  keyId: string;
  breachId: string;
  title?: string;
  files: string[];
  mapping?: Mapping;
  onReject?: (reject: RejectRecord) => void;
  onProgress?: (progress: IngestProgress) => void;
  /** Date at which persons under 18 count as minors (default: today). */
  asOf?: Date;
  now?: () => Date;
}

export interface IngestSummary {
  breachId: string;
  indexId: string;
  rowsRead: number;
  rowsIndexed: number;
  rowsRejected: number;
  identifiers: Record<IdentifierType, number>;
  persons: number;
  nirKeyMissing: number;
  nirKeyWrong: number;
  evaluations: number;
  rejectReasons: Record<string, number>;
  fieldIssues: Record<string, number>;
  unmappedColumns: string[];
  files: SourceFileStats[];
  manifest: Manifest;
  durationMs: number;
}

interface RowIdentifiers {
  mask: number;
  types: IdentifierType[];
  /** Index into types/canonicals of the identifier that stands for the person (NIR, else name + birth date). */
  personIndex: number;
  department: string;
  minor: boolean;
}

interface Batch {
  rows: RowIdentifiers[];
  canonicals: string[];
}

/** Identifier types are stored in scratch tables as their index in IDENTIFIER_TYPES. */
const TYPE_CODE = Object.fromEntries(IDENTIFIER_TYPES.map((type, i) => [type, i])) as Readonly<Record<IdentifierType, number>>;

/** Department of a French postcode (DATA.md §2): 97x/98x overseas on 3 digits, Corsica 2A/2B, otherwise 2 digits. */
export function departmentOf(postcode: string): string {
  const digits = postcode.replace(/\s+/g, '');
  if (!/^\d{5}$/.test(digits)) return 'unknown';
  if (digits.startsWith('97') || digits.startsWith('98')) return digits.slice(0, 3);
  if (digits.startsWith('20')) return Number(digits) < 20200 ? '2A' : '2B';
  if (digits.startsWith('00')) return 'unknown';
  return digits.slice(0, 2);
}

/**
 * The latest birth date (ISO yyyy-mm-dd) of a person who is 18 on `asOf` (UTC): a person is a minor when born after
 * it, which ISO dates tell by comparing as strings. Born 29 February, one comes of age on 1 March in a common year,
 * which the comparison gives too (yyyy-02-29 sorts after yyyy-02-28).
 */
export function adultCutoff(asOf: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${String(asOf.getUTCFullYear() - 18).padStart(4, '0')}-${pad(asOf.getUTCMonth() + 1)}-${pad(asOf.getUTCDate())}`;
}

export async function ingest(options: IngestOptions): Promise<IngestSummary> {
  const { store, pool, keyId, breachId } = options;
  if (!BREACH_ID_PATTERN.test(breachId)) {
    throw new VigieError('E_BREACH', `breach id must be 1-64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit`);
  }
  if (options.files.length === 0) throw new VigieError('E_USAGE', 'no source file given');
  const now = options.now ?? (() => new Date());
  const started = now();
  const asOf = options.asOf ?? started;
  const cutoff = adultCutoff(asOf);
  const title = options.title ?? (await store.breach(breachId))?.title ?? breachId;
  const clock = performance.now();

  // Open every file before taking the write lock, so that an unreadable file fails fast and changes nothing.
  const sources: Source[] = [];
  // A source closes itself once read to its end; a failure closes the ones it leaves unread.
  const closeSources = async (): Promise<void> => {
    await Promise.all(sources.map((source) => source.close?.().catch(() => undefined)));
  };
  const stamp = started.toISOString();
  let session: IngestSession;
  try {
    for (const file of options.files) sources.push(await openSource(file, options.mapping === undefined ? {} : { mapping: options.mapping }));
    await store.bindKey(keyId);
    session = await store.beginIngest(breachId, title, stamp);
  } catch (error) {
    await closeSources();
    throw error;
  }
  try {
    const rejectReasons: Record<string, number> = {};
    const fieldIssues: Record<string, number> = {};
    const categoryRows = new Map<Category, number>(CATEGORIES.map((c) => [c, 0]));
    const files: SourceFileStats[] = [];
    const columns: ColumnStats[] = [];
    const unmapped: string[] = [];
    let rowsRead = 0;
    let rowsIndexed = 0;
    let rowsRejected = 0;
    let nirKeyMissing = 0;
    let nirKeyWrong = 0;
    let evaluations = 0;
    let breachMask = 0;

    const storeBatch = (batch: Batch, ys: Uint8Array, prefixes: Uint32Array): void | Promise<void> => {
      const count = batch.canonicals.length;
      const types = new Uint8Array(count);
      const cats = new Uint32Array(count);
      const persons: PersonRecord[] = [];
      let k = 0;
      for (const row of batch.rows) {
        const first = k;
        for (let t = 0; t < row.types.length; t++, k++) {
          types[k] = TYPE_CODE[row.types[t]!];
          cats[k] = row.mask;
        }
        // The person stands for the row in the statistics: 16 bytes of the y of its NIR, else of its name and date.
        const at = ys.byteOffset + (first + row.personIndex) * Y_BYTES;
        persons.push({ key: new Uint8Array(ys.buffer, at, 16), cats: row.mask, department: row.department, minor: row.minor });
      }
      evaluations += count;
      const found: FoundBatch = { count, ys, types, prefixes, cats, persons };
      return session.append(found);
    };

    // Eight batches in flight per worker (about 2.5 s of evaluations each): a pause of the main thread (a major GC,
    // SQLite spilling its cache) is absorbed instead of leaving the workers idle. Each batch is a few hundred KB.
    const pipeline = createOrderedPipeline<{ batch: Batch; result: EvaluateResult }>(Math.max(2, pool.threads * 8), ({ batch, result }) =>
      storeBatch(batch, result.ys, result.maskedPrefixes),
    );
    const submit = async (batch: Batch): Promise<void> => {
      if (batch.rows.length === 0) return;
      await pipeline.push(pool.evaluate(batch.canonicals).then((result) => ({ batch, result })));
    };

    for (const source of sources) {
      const name = basename(source.info.path);
      const reject = (line: number, column: string | null, reason: string): void => {
        rowsRejected++;
        rejectReasons[reason] = (rejectReasons[reason] ?? 0) + 1;
        options.onReject?.({ file: name, line, column, reason, action: 'row rejected' });
      };
      const issue = (line: number, column: SourceColumn, reason: string): void => {
        const key = `${column.field ?? column.category ?? 'column'}: ${reason}`;
        fieldIssues[key] = (fieldIssues[key] ?? 0) + 1;
        options.onReject?.({ file: name, line, column: column.header, reason, action: 'field ignored' });
      };
      const plan = planColumns(source.info.columns);
      const filled = new Array<number>(source.info.columns.length).fill(0);
      // A header row that holds values (a file without headers, or a header merged with a data row by a stray quote)
      // would put a person's NIR, phone or e-mail into the statistics as column names: such a file's unmapped
      // columns are named by position instead (DESIGN §1.1: nothing readable at rest).
      const headersHoldValues = source.info.columns.some((column) => looksLikeValue(column.header));
      const headerOf = (column: SourceColumn): string =>
        column.mappedBy === null && headersHoldValues ? `column ${column.index + 1} (its header looks like a value: not kept)` : column.header;
      for (const column of source.info.columns) if (column.mappedBy === null) unmapped.push(`${name}: ${headerOf(column)}`);
      let fileRows = 0;

      for await (const rows of source.rows()) {
        const batch: Batch = { rows: [], canonicals: [] };
        for (const row of rows) {
          rowsRead++;
          fileRows++;
          if (row.error !== undefined) {
            reject(row.line, null, `malformed row: ${row.error}`);
            continue;
          }
          const cells = row.cells;
          let mask = 0;
          for (let c = 0; c < cells.length && c < filled.length; c++) {
            if (cells[c] !== '') {
              filled[c]!++;
              mask |= plan.bits[c]!;
            }
          }
          const types: IdentifierType[] = [];
          const canonicals: string[] = [];
          const failures: string[] = [];
          const add = (type: IdentifierType, value: string): void => {
            const text = canonical(type, value);
            if (!canonicals.includes(text)) {
              types.push(type);
              canonicals.push(text);
            }
          };

          for (const c of plan.nir) {
            const raw = cells[c] ?? '';
            if (raw === '') continue;
            const nir = normalizeNir(raw);
            if (nir.ok) {
              if (nir.value.keyStatus === 'missing') nirKeyMissing++;
              else if (nir.value.keyStatus === 'wrong') nirKeyWrong++;
              add('nir', nir.value.body);
            } else {
              failures.push(`nir: ${nir.reason}`);
              issue(row.line, source.info.columns[c]!, nir.reason);
            }
          }
          const nirIndex = types.indexOf('nir');
          for (const c of plan.email) {
            const raw = cells[c] ?? '';
            if (raw === '') continue;
            const email = normalizeEmail(raw);
            if (email.ok) add('email', email.value);
            else {
              failures.push(`email: ${email.reason}`);
              issue(row.line, source.info.columns[c]!, email.reason);
            }
          }
          for (const c of plan.phone) {
            const raw = cells[c] ?? '';
            if (raw === '') continue;
            const phone = normalizePhone(raw);
            if (phone.ok) add('phone', phone.value);
            else {
              failures.push(`phone: ${phone.reason}`);
              issue(row.line, source.info.columns[c]!, phone.reason);
            }
          }
          let birthDate: string | null = null;
          const dateCell = firstFilled(cells, plan.birthDate);
          if (dateCell !== null) {
            const date = normalizeDate(cells[dateCell]!);
            if (date.ok) birthDate = date.value;
            else {
              failures.push(`birth date: ${date.reason}`);
              issue(row.line, source.info.columns[dateCell]!, date.reason);
            }
          }
          let personIndex = -1;
          const firstCell = firstFilled(cells, plan.firstName);
          if (birthDate !== null && firstCell !== null) {
            const first = normalizeName(cells[firstCell]!);
            if (!first.ok) issue(row.line, source.info.columns[firstCell]!, first.reason);
            for (const [fieldCells, label] of [[plan.lastName, 'last name'], [plan.birthName, 'birth name']] as const) {
              const lastCell = firstFilled(cells, fieldCells);
              if (lastCell === null || !first.ok) continue;
              const last = normalizeName(cells[lastCell]!);
              if (!last.ok) {
                failures.push(`${label}: ${last.reason}`);
                issue(row.line, source.info.columns[lastCell]!, last.reason);
                continue;
              }
              const person = personValue(last.value, first.value, birthDate);
              if (person.ok) {
                add('person', person.value);
                if (personIndex === -1) personIndex = types.lastIndexOf('person');
              }
            }
          }
          if (types.length === 0) {
            reject(row.line, null, failures.length === 0 ? 'no identifier (no NIR, e-mail, phone, or name with birth date)' : 'no usable identifier');
            continue;
          }
          rowsIndexed++;
          breachMask |= mask;
          for (const category of CATEGORIES) if ((mask & categoryBit(category)) !== 0) categoryRows.set(category, categoryRows.get(category)! + 1);
          const postcodeCell = firstFilled(cells, plan.postcode);
          batch.rows.push({
            mask,
            types,
            personIndex: nirIndex !== -1 ? nirIndex : personIndex !== -1 ? personIndex : 0,
            department: postcodeCell === null ? 'unknown' : departmentOf(cells[postcodeCell]!),
            minor: birthDate !== null && birthDate > cutoff,
          });
          for (const text of canonicals) batch.canonicals.push(text);
        }
        await submit(batch);
        options.onProgress?.({
          phase: 'reading',
          file: name,
          rowsRead,
          bytesRead: source.bytesRead(),
          bytesTotal: source.size,
          evaluations,
          elapsedMs: performance.now() - clock,
        });
      }
      await pipeline.drain();

      files.push({
        name,
        sha256: source.sha256(),
        bytes: source.bytesRead(),
        format: source.info.format,
        encoding: source.info.encoding,
        delimiter: source.info.delimiter,
        rowsRead: fileRows,
      });
      source.info.columns.forEach((column, c) =>
        columns.push({
          file: name,
          header: headerOf(column),
          field: column.field,
          category: column.category,
          mappedBy: column.mappedBy,
          filled: filled[c]!,
        }),
      );
    }

    /** Progress once the files are read: every row counted, every byte read. */
    const afterReading = (phase: 'merging' | 'building' | 'done'): void =>
      options.onProgress?.({
        phase,
        file: '',
        rowsRead,
        bytesRead: files.reduce((n, f) => n + f.bytes, 0),
        bytesTotal: null,
        evaluations,
        elapsedMs: performance.now() - clock,
      });
    afterReading('merging');
    const identifiers = await session.mergeIdentifiers();

    // Persons: deduplicated by NIR, else name + birth date (DESIGN §5), aggregated then forgotten.
    const personsPerCategory = new Map<Category, number>(CATEGORIES.map((c) => [c, 0]));
    const departments: Record<string, number> = {};
    let persons = 0;
    let minors = 0;
    for (const group of await session.personGroups()) {
      persons += group.count;
      if (group.minor) minors += group.count;
      departments[group.department] = (departments[group.department] ?? 0) + group.count;
      for (const category of categoriesOf(group.cats)) personsPerCategory.set(category, personsPerCategory.get(category)! + group.count);
    }

    const stats: BreachStats = {
      schema: 1,
      ingestedAt: stamp,
      files,
      rowsRead,
      rowsIndexed,
      rowsRejected,
      rejectReasons,
      fieldIssues,
      persons,
      minors,
      minorsAsOf: asOf.toISOString().slice(0, 10),
      identifiers,
      nirKeyMissing,
      nirKeyWrong,
      categories: Object.fromEntries(
        CATEGORIES.map((c) => [c, { rows: categoryRows.get(c)!, persons: personsPerCategory.get(c)! }]),
      ) as BreachStats['categories'],
      columns,
      unmappedColumns: unmapped,
      departments: Object.fromEntries(Object.entries(departments).sort(([a], [b]) => a.localeCompare(b))),
    };
    await session.setBreachStats(breachMask, stats);

    afterReading('building');
    const manifest = await buildIndex(session, pool, { keyId, now });
    const summary: IngestSummary = {
      breachId,
      indexId: manifest.indexId,
      rowsRead,
      rowsIndexed,
      rowsRejected,
      identifiers,
      persons,
      nirKeyMissing,
      nirKeyWrong,
      evaluations,
      rejectReasons,
      fieldIssues,
      unmappedColumns: unmapped,
      files,
      manifest,
      durationMs: Math.round(performance.now() - clock),
    };
    await session.recordIngest({
      breachId,
      startedAt: stamp,
      finishedAt: now().toISOString(),
      indexId: manifest.indexId,
      summary: JSON.stringify({ ...summary, manifest: undefined }),
    });
    await session.commit();
    afterReading('done');
    return summary;
  } catch (error) {
    await session.rollback();
    await closeSources();
    throw error;
  }
}

interface ColumnPlan {
  bits: number[];
  nir: number[];
  email: number[];
  phone: number[];
  lastName: number[];
  firstName: number[];
  birthName: number[];
  birthDate: number[];
  postcode: number[];
}

function planColumns(columns: readonly SourceColumn[]): ColumnPlan {
  const of = (field: Field): number[] => columns.filter((c) => c.field === field).map((c) => c.index);
  return {
    bits: columns.map((c) => (c.category === null ? 0 : categoryBit(c.category))),
    nir: of('nir'),
    email: of('email'),
    phone: of('phone'),
    lastName: of('lastName'),
    firstName: of('firstName'),
    birthName: of('birthName'),
    birthDate: of('birthDate'),
    postcode: of('postcode'),
  };
}

/** Whether a header cell looks like a person's value rather than a column name: an e-mail, or six digits or more
 * (a NIR, a phone number, a date). */
export function looksLikeValue(header: string): boolean {
  return header.includes('@') || header.replace(/\D/g, '').length >= 6;
}

function firstFilled(cells: readonly string[], indexes: readonly number[]): number | null {
  for (const i of indexes) if ((cells[i] ?? '') !== '') return i;
  return null;
}


