// The regulator dossier (GDPR art. 33): every figure recomputed here, independently, from the synthetic truth file;
// the 72-hour clock and its refusal; complementary dossiers; and no personal data in any output.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateControllerConfig } from '../src/controller/config.js';
import { exampleControllerConfig } from '../src/controller/example.js';
import type { ControllerConfig } from '../src/controller/types.js';
import { createEvaluatorPool } from '../src/index/evaluator-pool.js';
import { ingest } from '../src/index/ingest.js';
import { SqliteStore } from '../src/index/sqlite-store.js';
import { sizeBand, type Dossier } from '../src/report/dossier.js';
import { writeReport } from '../src/report/run.js';
import { HEALTH_COMMENTS } from '../src/synth/vocabulary.js';
import { DOSSIER_WORDS } from '../src/report/labels.js';
import { CATEGORY_LABELS } from '../src/i18n/categories.js';
import { normalizePhone } from '../src/identifiers/index.js';
import { createWorkspace, synthLeak, type TruthPerson, type Workspace } from './helpers.js';

interface Truth extends TruthPerson {
  postcode: string | null;
  department: string | null;
}

const ROWS = 3000;
const BREACH = 'labos-2021';
const HOUR = 3_600_000;
const hasPdftotext = spawnSync('pdftotext', ['-v']).status === 0;

function configAwareHoursBefore(now: Date, hours: number): ControllerConfig {
  const config = exampleControllerConfig();
  const regulator = config.regulator!;
  regulator.breaches[0]!.detectedAt = new Date(now.getTime() - (hours + 2) * HOUR).toISOString();
  regulator.breaches[0]!.awareAt = new Date(now.getTime() - hours * HOUR).toISOString();
  return validateControllerConfig(JSON.parse(JSON.stringify(config)));
}

describe('vigie report: the regulator dossier', () => {
  let ws: Workspace;
  let store: SqliteStore;
  let truth: Truth[];
  let file: string;
  const now = new Date('2026-11-23T10:00:00Z');

  beforeAll(async () => {
    ws = createWorkspace();
    const leak = await synthLeak(ws.dir, 'leak', ROWS, 'report-test', true);
    file = leak.file;
    truth = (leak.truth as Truth[]).filter((p) => !p.unusable);
    store = new SqliteStore(ws.db);
    const pool = await createEvaluatorPool({ secretKey: ws.key.secretKey, threads: 0 });
    try {
      await ingest({ store, pool, keyId: ws.key.keyId, breachId: BREACH, files: [file], asOf: now, now: () => now });
    } finally {
      await pool.close();
    }
  });

  afterAll(() => {
    store?.close();
    ws?.cleanup();
  });

  let first: Dossier;

  it('computes every figure as the truth file gives it', async () => {
    const out = join(ws.dir, 'dossier-1');
    ({ dossier: first } = await writeReport({ store, config: configAwareHoursBefore(now, 30), breachId: BREACH, outDir: out, phase: 'initial', reference: null, delayReason: null, now }));

    expect(first.persons.count).toBe(truth.length);
    expect(first.persons.band).toBe(sizeBand(truth.length));
    expect(first.persons.band).toBe('301-5000');

    // Minors: under 18 on the ingest's reference date.
    const minors = truth.filter((p) => {
      const [d, m, y] = p.birthDate.split('/').map(Number) as [number, number, number];
      return Date.UTC(y + 18, m - 1, d) > now.getTime();
    }).length;
    expect(first.persons.minors).toBe(minors);
    expect(minors).toBeGreaterThan(0);

    const departments = new Map<string, number>();
    for (const p of truth) departments.set(p.department ?? 'unknown', (departments.get(p.department ?? 'unknown') ?? 0) + 1);
    expect(new Map(first.persons.byDepartment.map((r) => [r.department, r.persons]))).toEqual(departments);

    for (const category of first.data.categories) {
      expect(category.persons, category.code).toBe(truth.filter((p) => p.categories.includes(category.code)).length);
    }
    const present = new Set(truth.flatMap((p) => p.categories));
    expect(first.data.categories.map((c) => c.code).sort()).toEqual([...present].sort());
    expect(first.data.sensitive).toBe(true);
    expect(first.data.sensitiveCategories).toContain('health_comment');
    expect(first.data.records).toBe(ROWS);
    expect(first.data.recordsIndexed + first.data.recordsRejected).toBe(ROWS);
    for (const column of first.data.columns) {
      expect(column.fillRate).toBeGreaterThanOrEqual(0);
      expect(column.fillRate).toBeLessThanOrEqual(1);
    }
    expect(first.data.columns.find((c) => c.header === 'NIR')!.fillRate).toBeGreaterThan(0.9);
    expect(first.data.columns.find((c) => c.header === 'EMAIL')!.fillRate).toBeLessThan(0.3);

    expect(first.annexes.files).toEqual([
      { name: 'leak.csv', sha256: createHash('sha256').update(readFileSync(file)).digest('hex'), bytes: readFileSync(file).length, rows: ROWS },
    ]);
    expect(first.clock.hoursElapsed).toBe(30);
    expect(first.clock.late).toBe(false);
    expect(first.clock.deadline).toBe(new Date(now.getTime() + 42 * HOUR).toISOString());
    expect(first.sequence).toBe(1);
    expect(first.information.channels.portal).toEqual({ notices: 0, openedOnPortal: 0 });

    const written = readdirSync(out).sort();
    expect(written).toEqual(['dossier.en.md', 'dossier.en.pdf', 'dossier.json', 'dossier.md', 'dossier.pdf', 'letter-template.md', 'register.csv']);
    expect(JSON.parse(readFileSync(join(out, 'dossier.json'), 'utf8'))).toEqual(first);
    const register = readFileSync(join(out, 'register.csv'), 'utf8').trim().split('\n');
    expect(register).toHaveLength(2);
    expect(register[1]).toContain(`${BREACH},1,`);
    const md = readFileSync(join(out, 'dossier.md'), 'utf8');
    expect(md).toContain('Notification de violation de données personnelles');
    expect(md).toContain(`| Nombre de personnes | ${String(truth.length).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')} |`);
    expect(readFileSync(join(out, 'dossier.en.md'), 'utf8')).toContain('Personal data breach notification');
  });

  it.skipIf(!hasPdftotext)('writes a readable PDF with the chart and the table by department', () => {
    const text = execFileSync('pdftotext', ['-layout', join(ws.dir, 'dossier-1', 'dossier.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('Personnes par catégorie de données');
    expect(text).toContain('Personnes par département');
    expect(text).toContain('301-5000');
    const top = first.persons.byDepartment.find((r) => r.department !== 'unknown')!;
    expect(text).toMatch(new RegExp(`${top.department}\\s+${String(top.persons).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')}`));
    const en = execFileSync('pdftotext', [join(ws.dir, 'dossier-1', 'dossier.en.pdf'), '-'], { encoding: 'utf8' });
    expect(en).toContain('Persons by data category');
  });

  it('refuses a dossier past 72 hours without a reason, and records the reason when given', async () => {
    const late = configAwareHoursBefore(now, 80);
    await expect(
      writeReport({ store, config: late, breachId: BREACH, outDir: join(ws.dir, 'late'), phase: 'complementary', reference: 'ABC', delayReason: null, now }),
    ).rejects.toMatchObject({ code: 'E_DOSSIER_LATE' });
    expect(() => readdirSync(join(ws.dir, 'late'))).toThrow(); // nothing written
    const { dossier } = await writeReport({
      store,
      config: late,
      breachId: BREACH,
      outDir: join(ws.dir, 'late'),
      phase: 'complementary',
      reference: 'CNIL-REF-42',
      delayReason: 'le périmètre du fichier a dû être établi avec le prestataire',
      now,
    });
    expect(dossier.clock.late).toBe(true);
    expect(dossier.clock.hoursElapsed).toBe(80);
    expect(dossier.clock.delayReason).toBe('le périmètre du fichier a dû être établi avec le prestataire');
    expect(readFileSync(join(ws.dir, 'late', 'dossier.md'), 'utf8')).toContain('Motifs du retard');
    // A complementary dossier shows what changed since the previous one.
    expect(dossier.sequence).toBe(2);
    expect(dossier.annexes.audit.map((a) => a.sequence)).toEqual([1]);
    expect(dossier.annexes.changes.map((c) => c.field)).toContain('clock.awareAt');
  });

  it('refuses an unknown breach, and a complementary dossier before any initial one', async () => {
    await expect(
      writeReport({ store, config: configAwareHoursBefore(now, 10), breachId: 'unknown-breach', outDir: join(ws.dir, 'x'), phase: 'initial', reference: null, delayReason: null, now }),
    ).rejects.toMatchObject({ code: 'E_BREACH' });
    const fresh = new SqliteStore(join(ws.dir, 'fresh.db'));
    try {
      fresh.db.exec(`ATTACH DATABASE '${ws.db}' AS src; INSERT INTO breaches SELECT * FROM src.breaches; DETACH DATABASE src`);
      await expect(
        writeReport({ store: fresh, config: configAwareHoursBefore(now, 10), breachId: BREACH, outDir: join(ws.dir, 'y'), phase: 'complementary', reference: null, delayReason: null, now }),
      ).rejects.toMatchObject({ code: 'E_DOSSIER' });
    } finally {
      fresh.close();
    }
  });

  it('counts the notice campaign: notices and notices opened on the portal', async () => {
    store.putNotices(BREACH, [
      { noticeId: 'A'.repeat(22), sealed: new Uint8Array(40) },
      { noticeId: 'B'.repeat(22), sealed: new Uint8Array(40) },
    ]);
    store.markNoticeOpened('A'.repeat(22));
    const { dossier } = await writeReport({ store, config: configAwareHoursBefore(now, 50), breachId: BREACH, outDir: join(ws.dir, 'dossier-3'), phase: 'complementary', reference: 'CNIL-REF-42', delayReason: null, now });
    expect(dossier.information.channels.portal).toEqual({ notices: 2, openedOnPortal: 1 });
    expect(dossier.information.channels.emailUnconfirmed).toBe(0);
    expect(dossier.annexes.changes.map((c) => c.field)).toContain('information.channels.portal.notices');
    // The notification this one complements: the previous dossier's reference.
    expect(dossier.notification.earlierReference).toBe('CNIL-REF-42');
  });

  it('holds no name, NIR, e-mail, phone, postcode or comment words in any output', () => {
    const outputs = ['dossier-1', 'late', 'dossier-3'].flatMap((d) => readdirSync(join(ws.dir, d)).map((f) => join(ws.dir, d, f)));
    const texts = outputs.map((path) =>
      path.endsWith('.pdf') ? (hasPdftotext ? execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' }) : '') : readFileSync(path, 'utf8'),
    );
    const all = texts.join('\n').toLowerCase();
    // Words of Vigie's own fixed texts (labels, the letter template) and of the configuration are not from the file.
    const configText = [
      JSON.stringify(exampleControllerConfig()),
      JSON.stringify(DOSSIER_WORDS),
      JSON.stringify(CATEGORY_LABELS),
      readFileSync(join(ws.dir, 'dossier-1', 'letter-template.md'), 'utf8'),
    ]
      .join('\n')
      .toLowerCase();
    const needles = new Set<string>();
    for (const p of truth) {
      needles.add(p.nir.replace(/\s/g, '').slice(0, 13));
      if (p.email !== null) needles.add(p.email.toLowerCase());
      if (p.phone !== null) {
        needles.add(p.phone.replace(/\D/g, ''));
        const e164 = normalizePhone(p.phone);
        if (e164.ok) needles.add(e164.value);
      }
      if (p.postcode !== null && !configText.includes(p.postcode)) needles.add(p.postcode);
      for (const name of [p.lastName, p.firstName]) {
        const word = name.toLowerCase();
        if (word.length >= 4 && !configText.includes(word)) needles.add(word);
      }
    }
    for (const comment of HEALTH_COMMENTS) for (const word of comment.toLowerCase().split(/[^\p{L}]+/u)) if (word.length >= 7 && !configText.includes(word)) needles.add(word);
    const found = [...needles].filter((needle) => new RegExp(`(^|[^\\p{L}\\d])${needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}\\d])`, 'u').test(all));
    expect(found).toEqual([]);
  });
});

describe('vigie report on the command line', () => {
  it('writes the dossier, refuses a late one with one clear line, and accepts --delay-reason', async () => {
    const ws = createWorkspace();
    try {
      const { file } = await synthLeak(ws.dir, 'cli', 400, 'report-cli', false);
      const env = { ...process.env, VIGIE_DB: ws.db, VIGIE_KEY_FILE: ws.keyFile };
      const lines: string[] = [];
      const sink = { write: (s: string) => (lines.push(s), true) } as unknown as NodeJS.WritableStream;
      const io = { stdout: sink, stderr: sink, env };
      const { main } = await import('../src/cli/main.js');
      expect(await main(['ingest', file, '--breach', BREACH, '--progress', 'none'], io)).toBe(0);
      const config = exampleControllerConfig(); // aware in 2021: long past the 72 hours
      const path = join(ws.dir, 'controller.json');
      (await import('node:fs')).writeFileSync(path, JSON.stringify(config));
      lines.length = 0;
      expect(await main(['report', '--breach', BREACH, '--controller', path, '--out', join(ws.dir, 'out')], io)).toBe(1);
      expect(lines.join('')).toMatch(/vigie report: .*hours have passed since awareness.*--delay-reason.*\[E_DOSSIER_LATE\]/);
      lines.length = 0;
      expect(await main(['report', '--breach', BREACH, '--controller', path, '--out', join(ws.dir, 'out'), '--delay-reason', 'exemple', '--json'], io)).toBe(0);
      const result = JSON.parse(lines.join('').trim()) as { sequence: number; late: boolean; band: string; files: string[] };
      expect(result).toMatchObject({ sequence: 1, late: true, band: '301-5000' });
      expect(result.files.map((f) => f.split('/').pop())).toContain('dossier.pdf');
      expect(await main(['report', '--breach', BREACH, '--controller', path, '--out', join(ws.dir, 'out'), '--phase', 'final'], io)).toBe(2);
    } finally {
      ws.cleanup();
    }
  });
});
