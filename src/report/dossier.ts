// The regulator dossier (GDPR art. 33(3), DATA.md §4): computed from the ingest statistics, the notice campaign and
// the controller's configuration. Pure: no I/O, no clock of its own. Holds counts and the controller's own texts,
// never a value from the file.

import { VigieError } from '../errors.js';
import type { ControllerConfig } from '../controller/types.js';
import type { RegulatorBreach, RegulatorSection } from '../controller/regulator.js';
import { CATEGORIES, type Category } from '../identifiers/categories.js';
import type { BreachStats } from '../index/stats.js';
import type { NoticeFigures } from '../notices/figures.js';

export const DOSSIER_SCHEMA = 'vigie/dossier/1';
/** GDPR art. 33(1): "not later than 72 hours after having become aware of it". */
export const DEADLINE_HOURS = 72;

/** The CNIL form's bands for the number of persons concerned. */
export const SIZE_BANDS = ['0-5', '6-50', '51-300', '301-5000', '>5000'] as const;
export type SizeBand = (typeof SIZE_BANDS)[number];

export function sizeBand(persons: number): SizeBand {
  if (persons <= 5) return '0-5';
  if (persons <= 50) return '6-50';
  if (persons <= 300) return '51-300';
  if (persons <= 5000) return '301-5000';
  return '>5000';
}

/**
 * Categories that are special categories of data (GDPR art. 9: data concerning health): a comment, a blood group,
 * and having been a patient of a medical laboratory at all.
 */
export const HEALTH_CATEGORIES: readonly Category[] = ['health_comment', 'blood_group', 'lab_visit'];


export interface DossierInput {
  breachId: string;
  breachTitle: string;
  stats: BreachStats;
  config: ControllerConfig;
  notices: NoticeFigures;
  phase: 'initial' | 'complementary';
  /** The regulator's reference of this notification (given after the initial one was filed). */
  reference: string | null;
  delayReason: string | null;
  now: Date;
  /** The previous dossier of this breach, for a complementary one. */
  previous: Dossier | null;
  /** Earlier runs of `vigie report` for this breach (the audit log), oldest first. */
  audit: AuditEntry[];
}

export interface AuditEntry {
  sequence: number;
  at: string;
  phase: 'initial' | 'complementary';
  reference: string | null;
  persons: number;
  late: boolean;
  sha256: string;
}

export interface Change {
  field: string;
  before: string;
  after: string;
}

export interface Dossier {
  schema: typeof DOSSIER_SCHEMA;
  sequence: number;
  generatedAt: string;
  notification: {
    phase: 'initial' | 'complementary';
    reference: string | null;
    earlierReference: string | null;
  };
  clock: {
    detectedAt: string;
    awareAt: string;
    deadline: string;
    submittedAt: string;
    hoursElapsed: number;
    late: boolean;
    delayReason: string | null;
  };
  controller: {
    name: string;
    legalName: string | null;
    siren: string | null;
    address: string;
    sector: string;
    legalRepresentative: RegulatorSection['legalRepresentative'];
    contact: RegulatorSection['contact'];
    dpo: { name: string; email: string; phone: string | null };
    processors: RegulatorSection['processors'];
    otherControllers: string[];
  };
  breach: { id: string; title: string };
  chronology: {
    startedAt: string | null;
    endedAt: string | null;
    ongoing: boolean;
    status: RegulatorBreach['status'];
    detectedAt: string;
    howDiscovered: string;
  };
  nature: {
    confidentiality: boolean;
    integrity: boolean;
    availability: boolean;
    origin: RegulatorBreach['origin'];
    originDetail: string | null;
    cause: RegulatorBreach['cause'];
    narrative: string;
  };
  persons: {
    count: number;
    band: SizeBand;
    minors: number;
    minorsAsOf: string;
    byDepartment: { department: string; persons: number }[];
  };
  data: {
    records: number;
    recordsIndexed: number;
    recordsRejected: number;
    categories: { code: Category; persons: number; records: number }[];
    columns: { file: string; header: string; category: Category | null; filled: number; fillRate: number }[];
    sensitive: boolean;
    sensitiveCategories: Category[];
    nirKeyMissing: number;
    nirKeyWrong: number;
  };
  likelyConsequences: string[];
  measures: RegulatorBreach['measures'];
  information: {
    status: RegulatorBreach['personsInformed']['status'];
    date: string | null;
    art34Ground: string | null;
    art34Explanation: string | null;
    channels: {
      letter: { printed: number; withoutPostalAddress: number; generatedAt: string } | null;
      email: NoticeFigures['email'];
      /** Of `email.sent`: handed to the server in full, its reply never seen (docs/notices.md, "Exactly once"). */
      emailUnconfirmed: number;
      portal: { notices: number; openedOnPortal: number };
    };
  };
  otherNotifications: NonNullable<RegulatorBreach['otherNotifications']>;
  annexes: {
    files: { name: string; sha256: string; bytes: number; rows: number }[];
    audit: AuditEntry[];
    changes: Change[];
  };
}

/** The regulator part of the configuration for a breach, or an error naming what to add. */
export function regulatorBreachOf(config: ControllerConfig, breachId: string): { section: RegulatorSection; breach: RegulatorBreach } {
  const section = config.regulator;
  if (section === undefined) {
    throw new VigieError('E_CONFIG', 'controller.json has no "regulator" section: the dossier needs it (see docs/controller.md, or "vigie controller init")');
  }
  const breach = section.breaches.find((b) => b.id === breachId);
  if (breach === undefined) throw new VigieError('E_CONFIG', `controller.json: "regulator.breaches" has no entry with id "${breachId}"`);
  return { section, breach };
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

export function computeDossier(input: DossierInput): Dossier {
  const { config, stats, notices } = input;
  const { section, breach } = regulatorBreachOf(config, input.breachId);
  if (input.phase === 'complementary' && input.previous === null) {
    throw new VigieError('E_DOSSIER', `no earlier dossier for breach ${input.breachId}: the first one is --phase initial`);
  }
  const aware = Date.parse(breach.awareAt);
  const deadline = new Date(aware + DEADLINE_HOURS * 3_600_000);
  const hoursElapsed = round1((input.now.getTime() - aware) / 3_600_000);
  const late = input.now.getTime() > deadline.getTime();
  const delayReason = input.delayReason ?? breach.delayReason ?? null;
  if (late && delayReason === null) {
    throw new VigieError(
      'E_DOSSIER_LATE',
      `${hoursElapsed} hours have passed since awareness (${breach.awareAt}; deadline ${deadline.toISOString()}): GDPR art. 33(1) requires the reasons for the delay; give --delay-reason TEXT or "delayReason" in controller.json`,
    );
  }
  const rowsRead = stats.rowsRead;
  const categories = CATEGORIES.map((code) => ({ code, persons: stats.categories[code].persons, records: stats.categories[code].rows })).filter(
    (c) => c.records > 0,
  );
  const sensitiveCategories = categories.map((c) => c.code).filter((c) => HEALTH_CATEGORIES.includes(c));
  const address = config.controller.address;
  const earlierReference =
    input.phase === 'complementary' ? (input.audit.find((a) => a.phase === 'initial' && a.reference !== null)?.reference ?? input.previous?.notification.reference ?? null) : null;

  const dossier: Dossier = {
    schema: DOSSIER_SCHEMA,
    sequence: input.audit.length + 1,
    generatedAt: input.now.toISOString(),
    notification: { phase: input.phase, reference: input.reference, earlierReference },
    clock: {
      detectedAt: breach.detectedAt,
      awareAt: breach.awareAt,
      deadline: deadline.toISOString(),
      submittedAt: input.now.toISOString(),
      hoursElapsed,
      late,
      delayReason: late ? delayReason : null,
    },
    controller: {
      name: config.controller.name,
      legalName: config.controller.legalName ?? null,
      siren: config.controller.siren ?? null,
      address: [...address.lines, `${address.postcode} ${address.city}`, ...(address.country === undefined ? [] : [address.country])].join(', '),
      sector: section.sector,
      legalRepresentative: section.legalRepresentative,
      contact: section.contact,
      dpo: { name: config.dpo.name, email: config.dpo.email, phone: config.dpo.phone ?? null },
      processors: section.processors,
      otherControllers: section.otherControllers,
    },
    breach: { id: input.breachId, title: input.breachTitle },
    chronology: {
      startedAt: breach.startedAt ?? null,
      endedAt: breach.endedAt ?? null,
      ongoing: breach.endedAt === undefined,
      status: breach.status,
      detectedAt: breach.detectedAt,
      howDiscovered: breach.howDiscovered,
    },
    nature: {
      confidentiality: breach.nature.includes('confidentiality'),
      integrity: breach.nature.includes('integrity'),
      availability: breach.nature.includes('availability'),
      origin: breach.origin,
      originDetail: breach.originDetail ?? null,
      cause: breach.cause,
      narrative: breach.narrative,
    },
    persons: {
      count: stats.persons,
      band: sizeBand(stats.persons),
      minors: stats.minors,
      minorsAsOf: stats.minorsAsOf,
      byDepartment: Object.entries(stats.departments)
        .map(([department, persons]) => ({ department, persons }))
        .sort((a, b) => b.persons - a.persons || a.department.localeCompare(b.department)),
    },
    data: {
      records: rowsRead,
      recordsIndexed: stats.rowsIndexed,
      recordsRejected: stats.rowsRejected,
      categories,
      columns: stats.columns.map((c) => {
        const fileRows = stats.files.find((f) => f.name === c.file)?.rowsRead ?? rowsRead;
        return { file: c.file, header: c.header, category: c.category, filled: c.filled, fillRate: fileRows === 0 ? 0 : Math.round((c.filled / fileRows) * 10000) / 10000 };
      }),
      sensitive: sensitiveCategories.length > 0,
      sensitiveCategories,
      nirKeyMissing: stats.nirKeyMissing,
      nirKeyWrong: stats.nirKeyWrong,
    },
    likelyConsequences: breach.likelyConsequences,
    measures: breach.measures,
    information: {
      status: breach.personsInformed.status,
      date: breach.personsInformed.date ?? null,
      art34Ground: breach.personsInformed.art34Ground ?? null,
      art34Explanation: breach.personsInformed.art34Explanation ?? null,
      channels: {
        letter: notices.letters,
        email: notices.email,
        emailUnconfirmed: notices.emailUnconfirmed,
        portal: { notices: notices.notices, openedOnPortal: notices.openedOnPortal },
      },
    },
    otherNotifications: breach.otherNotifications ?? {},
    annexes: {
      files: stats.files.map((f) => ({ name: f.name, sha256: f.sha256, bytes: f.bytes, rows: f.rowsRead })),
      audit: input.audit,
      changes: [],
    },
  };
  if (input.previous !== null) dossier.annexes.changes = changesSince(input.previous, dossier);
  return dossier;
}

/** What a complementary dossier changes: every figure and text that differs from the previous dossier. */
export function changesSince(previous: Dossier, current: Dossier): Change[] {
  const changes: Change[] = [];
  const walk = (before: unknown, after: unknown, path: string): void => {
    if (isPlainObject(before) && isPlainObject(after)) {
      for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) walk(before[key], after[key], path === '' ? key : `${path}.${key}`);
      return;
    }
    const a = JSON.stringify(before ?? null);
    const b = JSON.stringify(after ?? null);
    if (a !== b) changes.push({ field: path, before: a, after: b });
  };
  const { annexes: _a, generatedAt: _g, sequence: _s, clock: previousClock, notification: _n, ...prev } = previous;
  const { annexes: _b, generatedAt: _h, sequence: _t, clock: currentClock, notification: _m, ...curr } = current;
  walk(prev, curr, '');
  walk(
    { awareAt: previousClock.awareAt, detectedAt: previousClock.detectedAt },
    { awareAt: currentClock.awareAt, detectedAt: currentClock.detectedAt },
    'clock',
  );
  return changes;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The art. 33(5) register line: what the controller must document for every breach, as CSV fields. */
export const REGISTER_HEADER = [
  'breach',
  'dossier',
  'generated_at',
  'phase',
  'reference',
  'aware_at',
  'hours_elapsed',
  'late',
  'delay_reason',
  'persons',
  'band',
  'categories',
  'sensitive',
  'origin',
  'cause',
  'persons_informed',
  'measures_immediate',
] as const;

export function registerLine(d: Dossier): string[] {
  return [
    d.breach.id,
    String(d.sequence),
    d.generatedAt,
    d.notification.phase,
    d.notification.reference ?? '',
    d.clock.awareAt,
    String(d.clock.hoursElapsed),
    d.clock.late ? 'yes' : 'no',
    d.clock.delayReason ?? '',
    String(d.persons.count),
    d.persons.band,
    d.data.categories.map((c) => c.code).join(' '),
    d.data.sensitive ? 'yes' : 'no',
    d.nature.origin,
    d.nature.cause,
    d.information.status,
    d.measures.immediate.join(' | '),
  ];
}
