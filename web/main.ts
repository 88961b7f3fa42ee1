// The portal in the browser: wires the check, notice and complaint forms of the server-rendered pages. Everything a
// person types is canonicalized, blinded and matched here (src/lookup); the network sees blinded elements, bucket
// ids and notice ids only. The complaint PDF and the full phone metadata are separate chunks, loaded on demand.

import './style.css';
import { isVigieError } from '../src/errors.js';
import { canonicalizeQuery, type QueryInput } from '../src/identifiers/query.js';
import { PORTAL_TEXTS } from '../src/i18n/portal.js';
import { createLookupClient } from '../src/lookup/index.js';
import { openNoticeByCode } from '../src/lookup/notice.js';
import { esc } from '../src/web/html.js';
import { loadFullPhoneMetadata, phoneNeedsFullMetadata } from '../src/web/phone.js';
import type { PortalData } from '../src/web/portal-data.js';
import { renderCheckResult, renderNotice, type ComplaintContext, type RenderedResult } from '../src/web/result-view.js';

const dataElement = document.getElementById('portal-data');
const data = JSON.parse(dataElement?.textContent ?? '{}') as PortalData;
const lang = data.lang === 'en' ? 'en' : 'fr';
const t = PORTAL_TEXTS[lang];

function byId<T extends HTMLElement>(id: string): T | null {
  return document.getElementById(id) as T | null;
}

function valueOf(id: string): string {
  return byId<HTMLInputElement | HTMLTextAreaElement>(id)?.value ?? '';
}

function setFieldError(id: string, message: string | null, blocking = true): void {
  const input = byId<HTMLInputElement>(id);
  const error = byId(`${id}-error`);
  if (input === null || error === null) return;
  error.textContent = message ?? '';
  error.hidden = message === null;
  error.classList.toggle('warning', message !== null && !blocking);
  if (message !== null && blocking) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

function setText(id: string, text: string, hidden = text === ''): void {
  const element = byId(id);
  if (element === null) return;
  element.textContent = text;
  element.hidden = hidden;
}

function showResult(rendered: RenderedResult | string): void {
  const result = byId('result');
  if (result === null) return;
  result.innerHTML = typeof rendered === 'string' ? rendered : rendered.html;
  result.hidden = false;
  result.focus();
  if (typeof rendered !== 'string') for (const complaint of rendered.complaints) wireComplaint(complaint);
}

// ---- Check ------------------------------------------------------------------------------------------------------

const CHECK_FIELDS = ['nir', 'email', 'phone', 'lastName', 'firstName', 'birthDate'] as const;

/** The HTTP client, with short patience on a 429: a person would rather read "try again later" than wait a minute. */
const client = createLookupClient({ baseUrl: location.origin, maxRetries: 1, maxRetryAfterSeconds: 5 });

async function onCheck(form: HTMLFormElement, event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const button = form.querySelector('button');
  for (const f of CHECK_FIELDS) setFieldError(f, null);
  setText('check-error', '');
  const input: QueryInput = {};
  for (const f of CHECK_FIELDS) input[f] = valueOf(f);
  if (CHECK_FIELDS.every((f) => input[f]!.trim() === '')) {
    setText('check-error', t.nothingTyped);
    byId('nir')?.focus();
    return;
  }
  if (phoneNeedsFullMetadata(input.phone ?? '')) {
    setText('check-status', t.checking, false);
    try {
      await loadFullPhoneMetadata();
    } catch {
      setText('check-status', t.errors.failed, false);
      return;
    }
  }
  const query = canonicalizeQuery(input);
  for (const error of query.errors) setFieldError(error.field, t.errors[error.field]);
  if (query.errors.length > 0) {
    setText('check-status', '');
    setText('check-error', t.fixErrors);
    byId(query.errors[0]!.field)?.focus();
    return;
  }
  if (query.nirKeyStatus === 'wrong') setFieldError('nir', t.errors.nirKey, false);
  setText('check-status', t.checking, false);
  if (button !== null) button.disabled = true;
  // Fetched at every check, before the answer is known: fetched only on a "found" answer (the complaint form is
  // offered with it), the chunk's request would tell the server or an observer the result (docs/threat-model.md).
  void loadComplaint();
  try {
    const result = await client.check(query.identifiers);
    const titles = new Map(result.manifest.breaches.map((b) => [b.id, b.title]));
    setText('check-status', '');
    showResult(
      renderCheckResult(result.results, data, lang, titles, { lastName: input.lastName, firstName: input.firstName, birthDate: input.birthDate }),
    );
  } catch (error) {
    const code = isVigieError(error) ? error.code : null;
    setText('check-status', code === 'E_RATE_LIMITED' ? t.errors.busy : code === 'E_PROOF' ? t.errors.proof : t.errors.failed, false);
  } finally {
    if (button !== null) button.disabled = false;
  }
}

/**
 * Inline help as soon as a person leaves a field (NIR, e-mail, phone): the same canonicalization as the check, on that
 * field alone; nothing is sent. Names and the birth date wait for the check, since they only count together.
 */
async function onFieldChange(field: 'nir' | 'email' | 'phone'): Promise<void> {
  const value = valueOf(field);
  if (value.trim() === '') {
    setFieldError(field, null);
    return;
  }
  if (field === 'phone' && phoneNeedsFullMetadata(value)) {
    try {
      await loadFullPhoneMetadata();
    } catch {
      return; // offline: the check itself will say so
    }
    if (valueOf(field) !== value) return; // typed again meanwhile
  }
  const query = canonicalizeQuery({ [field]: value });
  if (query.errors.length > 0) setFieldError(field, t.errors[field]);
  else if (query.nirKeyStatus === 'wrong') setFieldError('nir', t.errors.nirKey, false);
  else setFieldError(field, null);
}

// ---- Notice -----------------------------------------------------------------------------------------------------

class RateLimited extends Error {}

/** GET /v1/notices/{id} (DESIGN §5): only the id derived from the code leaves the browser, never the code. */
async function fetchSealed(noticeId: string): Promise<Uint8Array | null> {
  const response = await fetch(`/v1/notices/${encodeURIComponent(noticeId)}`, {
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
    cache: 'no-store',
    headers: { Accept: 'application/octet-stream' },
  });
  if (response.status === 404) return null;
  if (response.status === 429) throw new RateLimited();
  if (!response.ok) throw new Error(`notice fetch answered ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function onNotice(form: HTMLFormElement, event: SubmitEvent): Promise<void> {
  event.preventDefault();
  setFieldError('code', null);
  const button = form.querySelector('button');
  setText('notice-status', t.opening, false);
  if (button !== null) button.disabled = true;
  try {
    const opened = await openNoticeByCode(valueOf('code'), fetchSealed);
    setText('notice-status', '');
    if (opened.status === 'ok') {
      showResult(renderNotice(opened.notice, data, lang));
    } else if (opened.status === 'invalid-code') {
      setFieldError('code', t.codeInvalid);
      byId('code')?.focus();
    } else {
      // One neutral sentence: an unknown code and a notice that does not open look the same (DESIGN §5).
      showResult(`<p class="verdict neutral">${esc(t.codeUnknown)}</p>`);
    }
  } catch (error) {
    setText('notice-status', error instanceof RateLimited ? t.errors.busy : t.errors.failed, false);
  } finally {
    if (button !== null) button.disabled = false;
  }
}

// ---- Complaint ----------------------------------------------------------------------------------------------------

function wireComplaint(ctx: ComplaintContext): void {
  const form = byId<HTMLFormElement>(ctx.formId);
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    void makeComplaint(ctx);
  });
}

let complaintChunk: Promise<typeof import('../src/web/complaint.js')> | null = null;

function loadComplaint(): Promise<typeof import('../src/web/complaint.js')> {
  complaintChunk ??= import('../src/web/complaint.js');
  // A failed fetch (offline for a moment) is tried again at the next use, not remembered.
  complaintChunk.catch(() => {
    complaintChunk = null;
  });
  return complaintChunk;
}

async function makeComplaint(ctx: ComplaintContext): Promise<void> {
  const id = (name: string) => `${ctx.formId}-${name}`;
  const fields = {
    lastName: valueOf(id('lastName')),
    firstName: valueOf(id('firstName')),
    birthDate: valueOf(id('birthDate')),
    birthPlace: valueOf(id('birthPlace')),
    address: valueOf(id('address')),
    court: valueOf(id('court')),
  };
  const { complaintPdf, missingFields, REQUIRED_FIELDS } = await loadComplaint();
  const missing = missingFields(fields);
  for (const f of REQUIRED_FIELDS) setFieldError(id(f), missing.includes(f) ? t.cMissing : null);
  if (missing.length > 0) {
    setText(id('error'), t.cMissing);
    byId(id(missing[0]!))?.focus();
    return;
  }
  setText(id('error'), '');
  const bytes = complaintPdf({
    ...fields,
    contact: valueOf(id('contact')),
    harm: valueOf(id('harm')),
    reference: valueOf(id('reference')),
    breach: { ...ctx.breach, title: ctx.breach.title, controller: ctx.controller },
    categories: ctx.categories,
    today: new Date(),
  });
  const url = URL.createObjectURL(new Blob([bytes.slice().buffer], { type: 'application/pdf' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = 'plainte-contre-x.pdf';
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  setText(id('status'), t.cReady, false);
}

// ---- Wiring -------------------------------------------------------------------------------------------------------

const checkForm = byId<HTMLFormElement>('check-form');
checkForm?.addEventListener('submit', (event) => void onCheck(checkForm, event));
for (const field of ['nir', 'email', 'phone'] as const) byId(field)?.addEventListener('change', () => void onFieldChange(field));
const noticeForm = byId<HTMLFormElement>('notice-form');
noticeForm?.addEventListener('submit', (event) => void onNotice(noticeForm, event));
