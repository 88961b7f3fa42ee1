// Fuzzing of the source reader (issue 8 item 3): CSV/TSV and XLSX files from csv-spectrum and `vigie synth`,
// mutated (see support/mutations.ts), read by src/source and, for a share of them, ingested for real. Properties:
// - never a crash nor a hang: a case ends within its bound (a watchdog thread kills a stuck run, naming the case);
// - a fatal input fails with VigieError and a source code naming the file, never quoting a cell value;
// - the same bytes give the same rows whatever the read size (CSV) and whichever XLSX path reads them;
// - every row accounted for: a CSV without quotes gives one row per non-blank line after the header, and through
//   the ingest rows read = indexed + rejected, each reject naming its line and a reason, never a value.

import { createReadStream, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNewKeyFile, type KeyFile } from '../../src/crypto/key-file.js';
import { VigieError } from '../../src/errors.js';
import { createEvaluatorPool, type EvaluatorPool } from '../../src/index/evaluator-pool.js';
import { ingest, type RejectRecord } from '../../src/index/ingest.js';
import { SqliteStore } from '../../src/index/sqlite-store.js';
import { MAX_RECORD_CHARS } from '../../src/source/csv-parser.js';
import { decodeWindows1252 } from '../../src/source/encoding.js';
import { sepLineDelimiter } from '../../src/source/dialect.js';
import { openSource, openSourceStream, type Mapping, type SourceInfo, type SourceRow } from '../../src/source/index.js';
import { synthesize } from '../../src/synth/index.js';
import type { Random } from '../../src/synth/random.js';
import { fuzzConfig } from './support/fuzz-config.js';
import { mutateCsv, mutateParts, mutateZip } from './support/mutations.js';
import { startWatchdog, type Watchdog } from './support/watchdog.js';
import { workbookParts, zipParts, type Parts, type WorkbookOptions } from './support/xlsx-package.js';

const { seed, runs, random } = fuzzConfig('fuzz-source', { seed: 'vigie-fuzz-source-1', runs: 1200, minimum: 1000 });
/** A case that runs longer than this is a hang (generous: the machine may be loaded, and some cases read megabytes). */
const CASE_MS = Number(process.env['VIGIE_FUZZ_CASE_MS'] ?? 30_000);
/** One case in INGEST_EVERY goes through the whole ingest as well. */
const INGEST_EVERY = 10;
const SOURCE_CODES = new Set(['E_SOURCE_ENCODING', 'E_SOURCE_FORMAT', 'E_SOURCE_HEADER']);

interface CsvSeed {
  name: string;
  bytes: Uint8Array;
  ext: 'csv' | 'tsv';
  mapping?: Mapping;
}

interface XlsxSeed {
  name: string;
  /** The workbook's rows (header first), written anew for each case with a random writer's choices. */
  rows?: string[][];
  /** Parts of a package another writer made (exceljs). */
  parts?: Parts;
}

interface Outcome {
  rows: SourceRow[];
  info: SourceInfo | null;
  error: unknown;
}

let dir: string;
let key: KeyFile;
let pool: EvaluatorPool;
let watchdog: Watchdog;
const csvSeeds: CsvSeed[] = [];
const xlsxSeeds: XlsxSeed[] = [];
/** Cell values of every seed (6 characters or more): none may appear in an error message or a reject reason. */
const values = new Set<string>();

/**
 * Reads a file from its path, or as a stream (as stdin is read): held in memory and read by its central directory, or
 * (`stream: 'unzip'`) streamed from its first byte by fflate's Unzip.
 */
async function readAll(path: string, options: { mapping?: Mapping; chunkSize?: number; stream?: 'memory' | 'unzip' }): Promise<Outcome> {
  const rows: SourceRow[] = [];
  let info: SourceInfo | null = null;
  try {
    const open = {
      ...(options.mapping === undefined ? {} : { mapping: options.mapping }),
      ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
      ...(options.stream === 'unzip' ? { streamXlsx: true } : {}),
    };
    const source = options.stream !== undefined ? await openSourceStream(basename(path), createReadStream(path, { highWaterMark: 4096 }), open) : await openSource(path, open);
    info = source.info;
    for await (const batch of source.rows()) rows.push(...batch);
    return { rows, info, error: null };
  } catch (error) {
    return { rows, info, error };
  }
}

/** A small RFC 4180 writer, to turn a seed's rows into other dialects. */
function toCsv(rows: readonly (readonly string[])[], delimiter: string, eol: string): string {
  const cell = (v: string): string => (/[",;\t\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return rows.map((r) => r.map(cell).join(delimiter)).join(eol) + eol;
}

async function rowsOf(path: string, mapping?: Mapping): Promise<string[][]> {
  const outcome = await readAll(path, mapping === undefined ? {} : { mapping });
  if (outcome.error !== null || outcome.info === null) throw outcome.error;
  return [outcome.info.columns.map((c) => c.header), ...outcome.rows.map((r) => r.cells)];
}

function addValues(rows: readonly (readonly string[])[]): void {
  for (const row of rows.slice(1)) for (const cell of row) if (cell.length >= 6) values.add(cell);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-fuzz-source-'));
  key = writeNewKeyFile(join(dir, 'vigie.key'));
  pool = await createEvaluatorPool({ secretKey: key.secretKey, threads: 1 });
  watchdog = startWatchdog(CASE_MS);

  // csv-spectrum: the RFC 4180 edge cases, with a mapping since their headers (a, b, c...) mean nothing to Vigie.
  const spectrum = join(dirname(createRequire(import.meta.url).resolve('csv-spectrum/package.json')), 'csvs');
  const targets = ['email', 'phone', 'nir', 'lastName', 'firstName', 'birthDate', 'identity'];
  for (const file of readdirSync(spectrum).sort()) {
    const bytes = readFileSync(join(spectrum, file));
    const header = bytes.toString('utf8').split(/\r?\n/)[0]!.split(',');
    const mapping = Object.fromEntries(header.map((h, i) => [h.trim(), targets[i % targets.length]!]));
    csvSeeds.push({ name: `csv-spectrum/${file}`, bytes, ext: 'csv', mapping });
    addValues(bytes.toString('utf8').split(/\r?\n/).map((l) => l.split(',')));
  }

  // vigie synth: small leaks, clean (UTF-8) and dirty (Windows-1252, quoted line breaks, bad keys, mixed formats).
  for (const [rows, dirty] of [[20, false], [60, true], [120, false], [200, true]] as const) {
    const out = join(dir, `synth-${rows}.csv`);
    await synthesize({ rows, seed: `${seed}/${rows}`, dirty, out });
    csvSeeds.push({ name: `synth ${rows} rows${dirty ? ' dirty' : ''}`, bytes: readFileSync(out), ext: 'csv' });
    const table = await rowsOf(out);
    addValues(table);
    xlsxSeeds.push({ name: `synth ${rows} rows${dirty ? ' dirty' : ''}`, rows: table });
    if (rows === 120) {
      // Other dialects of a clean file (no quote needed: the exact row count below applies to most of their cases).
      csvSeeds.push({ name: 'synth 120 rows, comma and CRLF', bytes: Buffer.from(toCsv(table, ',', '\r\n'), 'utf8'), ext: 'csv' });
      csvSeeds.push({ name: 'synth 120 rows, tab', bytes: Buffer.from(toCsv(table, '\t', '\n'), 'utf8'), ext: 'tsv' });
    }
    if (rows === 60) {
      // exceljs orders a package as Excel does (worksheets before shared strings and styles, workbook last).
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('Patients');
      for (const row of table) sheet.addRow(row);
      const zipped = unzipSync(new Uint8Array(await workbook.xlsx.writeBuffer()));
      xlsxSeeds.push({ name: 'exceljs 60 rows', parts: new Map(Object.entries(zipped).map(([name, b]) => [name, Buffer.from(b).toString('utf8')])) });
    }
  }
});

afterAll(async () => {
  await watchdog?.stop();
  await pool?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** The physical lines of decoded CSV text (CRLF, LF or CR), as the parser counts them. */
function physicalLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** A line the reader skips: only white space and delimiters (one over the length limit is reported, even blank). */
function isBlankLine(line: string, delimiter: string | null): boolean {
  if (line.length > MAX_RECORD_CHARS) return false;
  return (delimiter === null ? [line] : line.split(delimiter)).every((cell) => cell.trim() === '');
}

function decode(bytes: Uint8Array, encoding: SourceInfo['encoding']): string {
  const text = encoding === 'windows-1252' ? decodeWindows1252(bytes) : new TextDecoder('utf-8').decode(bytes);
  return text.replace(/^\uFEFF/, '');
}

function leaks(text: string): string | null {
  for (const value of values) if (text.includes(value)) return value;
  return /root:.*:0:0:/.test(text) ? '/etc/passwd' : null;
}

/** What must hold of one reading; problems are appended to `problems`. */
function checkOutcome(label: string, path: string, outcome: Outcome, problems: string[]): void {
  const { error } = outcome;
  if (error !== null) {
    if (!(error instanceof VigieError) || !SOURCE_CODES.has(error.code)) {
      problems.push(`${label}: not a source VigieError: ${error instanceof Error ? `${error.name} ${(error as { code?: string }).code ?? ''} ${error.stack}` : String(error)}`);
      return;
    }
    if (!error.message.includes(basename(path))) problems.push(`${label}: ${error.code} does not name the file: ${error.message}`);
    const leaked = leaks(error.message);
    if (leaked !== null) problems.push(`${label}: ${error.code} quotes a cell value (${leaked.length} characters): ${error.message.slice(0, 300)}`);
  }
  const width = outcome.info?.columns.length ?? 0;
  for (const row of outcome.rows) {
    if (!Number.isInteger(row.line) || row.line < 1) problems.push(`${label}: row with line ${row.line}`);
    if (row.error === undefined && row.cells.length !== width) problems.push(`${label}: line ${row.line} has ${row.cells.length} cells for ${width} columns`);
    if (row.error !== undefined) {
      const leaked = leaks(row.error);
      if (leaked !== null) problems.push(`${label}: the row error of line ${row.line} quotes a cell value: ${row.error.slice(0, 300)}`);
    }
    for (const cell of row.cells) if (/root:.*:0:0:/.test(cell)) problems.push(`${label}: an external entity was expanded`);
  }
}

/** Every row accounted for, from the CSV's text alone (exact when it holds no quote: then true is returned). */
function checkCsvRows(label: string, bytes: Uint8Array, outcome: Outcome, problems: string[]): boolean {
  const info = outcome.info;
  if (info === null || outcome.error !== null) return false;
  const text = decode(bytes, info.encoding);
  const lines = physicalLines(text);
  const nonBlank = lines.filter((l) => !isBlankLine(l, info.delimiter)).length;
  const sepLine = sepLineDelimiter(text) !== null ? 1 : 0;
  let previous = 0;
  for (const row of outcome.rows) {
    if (row.line <= previous) problems.push(`${label}: line ${row.line} after line ${previous}`);
    if (row.line > lines.length) problems.push(`${label}: line ${row.line} beyond the ${lines.length} lines of the file`);
    else if (isBlankLine(lines[row.line - 1]!, info.delimiter) && !text.includes('"')) problems.push(`${label}: a row on the blank line ${row.line}`);
    previous = row.line;
  }
  if (outcome.rows.length + 1 + sepLine > nonBlank) problems.push(`${label}: ${outcome.rows.length} rows from ${nonBlank} non-blank lines`);
  if (text.includes('"')) return false;
  if (outcome.rows.length !== nonBlank - 1 - sepLine) {
    problems.push(`${label}: no quote, ${nonBlank} non-blank lines, but ${outcome.rows.length} rows (expected ${nonBlank - 1 - sepLine})`);
  }
  return true;
}

/**
 * The same rows (and the same fatal error code, if any). An error row's reason and cells are left out: a record over
 * the length limit is cut where the limit falls, and a quoted field still open there is reported as unterminated.
 */
function sameRows(a: Outcome, b: Outcome): boolean {
  if ((a.error === null) !== (b.error === null)) return false;
  if (a.error !== null) return (a.error as VigieError).code === (b.error as VigieError).code;
  const shape = (o: Outcome): string => JSON.stringify(o.rows.map((r) => (r.error === undefined ? [r.line, r.cells] : [r.line])));
  return shape(a) === shape(b);
}

/** The ingest on the same file: rows read = indexed + rejected, rejects by line and reason, never a value. */
async function checkIngest(label: string, path: string, mapping: Mapping | undefined, reader: Outcome, problems: string[]): Promise<void> {
  const store = new SqliteStore(join(dir, 'ingest.db'));
  const rejects: RejectRecord[] = [];
  try {
    const summary = await ingest({ store, pool, keyId: key.keyId, breachId: 'fuzz', files: [path], ...(mapping === undefined ? {} : { mapping }), onReject: (r) => rejects.push(r) });
    if (reader.error !== null) {
      problems.push(`${label}: the reader failed (${(reader.error as Error).message}) but the ingest succeeded`);
      return;
    }
    const rowsRejected = rejects.filter((r) => r.action === 'row rejected');
    if (summary.rowsRead !== reader.rows.length) problems.push(`${label}: the ingest read ${summary.rowsRead} rows, the reader ${reader.rows.length}`);
    if (summary.rowsIndexed + summary.rowsRejected !== summary.rowsRead) problems.push(`${label}: ${summary.rowsRead} read != ${summary.rowsIndexed} + ${summary.rowsRejected}`);
    if (rowsRejected.length !== summary.rowsRejected) problems.push(`${label}: ${rowsRejected.length} reject records for ${summary.rowsRejected} rejected rows`);
    const lines = new Set(reader.rows.map((r) => r.line));
    const malformed = reader.rows.filter((r) => r.error !== undefined).map((r) => r.line);
    const rejectedLines = new Set(rowsRejected.map((r) => r.line));
    for (const line of malformed) if (!rejectedLines.has(line)) problems.push(`${label}: the malformed row of line ${line} is not in the reject report`);
    const headers = new Set(reader.info?.columns.map((c) => c.header));
    for (const r of rejects) {
      if (r.file !== basename(path) || !lines.has(r.line)) problems.push(`${label}: a reject names ${r.file} line ${r.line}, not a row read`);
      if (r.column !== null && !headers.has(r.column)) problems.push(`${label}: a reject names a column that is not a header`);
      if (r.reason === '' || leaks(r.reason) !== null) problems.push(`${label}: reject reason of line ${r.line} empty or quoting a value: ${r.reason.slice(0, 200)}`);
    }
    const manifest = await store.manifest();
    if (manifest?.indexId !== summary.indexId) problems.push(`${label}: the published index is not the ingest's`);
  } catch (error) {
    const code = error instanceof VigieError ? error.code : null;
    if (reader.error === null) problems.push(`${label}: the reader succeeded but the ingest failed: ${error instanceof Error ? error.stack : String(error)}`);
    else if (code !== (reader.error as VigieError).code) problems.push(`${label}: the ingest failed with ${code ?? String(error)}, the reader with ${(reader.error as VigieError).code}`);
    else if (leaks((error as Error).message) !== null) problems.push(`${label}: the ingest's error quotes a value`);
  } finally {
    await store.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, `ingest.db${suffix}`), { force: true });
  }
}

function workbookOptions(r: Random): WorkbookOptions {
  return { sharedStrings: r.chance(0.7), sheetFirst: r.chance(0.5), level: r.pick([0, 1, 6, 9] as const) };
}

describe('source reader fuzzing', () => {
  it(`reads ${runs} mutated CSV, TSV and XLSX files: no crash, no hang, documented errors only, every row accounted for`, async () => {
    const problems: string[] = [];
    const tally = { csv: 0, xlsx: 0, failed: 0, ingested: 0, rows: 0, counted: 0, compared: 0 };
    let slowest = { ms: 0, label: '' };
    // The unmutated seeds come first: they must all read without error.
    const pristine = csvSeeds.length + xlsxSeeds.length;
    for (let i = 0; i < runs; i++) {
      const asXlsx = i < pristine ? i >= csvSeeds.length : random.chance(0.4);
      let bytes: Uint8Array;
      let what: string;
      let path: string;
      let mapping: Mapping | undefined;
      let intactZip = true;
      if (!asXlsx) {
        const s = i < pristine ? csvSeeds[i]! : random.pick(csvSeeds);
        const m = i < pristine ? { bytes: s.bytes, what: 'unmutated' } : mutateCsv(s.bytes, random);
        ({ bytes, what } = m);
        mapping = s.mapping;
        path = join(dir, `case-${i}.${s.ext}`);
        what = `${s.name}: ${what}`;
      } else {
        const s = i < pristine ? xlsxSeeds[i - csvSeeds.length]! : random.pick(xlsxSeeds);
        const options = workbookOptions(random);
        const parts = s.parts !== undefined ? new Map(s.parts) : workbookParts(s.rows!, options);
        const steps = i < pristine ? [] : mutateParts(parts, random);
        const zip = zipParts(parts, options.level);
        const m = i < pristine ? { bytes: zip, what: '' } : mutateZip(zip, random);
        intactZip = m.what === '';
        bytes = m.bytes;
        what = `${s.name} (${JSON.stringify(options)}): ${[...steps, m.what].filter((w) => w !== '').join('; ') || 'unmutated'}`;
        path = join(dir, `case-${i}.${random.chance(0.9) ? 'xlsx' : 'csv'}`);
      }
      const label = `case ${i} [seed ${JSON.stringify(seed)}] ${what}`;
      writeFileSync(path, bytes);
      watchdog.start(label);
      const started = performance.now();

      const outcome = await readAll(path, mapping === undefined ? {} : { mapping });
      checkOutcome(label, path, outcome, problems);
      if (i < pristine && outcome.error !== null) problems.push(`${label}: an unmutated seed fails: ${(outcome.error as Error).message}`);
      if (i < pristine && asXlsx) {
        // The workbook written from a seed's rows reads back as those rows, every one (dates and numbers included).
        const table = xlsxSeeds[i - csvSeeds.length]!.rows;
        if (table !== undefined && JSON.stringify(outcome.rows.map((r) => r.cells)) !== JSON.stringify(table.slice(1))) {
          problems.push(`${label}: the workbook does not read back as the rows it was written from`);
        }
      }
      if (!asXlsx) {
        if (checkCsvRows(label, bytes, outcome, problems)) tally.counted++;
        // The same bytes read by small pieces: characters, CRLF and quotes split between reads change nothing. At most
        // ~64 reads a file: a record split over many reads is parsed again from its start on each (quadratic), which
        // the default 64 KiB reads keep cheap but 1-byte reads of a megabyte field would not.
        const chunkSize = Math.max(random.pick([1, 2, 3, 5, 7, 13, 64, 1000, 4096]), Math.ceil(bytes.length / 64));
        const pieces = await readAll(path, { ...(mapping === undefined ? {} : { mapping }), chunkSize });
        checkOutcome(`${label} (read by ${chunkSize} bytes)`, path, pieces, problems);
        if (!sameRows(outcome, pieces)) problems.push(`${label}: read by ${chunkSize} bytes, the rows or the error differ`);
        tally.compared++;
      } else {
        // From a pipe, as stdin: held in memory and read by the directory, or streamed from the first byte (the
        // fallback for a package without a usable directory). The fallback meets the shared strings and styles before
        // it knows where the relationships put them, and takes them at their usual names: with a damaged
        // relationship target it may read what the directory reader reports missing, so it is compared only when
        // the relationships are intact.
        for (const stream of ['memory', 'unzip'] as const) {
          const streamed = await readAll(path, { stream });
          checkOutcome(`${label} (stream, ${stream})`, basename(path), streamed, problems);
          if (intactZip && (stream === 'memory' || !what.includes('relationship target'))) {
            if (!sameRows(outcome, streamed)) problems.push(`${label}: as a stream (${stream}), the rows or the error differ (${String((streamed.error as Error)?.message)} / ${String((outcome.error as Error)?.message)})`);
            tally.compared++;
          }
        }
      }
      if (i % INGEST_EVERY === 0 || i < pristine) {
        await checkIngest(label, path, mapping, outcome, problems);
        tally.ingested++;
      }

      const ms = performance.now() - started;
      watchdog.done();
      if (ms > slowest.ms) slowest = { ms, label };
      rmSync(path, { force: true });
      tally[asXlsx ? 'xlsx' : 'csv']++;
      if (outcome.error !== null) tally.failed++;
      tally.rows += outcome.rows.length;
      if (problems.length >= 30) break;
    }
    console.log(
      `fuzz-source: ${tally.csv} CSV/TSV and ${tally.xlsx} XLSX cases, ${tally.failed} fatal (documented errors), ` +
        `${tally.rows} rows read, ${tally.counted} row counts checked exactly, ${tally.compared} readings compared, ` +
        `${tally.ingested} ingested; slowest ${Math.round(slowest.ms)} ms (${slowest.label.slice(0, 160)})`,
    );
    expect(problems, problems.join('\n\n')).toEqual([]);
    expect(tally.csv + tally.xlsx).toBe(runs);
  }, 600_000);
});
