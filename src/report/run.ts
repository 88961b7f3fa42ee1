// `vigie report`: computes the regulator dossier of a breach from the store and the controller's configuration,
// writes it (JSON, Markdown and PDF in French and English, the letter template, a line of the art. 33(5) register)
// and appends it to the store's dossier log (art. 33(5): the controller documents every breach and each update).

import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { breachNoticeOf } from '../controller/config.js';
import type { ControllerConfig } from '../controller/types.js';
import { VigieError } from '../errors.js';
import type { SqliteStore } from '../index/sqlite-store.js';
import { noticeFigures } from '../notices/figures.js';
import { letterTexts } from '../notices/letter-text.js';
import { dossierDocument } from './document.js';
import { computeDossier, REGISTER_HEADER, registerLine, type AuditEntry, type Dossier, } from './dossier.js';
import { renderMarkdown } from './render-md.js';
import { renderPdf } from './render-pdf.js';

const LOG_SCHEMA = `CREATE TABLE IF NOT EXISTS dossiers (
  breach_id TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  at TEXT NOT NULL,
  phase TEXT NOT NULL,
  reference TEXT,
  persons INTEGER NOT NULL,
  late INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  dossier TEXT NOT NULL,
  PRIMARY KEY (breach_id, sequence)
) WITHOUT ROWID`;

export interface ReportOptions {
  store: SqliteStore;
  config: ControllerConfig;
  breachId: string;
  outDir: string;
  phase: 'initial' | 'complementary';
  reference: string | null;
  delayReason: string | null;
  now?: Date;
}

export interface ReportResult {
  dossier: Dossier;
  files: string[];
}

interface LogRow {
  sequence: number;
  at: string;
  phase: 'initial' | 'complementary';
  reference: string | null;
  persons: number;
  late: number;
  sha256: string;
  dossier: string;
}

/** The dossier log of a breach, oldest first. */
export function dossierLog(store: SqliteStore, breachId: string): { entries: AuditEntry[]; last: Dossier | null } {
  store.db.exec(LOG_SCHEMA);
  const rows = store.db.prepare('SELECT * FROM dossiers WHERE breach_id = ? ORDER BY sequence').all(breachId) as LogRow[];
  const entries = rows.map((r) => ({ sequence: r.sequence, at: r.at, phase: r.phase, reference: r.reference, persons: r.persons, late: r.late === 1, sha256: r.sha256 }));
  const lastRow = rows.at(-1);
  return { entries, last: lastRow === undefined ? null : (JSON.parse(lastRow.dossier) as Dossier) };
}


const csvField = (value: string): string => (/[",\r\n;]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** The letter the persons receive, with placeholders where each person's details go. */
function letterTemplate(config: ControllerConfig, breachId: string, issuedAt: string): string {
  const breach = breachNoticeOf(config, breachId);
  const out: string[] = [];
  for (const lang of config.languages) {
    const texts = letterTexts(config, breach, lang, issuedAt);
    const para = (p: { kind: string; text: string }): string => (p.kind === 'heading' ? `### ${p.text}` : p.kind === 'bullet' ? `- ${p.text}` : p.text);
    const placeholder = lang === 'fr' ? '[nom, adresse, référence, laboratoires, catégories et code de la personne]' : "[the person's name, address, reference, laboratories, categories and code]";
    out.push(`## ${lang === 'fr' ? 'Modèle de courrier (français)' : 'Letter template (English)'}`, '', texts.dateLine, '', `**${texts.subject}**`, '', placeholder, '');
    for (const p of [...texts.opening, ...texts.middle, ...texts.closing]) out.push(para(p), '');
  }
  return out.join('\n');
}

export async function writeReport(options: ReportOptions): Promise<ReportResult> {
  const { store, config, breachId } = options;
  const record = store.breach(breachId);
  if (record === null || record.stats === null) throw new VigieError('E_BREACH', `breach ${breachId} has not been ingested into this store`);
  const now = options.now ?? new Date();
  const log = dossierLog(store, breachId);
  const dossier = computeDossier({
    breachId,
    breachTitle: config.breaches.find((b) => b.id === breachId)?.title.fr ?? record.title,
    stats: record.stats,
    config,
    notices: noticeFigures(store, breachId),
    phase: options.phase,
    reference: options.reference,
    delayReason: options.delayReason,
    now,
    previous: log.last,
    audit: log.entries,
  });

  mkdirSync(options.outDir, { recursive: true });
  const json = `${JSON.stringify(dossier, null, 2)}\n`;
  const sha256 = createHash('sha256').update(json).digest('hex');
  const files: [string, string | Buffer][] = [
    ['dossier.json', json],
    ['dossier.md', renderMarkdown(dossierDocument(dossier, 'fr'))],
    ['dossier.en.md', renderMarkdown(dossierDocument(dossier, 'en'))],
    ['dossier.pdf', await renderPdf(dossierDocument(dossier, 'fr'), now)],
    ['dossier.en.pdf', await renderPdf(dossierDocument(dossier, 'en'), now)],
    ['letter-template.md', letterTemplate(config, breachId, now.toISOString().slice(0, 10))],
  ];
  const written: string[] = [];
  for (const [name, content] of files) {
    const path = join(options.outDir, name);
    writeFileSync(path, content);
    written.push(path);
  }
  const register = join(options.outDir, 'register.csv');
  if (!existsSync(register)) appendFileSync(register, `${REGISTER_HEADER.join(',')}\n`);
  appendFileSync(register, `${registerLine(dossier).map(csvField).join(',')}\n`);
  written.push(register);

  store.db
    .prepare('INSERT INTO dossiers (breach_id, sequence, at, phase, reference, persons, late, sha256, dossier) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(breachId, dossier.sequence, dossier.generatedAt, dossier.notification.phase, dossier.notification.reference, dossier.persons.count, dossier.clock.late ? 1 : 0, sha256, json);
  return { dossier, files: written };
}
