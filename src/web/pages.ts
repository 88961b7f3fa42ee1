// The portal's pages as complete HTML documents, rendered by the server in the page's language: the text is there
// before any script runs (fast on a slow phone, readable by any screen reader); the bundle then wires the forms.
// No inline script or style anywhere (the CSP forbids them): data for the bundle travels as a JSON block.

import { CATEGORIES, type Category } from '../identifiers/categories.js';
import type { Lang } from '../i18n/categories.js';
import { PORTAL_TEXTS, type PortalTexts } from '../i18n/portal.js';
import { esc, field, jsonForScript, textList, ul } from './html.js';
import type { PortalData } from './portal-data.js';
import { PAGES, PAGE_PATHS, otherLang, type PageId } from './routes.js';

export interface PageAssets {
  /** URL of the entry module, e.g. /assets/main-abc123.js */
  script: string;
  styles: string[];
}

export interface PageContext {
  data: PortalData;
  assets: PageAssets;
  /** The published key and current index (technical page); null when no index is published. */
  key: { keyId: string; publicKey: string; indexId: string } | null;
}

const TITLES: Readonly<Record<PageId, (t: PortalTexts) => string>> = {
  check: (t) => t.checkTitle,
  notice: (t) => t.noticeTitle,
  genuine: (t) => t.genuineTitle,
  technical: (t) => t.techTitle,
};

function header(page: PageId | null, lang: Lang, t: PortalTexts, data: PortalData): string {
  const other = otherLang(lang);
  const nav = PAGES.map((p) => {
    const current = p === page ? ' aria-current="page"' : '';
    return `<a href="${PAGE_PATHS[lang][p]}"${current}>${esc(t.nav[p])}</a>`;
  });
  return (
    `<header class="site"><div class="wrap">` +
    `<p class="brand"><a href="${PAGE_PATHS[lang].check}">${esc(t.siteName)}</a> <span>${esc(t.tagline(data.controller?.name ?? null))}</span></p>` +
    `<p class="lang"><a href="${PAGE_PATHS[other][page ?? 'check']}" hreflang="${other}" lang="${other}">${esc(PORTAL_TEXTS[other].langName)}</a>` +
    `<span class="visually-hidden" lang="${lang}"> (${esc(t.otherLangLabel)})</span></p>` +
    `<nav aria-label="${esc(t.navLabel)}">${ul(nav)}</nav>` +
    `</div></header>`
  );
}

function checkPage(lang: Lang, t: PortalTexts, data: PortalData): string {
  const summaries = data.breaches.map((b) => b.summary).filter((s): s is string => s !== null);
  return (
    `<h1>${esc(t.checkTitle)}</h1>` +
    summaries.map((s) => `<p class="lead">${esc(s)}</p>`).join('') +
    `<p>${esc(t.checkIntro)}</p>` +
    `<form id="check-form" class="card" novalidate>` +
    field({ id: 'nir', label: t.fieldNir, hint: t.fieldNirHint, autocomplete: 'off', extra: 'spellcheck="false" autocapitalize="characters"' }) +
    field({ id: 'email', label: t.fieldEmail, hint: t.fieldEmailHint, type: 'email', autocomplete: 'email', extra: 'spellcheck="false"' }) +
    field({ id: 'phone', label: t.fieldPhone, hint: t.fieldPhoneHint, type: 'tel', autocomplete: 'tel' }) +
    `<fieldset><legend>${esc(t.personLegend)}</legend>` +
    field({ id: 'lastName', label: t.fieldLastName, hint: t.fieldLastNameHint, autocomplete: 'family-name', extra: 'spellcheck="false"' }) +
    field({ id: 'firstName', label: t.fieldFirstName, autocomplete: 'given-name', extra: 'spellcheck="false"' }) +
    field({ id: 'birthDate', label: t.fieldBirthDate, hint: t.fieldBirthDateHint, autocomplete: 'bday', inputmode: 'numeric' }) +
    `</fieldset>` +
    `<p class="form-error" id="check-error" hidden></p>` +
    `<button type="submit">${esc(t.submit)}</button>` +
    `<p class="status" id="check-status" role="status"></p>` +
    `</form>` +
    `<section class="safe" aria-labelledby="safe-title"><h2 id="safe-title">${esc(t.safeTitle)}</h2>` +
    `<p>${esc(t.safeText)} <a href="${PAGE_PATHS[lang].technical}">${esc(t.safeMore)}</a></p></section>` +
    `<div id="result" class="result" tabindex="-1" hidden></div>`
  );
}

function noticePage(t: PortalTexts): string {
  return (
    `<h1>${esc(t.noticeTitle)}</h1><p>${esc(t.noticeIntro)}</p>` +
    `<form id="notice-form" class="card" novalidate>` +
    field({ id: 'code', label: t.fieldCode, hint: t.fieldCodeHint, autocomplete: 'off', extra: 'spellcheck="false" autocapitalize="characters"' }) +
    `<p class="note">${esc(t.noticeSafe)}</p>` +
    `<button type="submit">${esc(t.openNotice)}</button>` +
    `<p class="status" id="notice-status" role="status"></p>` +
    `</form>` +
    `<div id="result" class="result" tabindex="-1" hidden></div>`
  );
}

function genuinePage(lang: Lang, t: PortalTexts, data: PortalData): string {
  const inBreach = new Set<Category>(data.breaches.flatMap((b) => b.categories));
  const fakes = CATEGORIES.filter((c) => inBreach.has(c)).map((c) => t.fakes[c]);
  const phone = data.controller === null ? '' : `<p>${esc(t.phoneLine(data.controller.phoneLine.number, data.controller.phoneLine.hours))}</p>`;
  return (
    `<h1>${esc(t.genuineTitle)}</h1><p class="lead">${esc(t.genuineIntro)}</p>` +
    `<div class="columns">` +
    `<section class="card good" aria-labelledby="will"><h2 id="will">${esc(t.willTitle)}</h2>${textList(t.will)}${phone}</section>` +
    `<section class="card bad" aria-labelledby="never"><h2 id="never">${esc(t.neverTitle)}</h2>${textList(t.never)}</section>` +
    `</div>` +
    `<section aria-labelledby="how"><h2 id="how">${esc(t.howCheckTitle)}</h2>` +
    `<ol>${t.howCheck.map((s, i) => `<li>${i === 1 ? `<a href="${PAGE_PATHS[lang].notice}">${esc(s)}</a>` : esc(s)}</li>`).join('')}</ol></section>` +
    `<section aria-labelledby="fakes"><h2 id="fakes">${esc(t.fakesTitle)}</h2><p>${esc(t.fakesIntro)}</p>` +
    (fakes.length > 0 ? textList(fakes) : `<p>${esc(t.fakesGeneric)}</p>`) +
    `</section>` +
    `<section aria-labelledby="report"><h2 id="report">${esc(t.reportTitle)}</h2>${textList(t.report)}</section>`
  );
}

function technicalPage(t: PortalTexts, key: PageContext['key'], portalUrl: string | null): string {
  const base = (portalUrl ?? 'https://…').replace(/\/+$/, '');
  const keyBlock =
    key === null
      ? `<p>${esc(t.techNoIndex)}</p>`
      : `<dl class="key"><dt>${esc(t.techKeyId)}</dt><dd><code>${esc(key.keyId)}</code></dd>` +
        `<dt>${esc(t.techPublicKey)}</dt><dd><code id="public-key">${esc(key.publicKey)}</code></dd>` +
        `<dt>${esc(t.techIndexId)}</dt><dd><code>${esc(key.indexId)}</code></dd></dl>`;
  return (
    `<h1>${esc(t.techTitle)}</h1><p class="lead">${esc(t.techIntro)}</p>` +
    `<section aria-labelledby="sees"><h2 id="sees">${esc(t.techSeesTitle)}</h2>${textList(t.techSees)}</section>` +
    `<section aria-labelledby="not"><h2 id="not">${esc(t.techNotTitle)}</h2>${textList(t.techNot)}</section>` +
    `<section aria-labelledby="store"><h2 id="store">${esc(t.techStoreTitle)}</h2><p>${esc(t.techStore)}</p></section>` +
    `<section aria-labelledby="key"><h2 id="key">${esc(t.techKeyTitle)}</h2><p>${esc(t.techKeyText)}</p>${keyBlock}` +
    `<h3>${esc(t.techVerifyTitle)}</h3><p>${esc(t.techVerify)}</p>` +
    `<pre><code>${esc(`curl -s ${base}/v1/keys\nvigie check --server ${base} --nir "…"`)}</code></pre>` +
    `<p>${esc(t.techSource)}</p></section>`
  );
}

export function renderPage(page: PageId, lang: Lang, ctx: PageContext): string {
  const t = PORTAL_TEXTS[lang];
  const body =
    page === 'check'
      ? checkPage(lang, t, ctx.data)
      : page === 'notice'
        ? noticePage(t)
        : page === 'genuine'
          ? genuinePage(lang, t, ctx.data)
          : technicalPage(t, ctx.key, ctx.data.controller?.portalUrl ?? null);
  const noscript = page === 'check' || page === 'notice' ? `<noscript><p class="form-error">${esc(t.noScript)}</p></noscript>` : '';
  return layout(page, lang, ctx, TITLES[page](t), body + noscript);
}

/** A page for an address the portal does not have, with the way back (answered with status 404). */
export function renderNotFoundPage(lang: Lang, ctx: PageContext): string {
  const t = PORTAL_TEXTS[lang];
  const links = PAGES.map((p) => `<a href="${PAGE_PATHS[lang][p]}">${esc(t.nav[p])}</a>`);
  return layout(null, lang, ctx, t.notFoundPageTitle, `<h1>${esc(t.notFoundPageTitle)}</h1><p>${esc(t.notFoundPageText)}</p>${ul(links)}`);
}

/** The frame of every page: head, skip link, header with menu and language switch, main, footer, data block. */
function layout(page: PageId | null, lang: Lang, ctx: PageContext, title: string, body: string): string {
  const t = PORTAL_TEXTS[lang];
  const other = otherLang(lang);
  const controller = ctx.data.controller;
  const contact =
    controller === null
      ? ''
      : `<p>${esc(t.phoneLine(controller.phoneLine.number, controller.phoneLine.hours))}</p><p>${esc(t.dpo(controller.dpo.name, controller.dpo.email))}</p>`;
  return (
    `<!doctype html><html lang="${lang}" dir="ltr"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${esc(title)} · ${esc(t.siteName)}</title>` +
    `<meta name="referrer" content="no-referrer">` +
    `<link rel="icon" href="/favicon.svg" type="image/svg+xml">` +
    ctx.assets.styles.map((href) => `<link rel="stylesheet" href="${esc(href)}">`).join('') +
    `<link rel="alternate" hreflang="${other}" href="${PAGE_PATHS[other][page ?? 'check']}">` +
    `<script type="module" src="${esc(ctx.assets.script)}"></script>` +
    `</head><body data-page="${page ?? 'not-found'}">` +
    `<a class="skip" href="#main">${esc(t.skip)}</a>` +
    header(page, lang, t, ctx.data) +
    `<main id="main" tabindex="-1"><div class="wrap">${body}</div></main>` +
    `<footer class="site"><div class="wrap">${contact}<p>${esc(t.footer(controller?.name ?? null))}</p></div></footer>` +
    `<script type="application/json" id="portal-data">${jsonForScript(ctx.data)}</script>` +
    `</body></html>`
  );
}
