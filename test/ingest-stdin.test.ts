// `vigie ingest -` reads the leak from standard input (CSV in Windows-1252, XLSX held in memory, never written to
// disk), named `stdin` in the statistics with its SHA-256 and size; and one run over several files, `-` among them,
// gives the counts and answers of one run over the same rows in one file.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVoprfServer } from '../src/crypto/voprf-server.js';
import type { IngestSummary } from '../src/index/ingest.js';
import { createLookupService } from '../src/index/lookup-service.js';
import { SqliteStore } from '../src/index/sqlite-store.js';
import { createLookupClient } from '../src/lookup/index.js';
import { openSource } from '../src/source/index.js';
import { createWorkspace, synthLeak, type TruthPerson, type Workspace } from './helpers.js';

const BIN = resolve('bin/vigie.js');
const ROWS = 1500;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** What `vigie ingest --json` prints: the summary without its manifest (and a few more fields). */
type Summary = Omit<IngestSummary, 'manifest'>;

let ws: Workspace;
let leak: string;
let truth: TruthPerson[];
let dbs = 0;

/** Runs the built command with `stdin` (a file piped in, or nothing), a store of its own unless `db` is given. */
function vigie(args: string[], options: { stdin?: string; db?: string } = {}): Promise<Run & { db: string }> {
  const db = options.db ?? join(ws.dir, `store-${++dbs}.db`);
  const env = { ...process.env, VIGIE_DB: db, VIGIE_KEY_FILE: ws.keyFile };
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: ws.dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr, db }));
    if (options.stdin === undefined) child.stdin.end();
    else createReadStream(options.stdin).pipe(child.stdin);
  });
}

async function ingestRun(files: string[], stdin?: string): Promise<{ summary: Summary; db: string; rejects: string }> {
  const rejects = join(ws.dir, `rejects-${++dbs}.csv`);
  const args = ['ingest', ...files, '--breach', 'labos-2021', '--threads', '1', '--rejects', rejects, '--progress', 'none', '--json'];
  const r = await vigie(args, stdin === undefined ? {} : { stdin });
  expect(r.status, r.stderr).toBe(0);
  return { summary: JSON.parse(r.stdout) as Summary, db: r.db, rejects };
}

/** The counts that do not depend on how the rows were cut into files. */
function counts(s: Summary): object {
  const { rowsRead, rowsIndexed, rowsRejected, identifiers, persons, nirKeyMissing, nirKeyWrong, evaluations, rejectReasons, fieldIssues } = s;
  return { rowsRead, rowsIndexed, rowsRejected, identifiers, persons, nirKeyMissing, nirKeyWrong, evaluations, rejectReasons, fieldIssues };
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Cuts CSV records (after the header line) into `parts` pieces at line ends outside quotes, each with the header. */
function splitCsv(bytes: Buffer, parts: number): Buffer[] {
  const headerEnd = bytes.indexOf(0x0a) + 1;
  const header = bytes.subarray(0, headerEnd);
  const cuts: number[] = [headerEnd];
  let quoted = false;
  for (let i = headerEnd; i < bytes.length && cuts.length < parts; i++) {
    if (bytes[i] === 0x22) quoted = !quoted;
    else if (bytes[i] === 0x0a && !quoted && i - headerEnd >= ((bytes.length - headerEnd) * cuts.length) / parts) cuts.push(i + 1);
  }
  cuts.push(bytes.length);
  return cuts.slice(0, -1).map((start, k) => Buffer.concat([header, bytes.subarray(start, cuts[k + 1])]));
}

/** The same rows as an Excel workbook, every cell a string as the CSV reader gives it. */
async function csvToXlsx(csv: string, xlsx: string): Promise<void> {
  const source = await openSource(csv);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Export');
  sheet.addRow(source.info.columns.map((c) => c.header));
  for await (const rows of source.rows()) for (const row of rows) sheet.addRow(row.cells.map((c) => (c === '' ? null : c)));
  await workbook.xlsx.writeFile(xlsx);
}

async function answersOf(db: string, people: TruthPerson[]): Promise<unknown[]> {
  const store = new SqliteStore(db);
  try {
    const client = createLookupClient({ transport: createLookupService({ store, server: await createVoprfServer(ws.key.secretKey), keyId: ws.key.keyId }) });
    const answers: unknown[] = [];
    for (const p of people) {
      const result = await client.checkQuery({ nir: p.nir, ...(p.email === null ? {} : { email: p.email }), lastName: p.lastName, firstName: p.firstName, birthDate: p.birthDate });
      answers.push(result.results.map(({ type, found, breaches }) => ({ type, found, breaches })));
    }
    return answers;
  } finally {
    store.close();
  }
}

beforeAll(async () => {
  ws = createWorkspace();
  ({ file: leak, truth } = await synthLeak(ws.dir, 'leak', ROWS, 'ingest-stdin', true));
});
afterAll(() => ws?.cleanup());

describe('vigie ingest from standard input and several files', () => {
  it('reads a Windows-1252 CSV from stdin as from its path, and names it stdin with its SHA-256 and size', async () => {
    const [byPath, byStdin] = await Promise.all([ingestRun([leak]), ingestRun(['-'], leak)]);
    expect(counts(byStdin.summary)).toEqual(counts(byPath.summary));
    expect(byStdin.summary.rowsRead).toBe(ROWS);
    expect(byStdin.summary.files).toEqual([{ ...byPath.summary.files[0], name: 'stdin' }]);
    expect(byStdin.summary.files[0]).toMatchObject({ name: 'stdin', sha256: sha256(leak), bytes: statSync(leak).size, format: 'csv', encoding: 'windows-1252' });
    // The reject report names the source stdin too.
    const rejects = readFileSync(byStdin.rejects, 'utf8').trim().split('\n').slice(1);
    expect(rejects.length).toBeGreaterThan(0);
    expect(new Set(rejects.map((line) => line.split(',')[0]))).toEqual(new Set(['stdin']));
  });

  it('reads an XLSX from stdin (held in memory, never written to disk) as from its path', async () => {
    const xlsx = join(ws.dir, 'leak.xlsx');
    await csvToXlsx(leak, xlsx);
    const before = readdirSync(ws.dir).sort();
    const [byPath, byStdin] = await Promise.all([ingestRun([xlsx]), ingestRun(['-'], xlsx)]);
    expect(counts(byStdin.summary)).toEqual(counts(byPath.summary));
    expect(counts(byStdin.summary)).toMatchObject({ rowsRead: ROWS });
    expect(byStdin.summary.files[0]).toMatchObject({ name: 'stdin', sha256: sha256(xlsx), bytes: statSync(xlsx).size, format: 'xlsx' });
    // Nothing but the two stores and the reject report appeared beside them: no copy of the leak.
    const added = readdirSync(ws.dir).filter((f) => !before.includes(f));
    expect(added.filter((f) => !/^(store-\d+\.db(-wal|-shm)?|rejects-\d+\.csv)$/.test(f))).toEqual([]);
  });

  it('gives the counts and answers of one concatenated file when the rows come in three files, stdin among them', async () => {
    const [a, b, c] = splitCsv(readFileSync(leak), 3);
    const partA = join(ws.dir, 'part-a.csv');
    const partB = join(ws.dir, 'part-b.csv');
    const partC = join(ws.dir, 'part-c.csv');
    writeFileSync(partA, a!);
    writeFileSync(partB, b!);
    writeFileSync(partC, c!);
    const partCx = join(ws.dir, 'part-c.xlsx');
    await csvToXlsx(partC, partCx);
    const whole = join(ws.dir, 'whole.csv');
    // One file of the same records: the header once, then the three parts' records in order.
    const headerLength = readFileSync(leak).indexOf(0x0a) + 1;
    writeFileSync(whole, Buffer.concat([a!, b!.subarray(headerLength), c!.subarray(headerLength)]));
    expect(readFileSync(whole).equals(readFileSync(leak))).toBe(true);

    const [several, one] = await Promise.all([ingestRun([partA, '-', partCx], partB), ingestRun([whole])]);
    expect(counts(several.summary)).toEqual(counts(one.summary));
    expect(several.summary.files.map((f) => [f.name, f.format])).toEqual([['part-a.csv', 'csv'], ['stdin', 'csv'], ['part-c.xlsx', 'xlsx']]);
    expect(several.summary.files.map((f) => f.rowsRead).reduce((x, y) => x + y)).toBe(ROWS);
    expect(several.summary.files[1]).toMatchObject({ sha256: sha256(partB), bytes: statSync(partB).size });
    const people = truth.filter((_, i) => i % 15 === 0);
    expect(await answersOf(several.db, people)).toEqual(await answersOf(one.db, people));
  });

  it('refuses "-" twice, and an empty stdin, in one line', async () => {
    const twice = await vigie(['ingest', '-', '-', '--breach', 'x', '--progress', 'none']);
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/standard input.*\[E_USAGE\]/);
    const empty = await vigie(['ingest', '-', '--breach', 'x', '--progress', 'none']);
    expect(empty.status).toBe(1);
    expect(empty.stderr.trim().split('\n')).toHaveLength(1);
    expect(empty.stderr).toMatch(/stdin.*\[E_SOURCE_HEADER\]/);
  });
});
