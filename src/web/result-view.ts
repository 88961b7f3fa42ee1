// What a person sees after a check or after opening a notice: per identifier found or not, then per breach its facts,
// the person's categories in plain words, the advice those categories call for, what the lab did, whom to contact,
// and a complaint form. Pure string rendering (escaped), run in the browser; tested in Node.

import type { IdentifierType } from '../identifiers/canonical.js';
import type { Category } from '../identifiers/categories.js';
import { adviceFor, HELP_LINKS } from '../i18n/advice.js';
import { CATEGORY_LABELS, IDENTIFIER_LABELS, type Lang } from '../i18n/categories.js';
import { PORTAL_TEXTS, type PortalTexts } from '../i18n/portal.js';
import { mergeMatches } from '../lookup/client.js';
import type { NoticeDocument } from '../lookup/notice.js';
import { esc, field, textList, ul } from './html.js';
import { formatDate, type PortalBreach, type PortalData } from './portal-data.js';

export interface CheckedIdentifier {
  type: IdentifierType;
  found: boolean;
  breaches: { id: string; categories: Category[] }[];
}

/** What the complaint form of one breach block is about (the letter is built from this plus what the person types). */
export interface ComplaintContext {
  formId: string;
  breach: PortalBreach;
  controller: string | null;
  categories: Category[];
  reference: string | null;
}

/** A breach the page's data does not describe (an index newer than the page): its id and the manifest title. */
function breachOf(data: PortalData, id: string, titles: ReadonlyMap<string, string>): PortalBreach {
  return (
    data.breaches.find((b) => b.id === id) ?? {
      id,
      title: titles.get(id) ?? id,
      occurredFrom: null,
      occurredTo: null,
      discoveredAt: null,
      summary: null,
      measures: [],
      complaintReference: null,
      categories: [],
    }
  );
}

/** French puts a (no-break) space before a colon, English does not. */
function colon(lang: Lang): string {
  return lang === 'fr' ? '\u00a0: ' : ': ';
}

function adviceSection(categories: readonly Category[], lang: Lang, t: PortalTexts): string {
  const topics = adviceFor(categories).map((topic) => {
    const text = topic.text[lang];
    return `<div class="advice"><h5>${esc(text.title)}</h5><p>${esc(text.risk)}</p>${textList(text.actions)}</div>`;
  });
  const help = HELP_LINKS[lang].map((l) => `<a href="${esc(l.url)}" rel="noreferrer">${esc(l.name)}</a>${colon(lang)}${esc(l.what)}`);
  return `<h4>${esc(t.whatToDo)}</h4>${topics.join('')}<h4>${esc(t.helpTitle)}</h4>${ul(help)}`;
}

function complaintForm(ctx: ComplaintContext, t: PortalTexts, prefill: { lastName?: string; firstName?: string; birthDate?: string }): string {
  const id = (name: string) => `${ctx.formId}-${name}`;
  const value = (v: string | undefined) => (v === undefined || v.trim() === '' ? '' : ` value="${esc(v.trim())}"`);
  return (
    `<details class="complaint"><summary>${esc(t.complaintTitle)}</summary>` +
    `<p>${esc(t.complaintIntro)}</p><p class="note">${esc(t.complaintPrivate)}</p>` +
    (t.complaintFrenchOnly === '' ? '' : `<p class="note">${esc(t.complaintFrenchOnly)}</p>`) +
    `<form class="complaint-form" id="${ctx.formId}" novalidate>` +
    field({ id: id('lastName'), label: t.cLastName, autocomplete: 'family-name', required: true, extra: value(prefill.lastName).trim() }) +
    field({ id: id('firstName'), label: t.cFirstName, autocomplete: 'given-name', required: true, extra: value(prefill.firstName).trim() }) +
    field({ id: id('birthDate'), label: t.cBirthDate, hint: t.fieldBirthDateHint, autocomplete: 'bday', required: true, extra: value(prefill.birthDate).trim() }) +
    field({ id: id('birthPlace'), label: t.cBirthPlace, required: true }) +
    field({ id: id('address'), label: t.cAddress, hint: t.cAddressHint, autocomplete: 'street-address', textarea: true, required: true }) +
    field({ id: id('contact'), label: t.cContact }) +
    field({ id: id('court'), label: t.cCourt, hint: t.cCourtHint, required: true }) +
    field({ id: id('harm'), label: t.cHarm, hint: t.cHarmHint, textarea: true }) +
    field({ id: id('reference'), label: t.cReference, extra: value(ctx.reference ?? undefined).trim() }) +
    `<p class="form-error" id="${id('error')}" hidden></p>` +
    `<button type="submit">${esc(t.cDownload)}</button><p class="status" id="${id('status')}" role="status"></p>` +
    `</form></details>`
  );
}

/** One breach: facts, the person's categories, advice, measures, contacts and the complaint form. */
function breachBlock(
  breach: PortalBreach,
  categories: Category[],
  data: PortalData,
  lang: Lang,
  complaint: ComplaintContext,
  prefill: { lastName?: string; firstName?: string; birthDate?: string },
): string {
  const t = PORTAL_TEXTS[lang];
  const controller = data.controller;
  const facts = [
    controller === null ? null : t.responsible(controller.name),
    t.occurred(formatDate(breach.occurredFrom, lang), formatDate(breach.occurredTo, lang)),
    breach.discoveredAt === null ? null : t.discovered(formatDate(breach.discoveredAt, lang) ?? breach.discoveredAt),
  ].filter((f): f is string => f !== null);
  const measures = breach.measures.length > 0 ? textList(breach.measures) : `<p>${esc(t.labDidGeneric)}</p>`;
  const contacts =
    controller === null
      ? `<p>${esc(t.contactGeneric)}</p>`
      : textList([t.phoneLine(controller.phoneLine.number, controller.phoneLine.hours), t.dpo(controller.dpo.name, controller.dpo.email)]);
  return (
    `<section class="breach" aria-labelledby="${complaint.formId}-title">` +
    `<h3 id="${complaint.formId}-title">${esc(breach.title)}</h3>` +
    textList(facts, 'facts') +
    (breach.summary === null ? '' : `<p>${esc(breach.summary)}</p>`) +
    `<h4>${esc(t.whatLeaked)}</h4>${textList(categories.map((c) => CATEGORY_LABELS[lang][c]))}` +
    adviceSection(categories, lang, t) +
    `<h4>${esc(t.whatLabDid)}</h4>${measures}` +
    `<h4>${esc(t.contactTitle)}</h4>${contacts}` +
    complaintForm(complaint, t, prefill) +
    `</section>`
  );
}

export interface RenderedResult {
  html: string;
  complaints: ComplaintContext[];
}

export function renderCheckResult(
  items: readonly CheckedIdentifier[],
  data: PortalData,
  lang: Lang,
  manifestTitles: ReadonlyMap<string, string>,
  prefill: { lastName?: string; firstName?: string; birthDate?: string } = {},
): RenderedResult {
  const t = PORTAL_TEXTS[lang];
  const found = items.some((i) => i.found);
  const lines = items.map(
    (i) => `<span class="id-label">${esc(IDENTIFIER_LABELS[lang][i.type])}</span>${colon(lang)}<strong class="${i.found ? 'yes' : 'no'}">${esc(i.found ? t.found : t.notFound)}</strong>`,
  );
  const complaints: ComplaintContext[] = [];
  const blocks = mergeMatches(items).map(({ id, categories }, index) => {
    const breach = breachOf(data, id, manifestTitles);
    const ctx: ComplaintContext = { formId: `complaint-${index}`, breach, controller: data.controller?.name ?? null, categories, reference: null };
    complaints.push(ctx);
    return breachBlock(breach, categories, data, lang, ctx, prefill);
  });
  const notFound = items.some((i) => !i.found)
    ? `<section class="not-found" aria-labelledby="nf-title"><h3 id="nf-title">${esc(t.notFoundTitle)}</h3>${textList(t.notFoundMeans)}</section>`
    : '';
  const html =
    `<h2>${esc(t.resultTitle)}</h2>` +
    `<p class="verdict ${found ? 'yes' : 'neutral'}">${esc(found ? t.resultFound : t.resultNotFound)}</p>` +
    `<h3>${esc(t.perIdentifier)}</h3>${ul(lines, 'checked')}` +
    blocks.join('') +
    notFound;
  return { html, complaints };
}

export function renderNotice(notice: NoticeDocument, data: PortalData, lang: Lang): RenderedResult {
  const t = PORTAL_TEXTS[lang];
  const breach = breachOf(data, notice.breach, new Map());
  const labs = notice.labs.map((code) => data.controller?.labs[code] ?? code);
  const masked = (Object.keys(t.maskedLabels) as (keyof NoticeDocument['masked'])[])
    .filter((k) => notice.masked[k] !== undefined)
    .map((k) => `<dt>${esc(t.maskedLabels[k])}</dt><dd>${esc(notice.masked[k]!)}</dd>`)
    .join('');
  const ctx: ComplaintContext = {
    formId: 'complaint-notice',
    breach,
    controller: data.controller?.name ?? null,
    categories: notice.categories,
    reference: notice.reference,
  };
  const html =
    `<h2>${esc(t.resultTitle)}</h2>` +
    `<p class="verdict genuine">${esc(t.noticeGenuine)}</p>` +
    textList([t.noticeReference(notice.reference), t.noticeIssued(formatDate(notice.issuedAt, lang) ?? notice.issuedAt)], 'facts') +
    (labs.length > 0 ? `<h3>${esc(t.noticeLabs)}</h3>${textList(labs)}` : '') +
    (masked === '' ? '' : `<h3>${esc(t.noticeValues)}</h3><dl class="masked">${masked}</dl>`) +
    breachBlock(breach, notice.categories, data, lang, ctx, {});
  return { html, complaints: [ctx] };
}
