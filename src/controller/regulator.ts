// The part of controller.json that only the regulator dossier needs (GDPR art. 33(3), DATA.md §4, the CNIL's online
// notification form): who answers for the controller, the timeline, the nature, origin and cause of the breach, its
// likely consequences and the measures taken. Figures (persons, categories, departments...) are never typed here:
// `vigie report` computes them from the data. Free texts go to the regulator as written (in French, usually).

import type { Validator } from './config.js';

/** Nature of the breach (CNIL form, "nature de la violation"). */
export const NATURES = ['confidentiality', 'integrity', 'availability'] as const;
export type Nature = (typeof NATURES)[number];

/** Origin of the incident, the CNIL form's list. */
export const ORIGINS = [
  'lost-or-stolen-device',
  'lost-or-opened-mail',
  'hacking-malware-phishing',
  'paper-disposal',
  'device-disposal',
  'unintended-publication',
  'wrong-person-data-displayed',
  'sent-to-wrong-recipient',
  'verbal-disclosure',
  'other',
] as const;
export type Origin = (typeof ORIGINS)[number];

/** Cause of the incident, the CNIL form's list. */
export const CAUSES = ['internal-malicious', 'internal-accidental', 'external-malicious', 'external-accidental', 'unknown', 'other'] as const;
export type Cause = (typeof CAUSES)[number];

/** Information of the persons (GDPR art. 34): done, to come, not decided, or not (with an art. 34(3) ground). */
export const INFORMATION_STATUSES = ['yes', 'planned', 'undetermined', 'no'] as const;
export type InformationStatus = (typeof INFORMATION_STATUSES)[number];

/** GDPR art. 34(3) (a), (b), (c): when informing the persons is not required. */
export const ART34_3_GROUNDS = ['unintelligible-data', 'risk-no-longer-likely', 'disproportionate-effort'] as const;
export type Art34Ground = (typeof ART34_3_GROUNDS)[number];

export interface Processor {
  name: string;
  role: string;
  /** When the processor alerted the controller (GDPR art. 33(2)). */
  alertedAt?: string;
}

export interface RegulatorBreach {
  /** The breach id of `vigie ingest --breach`. */
  id: string;
  detectedAt: string;
  /** When the controller became aware (a reasonable degree of certainty): the start of the 72-hour clock. */
  awareAt: string;
  startedAt?: string;
  /** Absent while the breach is ongoing. */
  endedAt?: string;
  status: 'established' | 'suspected';
  howDiscovered: string;
  nature: Nature[];
  origin: Origin;
  originDetail?: string;
  cause: Cause;
  narrative: string;
  likelyConsequences: string[];
  measures: { before: string[]; immediate: string[]; longTerm: string[] };
  personsInformed: { status: InformationStatus; date?: string; art34Ground?: Art34Ground; art34Explanation?: string };
  otherNotifications?: { complaintReference?: string; complaintFiledAt?: string; anssiNotifiedAt?: string; other?: string[] };
  /** Reasons for a notification later than 72 hours (GDPR art. 33(1)); `vigie report --delay-reason` overrides. */
  delayReason?: string;
}

export interface RegulatorSection {
  sector: string;
  legalRepresentative: { name: string; title: string };
  /** The person the regulator calls about this notification. */
  contact: { name: string; title?: string; email: string; phone: string };
  processors: Processor[];
  otherControllers: string[];
  breaches: RegulatorBreach[];
}

function oneOf<T extends string>(v: Validator, value: unknown, field: string, allowed: readonly T[]): T {
  const text = v.text(value, field, 60);
  if (!(allowed as readonly string[]).includes(text)) v.fail(field, `must be one of: ${allowed.join(', ')}`);
  return text as T;
}

function texts(v: Validator, value: unknown, field: string, min = 0): string[] {
  return v.array(value, field, min).map((t, i) => v.text(t, `${field}[${i}]`));
}

function regulatorBreach(v: Validator, value: unknown, field: string, breachIds: readonly string[]): RegulatorBreach {
  const r = v.object(value, field);
  v.only(r, field, [
    'id', 'detectedAt', 'awareAt', 'startedAt', 'endedAt', 'status', 'howDiscovered', 'nature', 'origin', 'originDetail', 'cause',
    'narrative', 'likelyConsequences', 'measures', 'personsInformed', 'otherNotifications', 'delayReason',
  ]);
  const id = v.text(r['id'], `${field}.id`, 64);
  if (!breachIds.includes(id)) v.fail(`${field}.id`, `must be the id of one of "breaches" (${breachIds.join(', ')})`);
  const out: RegulatorBreach = {
    id,
    detectedAt: v.date(r['detectedAt'], `${field}.detectedAt`),
    awareAt: v.date(r['awareAt'], `${field}.awareAt`),
    status: oneOf(v, r['status'], `${field}.status`, ['established', 'suspected'] as const),
    howDiscovered: v.text(r['howDiscovered'], `${field}.howDiscovered`),
    nature: v.array(r['nature'], `${field}.nature`, 1).map((n, i) => oneOf(v, n, `${field}.nature[${i}]`, NATURES)),
    origin: oneOf(v, r['origin'], `${field}.origin`, ORIGINS),
    cause: oneOf(v, r['cause'], `${field}.cause`, CAUSES),
    narrative: v.text(r['narrative'], `${field}.narrative`),
    likelyConsequences: texts(v, r['likelyConsequences'], `${field}.likelyConsequences`, 1),
    measures: { before: [], immediate: [], longTerm: [] },
    personsInformed: { status: 'undetermined' },
  };
  if (Date.parse(out.awareAt) < Date.parse(out.detectedAt)) v.fail(`${field}.awareAt`, 'is before detectedAt');
  if (r['startedAt'] !== undefined) out.startedAt = v.date(r['startedAt'], `${field}.startedAt`);
  if (r['endedAt'] !== undefined) out.endedAt = v.date(r['endedAt'], `${field}.endedAt`);
  if (out.startedAt !== undefined && out.endedAt !== undefined && Date.parse(out.endedAt) < Date.parse(out.startedAt)) {
    v.fail(`${field}.endedAt`, 'is before startedAt');
  }
  if (r['originDetail'] !== undefined) out.originDetail = v.text(r['originDetail'], `${field}.originDetail`);
  if (out.origin === 'other' && out.originDetail === undefined) v.fail(`${field}.originDetail`, 'is missing (origin is "other": say what it was)');
  const measures = v.object(r['measures'], `${field}.measures`);
  v.only(measures, `${field}.measures`, ['before', 'immediate', 'longTerm']);
  out.measures = {
    before: texts(v, measures['before'] ?? [], `${field}.measures.before`),
    immediate: texts(v, measures['immediate'], `${field}.measures.immediate`, 1),
    longTerm: texts(v, measures['longTerm'] ?? [], `${field}.measures.longTerm`),
  };
  const informed = v.object(r['personsInformed'], `${field}.personsInformed`);
  v.only(informed, `${field}.personsInformed`, ['status', 'date', 'art34Ground', 'art34Explanation']);
  out.personsInformed = { status: oneOf(v, informed['status'], `${field}.personsInformed.status`, INFORMATION_STATUSES) };
  if (informed['date'] !== undefined) out.personsInformed.date = v.date(informed['date'], `${field}.personsInformed.date`);
  if (informed['art34Ground'] !== undefined) {
    out.personsInformed.art34Ground = oneOf(v, informed['art34Ground'], `${field}.personsInformed.art34Ground`, ART34_3_GROUNDS);
  }
  if (informed['art34Explanation'] !== undefined) {
    out.personsInformed.art34Explanation = v.text(informed['art34Explanation'], `${field}.personsInformed.art34Explanation`);
  }
  if (out.personsInformed.status === 'no' && out.personsInformed.art34Ground === undefined) {
    v.fail(`${field}.personsInformed.art34Ground`, 'is missing: persons not informed needs the GDPR art. 34(3) ground');
  }
  if (r['otherNotifications'] !== undefined) {
    const o = v.object(r['otherNotifications'], `${field}.otherNotifications`);
    v.only(o, `${field}.otherNotifications`, ['complaintReference', 'complaintFiledAt', 'anssiNotifiedAt', 'other']);
    const other: NonNullable<RegulatorBreach['otherNotifications']> = {};
    const reference = v.optionalText(o, 'complaintReference', `${field}.otherNotifications.complaintReference`, 100);
    if (reference !== undefined) other.complaintReference = reference;
    if (o['complaintFiledAt'] !== undefined) other.complaintFiledAt = v.date(o['complaintFiledAt'], `${field}.otherNotifications.complaintFiledAt`);
    if (o['anssiNotifiedAt'] !== undefined) other.anssiNotifiedAt = v.date(o['anssiNotifiedAt'], `${field}.otherNotifications.anssiNotifiedAt`);
    if (o['other'] !== undefined) other.other = texts(v, o['other'], `${field}.otherNotifications.other`);
    out.otherNotifications = other;
  }
  if (r['delayReason'] !== undefined) out.delayReason = v.text(r['delayReason'], `${field}.delayReason`);
  return out;
}

/** Validates the `regulator` section; `breachIds` are the ids of the configuration's `breaches`. */
export function regulatorSection(v: Validator, value: unknown, field: string, breachIds: readonly string[]): RegulatorSection {
  const r = v.object(value, field);
  v.only(r, field, ['sector', 'legalRepresentative', 'contact', 'processors', 'otherControllers', 'breaches']);
  const rep = v.object(r['legalRepresentative'], `${field}.legalRepresentative`);
  v.only(rep, `${field}.legalRepresentative`, ['name', 'title']);
  const contact = v.object(r['contact'], `${field}.contact`);
  v.only(contact, `${field}.contact`, ['name', 'title', 'email', 'phone']);
  const out: RegulatorSection = {
    sector: v.text(r['sector'], `${field}.sector`, 200),
    legalRepresentative: { name: v.text(rep['name'], `${field}.legalRepresentative.name`, 200), title: v.text(rep['title'], `${field}.legalRepresentative.title`, 200) },
    contact: {
      name: v.text(contact['name'], `${field}.contact.name`, 200),
      email: v.email(contact['email'], `${field}.contact.email`),
      phone: v.text(contact['phone'], `${field}.contact.phone`, 40),
    },
    processors: v.array(r['processors'] ?? [], `${field}.processors`).map((p, i) => {
      const f = `${field}.processors[${i}]`;
      const o = v.object(p, f);
      v.only(o, f, ['name', 'role', 'alertedAt']);
      const processor: Processor = { name: v.text(o['name'], `${f}.name`, 200), role: v.text(o['role'], `${f}.role`, 400) };
      if (o['alertedAt'] !== undefined) processor.alertedAt = v.date(o['alertedAt'], `${f}.alertedAt`);
      return processor;
    }),
    otherControllers: texts(v, r['otherControllers'] ?? [], `${field}.otherControllers`),
    breaches: v.array(r['breaches'], `${field}.breaches`, 1).map((b, i) => regulatorBreach(v, b, `${field}.breaches[${i}]`, breachIds)),
  };
  const title = v.optionalText(contact, 'title', `${field}.contact.title`, 200);
  if (title !== undefined) out.contact.title = title;
  const ids = out.breaches.map((b) => b.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) v.fail(`${field}.breaches`, `lists breach "${twice}" twice`);
  return out;
}
