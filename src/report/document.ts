// The dossier as a document: sections of key-value lines, lists, tables and a bar chart, built once from the
// Dossier in one language and rendered to Markdown (render-md.ts) and PDF (render-pdf.ts).

import { CATEGORY_LABELS, type Lang } from '../i18n/categories.js';
import type { Dossier } from './dossier.js';
import { ART34_LABELS, CAUSE_LABELS, DOSSIER_WORDS, formatCount, formatPercent, INFORMATION_LABELS, ORIGIN_LABELS } from './labels.js';

export type Block =
  | { kind: 'pairs'; rows: [string, string][] }
  | { kind: 'list'; title?: string; items: string[] }
  | { kind: 'table'; title?: string; head: string[]; rows: string[][]; align?: ('left' | 'right')[] }
  | { kind: 'chart'; title: string; bars: { label: string; value: number }[] }
  | { kind: 'text'; text: string };

export interface Section {
  title: string;
  blocks: Block[];
}

export interface DossierDocument {
  lang: Lang;
  title: string;
  subtitle: string;
  sections: Section[];
  footer: string;
}

function when(iso: string | null, lang: Lang, fallback: string): string {
  if (iso === null) return fallback;
  const date = new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso);
  if (Number.isNaN(date.getTime())) return iso;
  const withTime = iso.length > 10;
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    ...(withTime ? { hour: '2-digit', minute: '2-digit', timeZoneName: 'short' } : {}),
    timeZone: 'Europe/Paris',
  })
    .format(date)
    .replace(/\u202f/g, ' ');
}

export function dossierDocument(d: Dossier, lang: Lang): DossierDocument {
  const w = DOSSIER_WORDS[lang];
  const yesNo = (b: boolean): string => (b ? w.yes : w.no);
  const c = d.controller;
  const natures: string[] = [
    d.nature.confidentiality ? w.confidentiality : null,
    d.nature.integrity ? w.integrity : null,
    d.nature.availability ? w.availability : null,
  ].filter((x): x is NonNullable<typeof x> => x !== null);
  const departmentLabel = (dep: string): string => (dep === 'unknown' ? w.unknownDepartment : dep);
  const email = d.information.channels.email;
  const letter = d.information.channels.letter;

  const sections: Section[] = [
    {
      title: w.s1,
      blocks: [
        {
          kind: 'pairs',
          rows: [
            [w.phase, d.notification.phase === 'initial' ? w.initial : w.complementary],
            [w.reference, d.notification.reference ?? w.none],
            ...(d.notification.phase === 'complementary' ? ([[w.earlierReference, d.notification.earlierReference ?? w.none]] as [string, string][]) : []),
            [w.detectedAt, when(d.clock.detectedAt, lang, w.unknown)],
            [w.awareAt, when(d.clock.awareAt, lang, w.unknown)],
            [w.deadline, when(d.clock.deadline, lang, w.unknown)],
            [w.submittedAt, when(d.clock.submittedAt, lang, w.unknown)],
            [w.hoursElapsed, String(d.clock.hoursElapsed)],
            [w.late, yesNo(d.clock.late)],
            ...(d.clock.delayReason === null ? [] : ([[w.delayReason, d.clock.delayReason]] as [string, string][])),
          ],
        },
      ],
    },
    {
      title: w.s2,
      blocks: [
        {
          kind: 'pairs',
          rows: [
            [w.name, c.legalName === null ? c.name : `${c.name} (${c.legalName})`],
            [w.siren, c.siren ?? w.none],
            [w.address, c.address],
            [w.sector, c.sector],
            [w.legalRepresentative, `${c.legalRepresentative.name}, ${c.legalRepresentative.title}`],
            [w.contact, [c.contact.name, c.contact.title, c.contact.email, c.contact.phone].filter((x) => x !== undefined).join(', ')],
            [w.dpo, [c.dpo.name, c.dpo.email, c.dpo.phone].filter((x) => x !== null).join(', ')],
          ],
        },
        { kind: 'list', title: w.processors, items: c.processors.length === 0 ? [w.none] : c.processors.map((p) => `${p.name}: ${p.role}${p.alertedAt === undefined ? '' : ` (${when(p.alertedAt, lang, w.unknown)})`}`) },
        { kind: 'list', title: w.otherControllers, items: c.otherControllers.length === 0 ? [w.none] : c.otherControllers },
      ],
    },
    {
      title: w.s3,
      blocks: [
        {
          kind: 'pairs',
          rows: [
            [w.startedAt, when(d.chronology.startedAt, lang, w.unknown)],
            [w.endedAt, d.chronology.ongoing ? w.ongoing : when(d.chronology.endedAt, lang, w.unknown)],
            [w.status, d.chronology.status === 'established' ? w.established : w.suspected],
            [w.howDiscovered, d.chronology.howDiscovered],
          ],
        },
      ],
    },
    {
      title: w.s4,
      blocks: [
        {
          kind: 'pairs',
          rows: [
            [w.nature, natures.join(', ')],
            [w.origin, ORIGIN_LABELS[lang][d.nature.origin] + (d.nature.originDetail === null ? '' : ` (${d.nature.originDetail})`)],
            [w.cause, CAUSE_LABELS[lang][d.nature.cause]],
          ],
        },
        { kind: 'text', text: d.nature.narrative },
      ],
    },
    {
      title: w.s5,
      blocks: [
        {
          kind: 'pairs',
          rows: [
            [w.persons, formatCount(d.persons.count)],
            [w.band, d.persons.band],
            [w.minors, `${formatCount(d.persons.minors)} (${w.asOf} ${when(d.persons.minorsAsOf, lang, w.unknown)})`],
          ],
        },
        {
          kind: 'table',
          title: w.byDepartment,
          head: [w.department, w.personsCol],
          rows: d.persons.byDepartment.map((r) => [departmentLabel(r.department), formatCount(r.persons)]),
          align: ['left', 'right'],
        },
      ],
    },
    {
      title: w.s6,
      blocks: [
        {
          kind: 'pairs',
          rows: [
            [w.records, `${formatCount(d.data.records)} (${w.recordsIndexed} ${formatCount(d.data.recordsIndexed)}, ${w.recordsRejected} ${formatCount(d.data.recordsRejected)})`],
            [w.sensitive, d.data.sensitive ? `${w.yes}: ${d.data.sensitiveCategories.map((k) => CATEGORY_LABELS[lang][k]).join(', ')}` : w.no],
            [w.nirKeys, formatCount(d.data.nirKeyMissing + d.data.nirKeyWrong)],
          ],
        },
        { kind: 'chart', title: w.chart, bars: d.data.categories.map((k) => ({ label: CATEGORY_LABELS[lang][k.code], value: k.persons })) },
        {
          kind: 'table',
          head: [w.category, w.personsCol, w.recordsCol],
          rows: d.data.categories.map((k) => [`${CATEGORY_LABELS[lang][k.code]} (${k.code})`, formatCount(k.persons), formatCount(k.records)]),
          align: ['left', 'right', 'right'],
        },
        {
          kind: 'table',
          title: w.columns,
          head: [w.column, w.category, w.fillRate],
          rows: d.data.columns.map((col) => [col.header, col.category ?? '–', formatPercent(col.fillRate, lang)]),
          align: ['left', 'left', 'right'],
        },
      ],
    },
    { title: w.s7, blocks: [{ kind: 'list', items: d.likelyConsequences }] },
    {
      title: w.s8,
      blocks: [
        { kind: 'list', title: w.before, items: d.measures.before.length === 0 ? [w.none] : d.measures.before },
        { kind: 'list', title: w.immediate, items: d.measures.immediate },
        { kind: 'list', title: w.longTerm, items: d.measures.longTerm.length === 0 ? [w.none] : d.measures.longTerm },
      ],
    },
    {
      title: w.s9,
      blocks: [
        {
          kind: 'pairs',
          rows: [
            [w.informed, INFORMATION_LABELS[lang][d.information.status]],
            [w.date, when(d.information.date, lang, w.none)],
            ...(d.information.art34Ground === null
              ? []
              : ([[w.ground, `${ART34_LABELS[lang][d.information.art34Ground as keyof (typeof ART34_LABELS)['fr']]}${d.information.art34Explanation === null ? '' : ` – ${d.information.art34Explanation}`}`]] as [string, string][])),
          ],
        },
        {
          kind: 'list',
          title: w.channels,
          items: [
            letter === null
              ? `${w.letters}: ${w.notGenerated}`
              : `${w.letters}: ${formatCount(letter.printed)} (${when(letter.generatedAt, lang, w.unknown)}); ${formatCount(letter.withoutPostalAddress)} ${w.withoutAddress}`,
            `${w.emails}: ${formatCount(email.sent)} ${w.sent}${d.information.channels.emailUnconfirmed > 0 ? ` (${formatCount(d.information.channels.emailUnconfirmed)} ${w.unconfirmed})` : ''}, ${formatCount(email.bounced)} ${w.bounced}, ${formatCount(email.failed)} ${w.failed}, ${formatCount(email.pending + email.sending)} ${w.pending}`,
            `${w.portal}: ${formatCount(d.information.channels.portal.notices)}, ${formatCount(d.information.channels.portal.openedOnPortal)} ${w.opened}`,
          ],
        },
        { kind: 'text', text: w.template },
      ],
    },
    {
      title: w.s10,
      blocks: [
        {
          kind: 'pairs',
          rows: [
            [w.complaint, d.otherNotifications.complaintReference ?? w.none],
            [w.complaintFiledAt, when(d.otherNotifications.complaintFiledAt ?? null, lang, w.none)],
            [w.anssi, when(d.otherNotifications.anssiNotifiedAt ?? null, lang, w.none)],
          ],
        },
        ...(d.otherNotifications.other === undefined ? [] : [{ kind: 'list', items: d.otherNotifications.other } as Block]),
      ],
    },
    {
      title: w.s11,
      blocks: [
        { kind: 'table', title: w.files, head: ['', 'SHA-256', ''], rows: d.annexes.files.map((f) => [f.name, f.sha256, formatCount(f.rows)]), align: ['left', 'left', 'right'] },
        {
          kind: 'table',
          title: w.audit,
          head: ['#', w.submittedAt, w.phase, w.reference, w.persons],
          rows: [...d.annexes.audit, { sequence: d.sequence, at: d.generatedAt, phase: d.notification.phase, reference: d.notification.reference, persons: d.persons.count }].map((a) => [
            String(a.sequence),
            when(a.at, lang, w.unknown),
            a.phase === 'initial' ? w.initial : w.complementary,
            a.reference ?? w.none,
            formatCount(a.persons),
          ]),
          align: ['right', 'left', 'left', 'left', 'right'],
        },
        d.annexes.changes.length === 0 && d.notification.phase === 'initial'
          ? { kind: 'text', text: '' }
          : {
              kind: 'table',
              title: w.changes,
              head: [w.field, w.before2, w.after],
              rows: d.annexes.changes.length === 0 ? [[w.noChange, '', '']] : d.annexes.changes.map((ch) => [ch.field, ch.before, ch.after]),
            },
      ],
    },
  ];
  return {
    lang,
    title: w.title,
    subtitle: `${d.breach.title} (${d.breach.id}) – ${c.name}`,
    sections: sections.map((s) => ({ ...s, blocks: s.blocks.filter((b) => !(b.kind === 'text' && b.text === '')) })),
    footer: w.generatedBy,
  };
}
