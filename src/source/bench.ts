// Measures the source reader's throughput and memory on synthetic lab exports (30 columns, a few
// quoted multi-line comments): `npm run build && node dist/src/source/bench.js [rows] [csv|xlsx]`.
// The files are written to the OS temporary folder and removed afterwards; no real data is used.

import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Zip, ZipDeflate, strToU8 } from 'fflate';
import { openSource } from './source.js';

const HEADER = [
  'CODE_LABO', 'NUM_DOSSIER', 'DATE_PRELEVEMENT', 'DATE_DERNIERE_VISITE', 'NOM', 'PRENOM', 'SEXE', 'DATE_NAISSANCE',
  'NOM_NAISSANCE', 'NIR', 'RANG_BENEFICIAIRE', 'NOM_ASSURE', 'ADRESSE1', 'ADRESSE2', 'CP', 'VILLE', 'TEL_DOMICILE',
  'TEL_PORTABLE', 'EMAIL', 'GROUPE_SANGUIN', 'MUTUELLE', 'MED_PRESC_NOM', 'MED_PRESC_CP', 'MED_PRESC_VILLE',
  'PRELEVEUR_NOM', 'COMMENTAIRE_1', 'COMMENTAIRE_2', 'LOGIN_WEB', 'MDP_WEB', 'OBSERVATION_INTERNE',
];
const NAMES = ['Lefèvre', 'Martin', 'Le Goff', 'Dupont', 'Hervé', 'Noël', 'Cœur', 'Bernard', 'Guérin', 'Kerjean'];
const FIRST = ['Hélène', 'Jean', 'Zoé', 'François', 'Anaïs', 'Loïc', 'Maël', 'Gaëlle', 'Pierre', 'Chloé'];
const CITIES = ['Rennes', 'Saint-Brieuc', 'Vannes', 'Orléans', 'Évreux', 'Blois', 'Lorient', 'Quimper'];

/** One synthetic row; every 20th has a quoted multi-line comment with separators and quotes. */
function row(i: number): string[] {
  const day = String(1 + (i % 28)).padStart(2, '0');
  const month = String(1 + (i % 12)).padStart(2, '0');
  const comment = i % 20 === 0 ? `Levothyrox 75µg; contrôle "TSH"\nà 3 mois, ${i}` : '';
  return [
    `LAB${String(i % 28).padStart(2, '0')}`, `D${i}`, `${day}/${month}/2019`, `${day}/${month}/2020`,
    NAMES[i % 10] as string, FIRST[(i >> 3) % 10] as string, i % 2 === 0 ? 'F' : 'M', `${day}/${month}/${1940 + (i % 70)}`,
    i % 3 === 0 ? (NAMES[(i >> 2) % 10] as string) : '', `2 ${String(i % 100).padStart(2, '0')} ${month} 75 123 ${String(i % 1000).padStart(3, '0')} 42`,
    String(1 + (i % 3)), i % 4 === 0 ? `${NAMES[(i >> 1) % 10]} ${FIRST[i % 10]}` : '', `${1 + (i % 200)} rue de la Gare`,
    i % 5 === 0 ? 'Bâtiment B' : '', `35${String(i % 1000).padStart(3, '0')}`, CITIES[i % 8] as string,
    `02 99 ${String(i % 100).padStart(2, '0')} 12 34`, `06 12 ${String(i % 100).padStart(2, '0')} 56 78`,
    i % 9 === 0 ? `patient${i}@example.fr` : '', ['A+', 'O-', 'B+', 'AB+'][i % 4] as string, i % 2 ? 'MGEN' : '',
    `Dr ${NAMES[(i >> 4) % 10]}`, `56${String(i % 1000).padStart(3, '0')}`, CITIES[(i >> 1) % 8] as string,
    `IDE ${FIRST[(i >> 5) % 10]}`, comment, i % 50 === 0 ? 'Grossesse' : '', i % 10 === 0 ? `p${i}` : '',
    i % 10 === 0 ? `${1940 + (i % 70)}${month}${day}` : '', '',
  ];
}

function csvLine(cells: string[]): string {
  return cells.map((c) => (/[";\n\r]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(';');
}

async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${HEADER.join(';')}\r\n`);
  let buffer = '';
  for (let i = 0; i < rows; i++) {
    buffer += `${csvLine(row(i))}\r\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function column(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** An xlsx as Excel writes it: shared strings, the sheet before sharedStrings.xml. */
async function writeXlsx(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  const zip = new Zip((error, data) => {
    if (error) throw error;
    out.write(data);
  });
  const add = (name: string, text: string): void => {
    const file = new ZipDeflate(name, { level: 6 });
    zip.add(file);
    file.push(strToU8(text), true);
  };
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  add('_rels/.rels', `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`);
  add('xl/workbook.xml', `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${rel}"><sheets><sheet name="Export" sheetId="1" r:id="r1"/></sheets></workbook>`);
  add('xl/_rels/workbook.xml.rels', `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="r2" Type="${rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`);
  const strings = new Map<string, number>();
  const sheet = new ZipDeflate('xl/worksheets/sheet1.xml', { level: 6 });
  zip.add(sheet);
  sheet.push(strToU8('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'));
  let xml = '';
  for (let r = 0; r <= rows; r++) {
    const cells = r === 0 ? HEADER : row(r - 1);
    xml += `<row r="${r + 1}">`;
    cells.forEach((value, c) => {
      if (value === '') return;
      let index = strings.get(value);
      if (index === undefined) strings.set(value, (index = strings.size));
      xml += `<c r="${column(c)}${r + 1}" t="s"><v>${index}</v></c>`;
    });
    xml += '</row>';
    if (xml.length > 1 << 20) {
      sheet.push(strToU8(xml));
      xml = '';
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  sheet.push(strToU8(`${xml}</sheetData></worksheet>`), true);
  let sst = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">';
  for (const value of strings.keys()) sst += `<si><t xml:space="preserve">${escapeXml(value)}</t></si>`;
  add('xl/sharedStrings.xml', `${sst}</sst>`);
  zip.end();
  out.end();
  await once(out, 'finish');
}

export async function bench(rows: number, format: 'csv' | 'xlsx'): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-'));
  try {
    const path = join(dir, `bench.${format}`);
    await (format === 'csv' ? writeCsv(path, rows) : writeXlsx(path, rows));
    const size = statSync(path).size;
    globalThis.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    const source = await openSource(path);
    let count = 0;
    let errors = 0;
    for await (const batch of source.rows()) {
      count += batch.length;
      for (const r of batch) if (r.error !== undefined) errors++;
      if ((count & 0x3fff) < batch.length) peak = Math.max(peak, process.memoryUsage().rss);
    }
    source.sha256();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    console.log(
      `${format}: ${count} rows (${errors} errors), ${(size / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s ` +
        `(${cpuSeconds.toFixed(2)} s CPU): ${Math.round(count / seconds).toLocaleString('en')} rows/s, ` +
        `${Math.round(count / cpuSeconds).toLocaleString('en')} rows per CPU second, ${(size / 1e6 / seconds).toFixed(1)} MB/s; ` +
        `RSS ${(rssBefore / 1e6).toFixed(0)} MB before, peak ${(peak / 1e6).toFixed(0)} MB`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = Number(process.argv[2] ?? 500_000);
  const formats = process.argv[3] === undefined ? (['csv', 'xlsx'] as const) : [process.argv[3] as 'csv' | 'xlsx'];
  for (const format of formats) await bench(rows, format);
}
