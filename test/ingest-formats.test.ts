// Ingest of other shapes of export: an XLSX workbook with English headers, a mapping for unknown columns,
// several files in one run, a second breach added beside the first.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVoprfServer } from '../src/crypto/voprf-server.js';
import { createEvaluatorPool, type EvaluatorPool } from '../src/index/evaluator-pool.js';
import { ingest } from '../src/index/ingest.js';
import { createLookupService } from '../src/index/lookup-service.js';
import { SqliteStore } from '../src/index/sqlite-store.js';
import { createLookupClient, mergeMatches, type LookupClient } from '../src/lookup/client.js';
import { loadMapping } from '../src/source/index.js';
import { createWorkspace, type Workspace } from './helpers.js';

describe('ingest of XLSX, mapped columns and several breaches', () => {
  let ws: Workspace;
  let store: SqliteStore;
  let pool: EvaluatorPool;
  let client: LookupClient;

  beforeAll(async () => {
    ws = createWorkspace();
    store = new SqliteStore(ws.db);
    pool = await createEvaluatorPool({ secretKey: ws.key.secretKey, threads: 0 });
    client = createLookupClient({ transport: createLookupService({ store, server: await createVoprfServer(ws.key.secretKey), keyId: ws.key.keyId }) });
  });
  afterAll(async () => {
    await pool.close();
    store.close();
    ws.cleanup();
  });

  it('reads an Excel export with English headers and a mapping for the rest', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Patients');
    sheet.addRow(['Last name', 'First name', 'Date of birth', 'Social security number', 'Mobile phone', 'E-mail', 'Blood group', 'Remarque labo', 'Mystery']);
    sheet.addRow(['Lefèvre', 'Hélène', new Date(Date.UTC(1985, 2, 9)), 2850356123456, '06 12 34 56 78', 'helene@example.fr', 'A+', 'grossesse', 'x']);
    sheet.addRow(['Dupont', 'Jean-Pierre', '14/07/1990', '1 90 07 75 123 456', '', '', '', '', '']);
    sheet.addRow(['', '', '', '', '', '', 'O-', '', 'y']); // no identifier: rejected
    const file = join(ws.dir, 'export.xlsx');
    await workbook.xlsx.writeFile(file);
    const mappingFile = join(ws.dir, 'mapping.json');
    writeFileSync(mappingFile, JSON.stringify({ 'Remarque labo': 'health_comment' }));

    const summary = await ingest({ store, pool, keyId: ws.key.keyId, breachId: 'excel-2021', files: [file], mapping: loadMapping(mappingFile) });
    expect(summary).toMatchObject({ rowsRead: 3, rowsIndexed: 2, rowsRejected: 1 });
    expect(summary.unmappedColumns).toEqual(['export.xlsx: Mystery']);
    expect(summary.identifiers).toEqual({ nir: 2, email: 1, phone: 1, person: 2 });

    const helene = await client.checkQuery({ lastName: 'LEFEVRE', firstName: 'helene', birthDate: '1985-03-09' });
    expect(helene.found).toBe(true);
    expect(mergeMatches(helene.matches)).toEqual([
      { id: 'excel-2021', categories: ['identity', 'birth_date', 'email', 'phone', 'nir', 'blood_group', 'health_comment'] },
    ]);
    const jp = await client.checkQuery({ nir: '190077512345', phone: '+33 6 12 34 56 78' });
    expect(jp.errors.map((e) => e.field)).toEqual(['nir']); // 12 characters: not a NIR, reported, not sent
    expect((await client.checkQuery({ lastName: 'dupont', firstName: 'jean pierre', birthDate: '1990-07-14' })).found).toBe(true);
  });

  it('adds a second breach: the new index answers for both, and a rerun replaces only its own breach', async () => {
    const a = join(ws.dir, 'a.csv');
    const b = join(ws.dir, 'b.csv');
    writeFileSync(a, 'NOM;PRENOM;DATE_NAISSANCE;EMAIL;GROUPE_SANGUIN\nMartin;Léa;01/02/2003;lea.martin@example.fr;B+\n');
    writeFileSync(b, 'NOM,PRENOM,DATE_NAISSANCE,EMAIL,MDP_WEB\r\nMartin,Léa,2003-02-01,LEA.MARTIN@example.fr,secret\r\n');
    const first = await ingest({ store, pool, keyId: ws.key.keyId, breachId: 'lab-a', files: [a] });
    const second = await ingest({ store, pool, keyId: ws.key.keyId, breachId: 'lab-b', files: [b] });
    expect(second.indexId).not.toBe(first.indexId);
    const lea = await client.checkQuery({ email: 'lea.martin@example.fr' });
    expect(lea.matches).toEqual([
      {
        type: 'email',
        breaches: [
          { id: 'lab-a', categories: ['identity', 'birth_date', 'email', 'blood_group'] },
          { id: 'lab-b', categories: ['identity', 'birth_date', 'email', 'portal_credentials'] },
        ],
      },
    ]);
    expect(lea.manifest.breaches.map((x) => x.id)).toEqual(['excel-2021', 'lab-a', 'lab-b']);

    // Re-ingesting lab-a from a file without Léa removes her from lab-a only.
    writeFileSync(a, 'NOM;PRENOM;DATE_NAISSANCE;EMAIL\nBernard;Paul;05/06/1970;paul@example.fr\n');
    await ingest({ store, pool, keyId: ws.key.keyId, breachId: 'lab-a', files: [a] });
    expect((await client.checkQuery({ email: 'lea.martin@example.fr' })).matches[0]!.breaches.map((x) => x.id)).toEqual(['lab-b']);
    // Two files in one run make one breach.
    const both = await ingest({ store, pool, keyId: ws.key.keyId, breachId: 'lab-ab', files: [a, b] });
    expect(both).toMatchObject({ rowsRead: 2, rowsIndexed: 2, persons: 2 });
    expect(both.files.map((f) => f.name)).toEqual(['a.csv', 'b.csv']);
    expect(both.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a key other than the one the store was built with', async () => {
    const other = createWorkspace();
    try {
      await expect(ingest({ store, pool, keyId: other.key.keyId, breachId: 'lab-a', files: [join(ws.dir, 'a.csv')] })).rejects.toThrow(/built with key/);
    } finally {
      other.cleanup();
    }
  });

  it('keeps no value of a header row merged with a data row by a stray quote', async () => {
    // The quote opened in the last header cell closes at the end of the first data row: the row becomes a column name.
    const file = join(ws.dir, 'merged-header.csv');
    writeFileSync(
      file,
      'NIR;NOM;PRENOM;DATE_NAISSANCE;"COMMENTAIRE\n2900775123456;MARTINEAU;SOLENNE;03/02/1990;jeune.fille@example.fr"\n' +
        '1850275123456;DUPONT;JEAN;14/07/1985;\n',
    );
    const summary = await ingest({ store, pool, keyId: ws.key.keyId, breachId: 'merged', files: [file] });
    expect(summary.rowsRead).toBe(1);
    expect(summary.rowsIndexed).toBe(1);
    const kept = JSON.stringify([summary.unmappedColumns, store.breach('merged')!.stats]);
    for (const value of ['2900775123456', 'MARTINEAU', 'SOLENNE', '03/02/1990', 'jeune.fille']) expect(kept).not.toContain(value);
    expect(summary.unmappedColumns).toContain('merged-header.csv: column 5 (its header looks like a value: not kept)');
  });
});
