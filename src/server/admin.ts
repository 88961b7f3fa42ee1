// The controller's dashboard at /admin (French) and /en/admin (English): the breach's numbers, the 72-hour clock
// (GDPR art. 33(1)), the notice campaign's progress, checks per hour (counts only) and the dossier's downloads.
// It exists only when VIGIE_ADMIN_TOKEN is set; every page and download asks for `Authorization: Bearer <token>`,
// compared in constant time (RFC 6750 §2.1, RFC 6750 §3 for the 401 answer). A browser gets a form that keeps the
// token in sessionStorage (no cookie) and fetches the dashboard with the header.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ControllerConfig } from '../controller/types.js';
import { ERROR_CODES, VigieError } from '../errors.js';
import { errorBody } from './http-errors.js';
import { CATEGORY_LABELS, type Lang } from '../i18n/categories.js';
import type { SqliteStore } from '../index/sqlite-store.js';
import { DEADLINE_HOURS, sizeBand, type Dossier } from '../report/dossier.js';
import { dossierDocument } from '../report/document.js';
import { formatCount } from '../report/labels.js';
import { renderMarkdown } from '../report/render-md.js';
import { renderPdf } from '../report/render-pdf.js';
import { noticeFigures } from '../notices/figures.js';
import { dossierLog } from '../report/run.js';
import { esc } from '../web/html.js';

/** A token shorter than this is refused at startup: it guards the controller's figures and dossiers. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;
const HOURS_KEPT = 72;

/** Checks per hour, in memory (counts only: no address, no identifier, no time finer than the hour). */
export class CheckCounter {
  private readonly hours = new Map<number, number>();
  private currentHour = -1;

  constructor(private readonly now: () => number = Date.now) {}

  record(): void {
    const hour = Math.floor(this.now() / 3_600_000);
    if (hour !== this.currentHour) {
      this.currentHour = hour;
      for (const h of this.hours.keys()) if (h <= hour - HOURS_KEPT) this.hours.delete(h);
    }
    this.hours.set(hour, (this.hours.get(hour) ?? 0) + 1);
  }

  /** The last `count` hours, oldest first, each with its start time and number of checks. */
  lastHours(count = 24): { hour: string; checks: number }[] {
    const current = Math.floor(this.now() / 3_600_000);
    return Array.from({ length: count }, (_, i) => {
      const h = current - count + 1 + i;
      return { hour: new Date(h * 3_600_000).toISOString(), checks: this.hours.get(h) ?? 0 };
    });
  }
}

export interface AdminOptions {
  token: string;
  store: SqliteStore;
  controller?: ControllerConfig | undefined;
  checks: CheckCounter;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** RFC 6750 §2.1 credentials, compared in constant time (both sides hashed to one length first). */
export function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(header ?? '');
  const given = digest(match?.[1] ?? '');
  // Always compare, even without a header, so that the time taken says nothing.
  return timingSafeEqual(given, expected) && match !== null;
}

const WORDS = {
  fr: {
    title: 'Tableau de bord du responsable de traitement',
    login: 'Accès réservé',
    loginText: 'Saisissez le jeton d’administration (VIGIE_ADMIN_TOKEN). Il reste dans cet onglet et n’est jamais enregistré dans un cookie.',
    token: 'Jeton d’administration',
    open: 'Ouvrir le tableau de bord',
    wrong: 'Jeton absent ou incorrect.',
    breach: 'Violation',
    persons: 'Personnes concernées',
    band: 'tranche CNIL',
    minors: 'dont mineurs',
    rows: 'Lignes lues',
    rejected: 'rejetées',
    categories: 'Personnes par catégorie de données',
    clock: 'Délai de 72 heures (RGPD art. 33)',
    aware: 'Prise de connaissance',
    deadline: 'Échéance',
    elapsed: 'heures écoulées',
    remaining: 'heures restantes',
    overdue: 'Échéance dépassée : le dossier doit donner les motifs du retard.',
    noClock: 'Ajoutez la section « regulator » à controller.json pour suivre le délai.',
    filed: 'Dossiers établis',
    none: 'aucun',
    campaign: 'Campagne d’information des personnes (RGPD art. 34)',
    notices: 'Avis individuels',
    opened: 'consultés sur le portail',
    letters: 'Courriers imprimés',
    noLetters: 'pas encore générés',
    withoutAddress: 'sans adresse postale',
    emails: 'Courriels',
    states: { sent: 'envoyés', pending: 'en attente', sending: 'en cours', bounced: 'rejetés', failed: 'en échec' },
    unconfirmed: 'dont sans réponse du serveur (voir vigie notices status)',
    checks: 'Vérifications par heure (dernières 24 heures, ce serveur)',
    checksNote: 'Nombre de vérifications seulement : ni adresse, ni identifiant.',
    downloads: 'Télécharger le dernier dossier',
    noDossier: 'Aucun dossier encore : lancez « vigie report ».',
    other: 'English',
    otherHref: '/en/admin',
  },
  en: {
    title: 'Controller dashboard',
    login: 'Restricted access',
    loginText: 'Type the administration token (VIGIE_ADMIN_TOKEN). It stays in this tab and is never stored in a cookie.',
    token: 'Administration token',
    open: 'Open the dashboard',
    wrong: 'Missing or wrong token.',
    breach: 'Breach',
    persons: 'Persons concerned',
    band: 'CNIL band',
    minors: 'of whom minors',
    rows: 'Rows read',
    rejected: 'rejected',
    categories: 'Persons by data category',
    clock: '72-hour deadline (GDPR art. 33)',
    aware: 'Awareness',
    deadline: 'Deadline',
    elapsed: 'hours elapsed',
    remaining: 'hours left',
    overdue: 'Deadline passed: the dossier must give the reasons for the delay.',
    noClock: 'Add the "regulator" section to controller.json to follow the deadline.',
    filed: 'Dossiers prepared',
    none: 'none',
    campaign: 'Information of persons (GDPR art. 34)',
    notices: 'Individual notices',
    opened: 'opened on the portal',
    letters: 'Letters printed',
    noLetters: 'not generated yet',
    withoutAddress: 'without a postal address',
    emails: 'E-mails',
    states: { sent: 'sent', pending: 'pending', sending: 'in flight', bounced: 'bounced', failed: 'failed' },
    unconfirmed: 'of which without the server’s reply (see vigie notices status)',
    checks: 'Checks per hour (last 24 hours, this server)',
    checksNote: 'Counts only: no address, no identifier.',
    downloads: 'Download the latest dossier',
    noDossier: 'No dossier yet: run "vigie report".',
    other: 'Français',
    otherHref: '/admin',
  },
} as const;

const STATE_COLOURS = { sent: '#1f6f43', pending: '#8a8a8a', sending: '#c98a00', bounced: '#b3261e', failed: '#6b1d1a' } as const;

function bar(value: number, max: number, width: number): number {
  return max <= 0 ? 0 : Math.max(value > 0 ? 1 : 0, Math.round((value / max) * width));
}

/** A horizontal bar chart as inline SVG (presentation attributes only: the page's CSP allows no inline style). */
function barChart(rows: { label: string; value: number }[], title: string): string {
  const max = Math.max(0, ...rows.map((r) => r.value));
  const height = rows.length * 22 + 4;
  const bars = rows
    .map((r, i) => {
      const y = i * 22 + 2;
      const w = bar(r.value, max, 300);
      return `<text x="0" y="${y + 14}" font-size="12" fill="#1a1a1a">${esc(r.label)}</text><rect x="330" y="${y + 3}" width="${w}" height="14" fill="#1f4e8c"/><text x="${336 + w}" y="${y + 14}" font-size="12" fill="#1a1a1a">${formatCount(r.value)}</text>`;
    })
    .join('');
  return `<svg role="img" aria-label="${esc(title)}" viewBox="0 0 720 ${height}" width="100%" preserveAspectRatio="xMinYMin meet"><title>${esc(title)}</title>${bars}</svg>`;
}

function columnChart(points: { hour: string; checks: number }[], title: string): string {
  const max = Math.max(1, ...points.map((p) => p.checks));
  const w = 24;
  const bars = points
    .map((p, i) => {
      const h = bar(p.checks, max, 100);
      const label = p.hour.slice(11, 13);
      return `<rect x="${i * w + 2}" y="${110 - h}" width="${w - 4}" height="${h}" fill="#1f4e8c"><title>${esc(p.hour.slice(0, 13))}h: ${p.checks}</title></rect><text x="${i * w + w / 2}" y="126" font-size="9" text-anchor="middle" fill="#1a1a1a">${label}</text>`;
    })
    .join('');
  return `<svg role="img" aria-label="${esc(title)}" viewBox="0 0 ${points.length * w} 130" width="100%"><title>${esc(title)}</title>${bars}</svg>`;
}

interface BreachView {
  id: string;
  title: string;
  persons: number;
  minors: number;
  rowsRead: number;
  rowsRejected: number;
  categories: { code: string; persons: number }[];
  clock: { awareAt: string; deadline: string; hoursElapsed: number; late: boolean } | null;
  dossiers: { sequence: number; at: string; phase: string; late: boolean }[];
  notices: ReturnType<typeof noticeFigures>;
}

export interface AdminSummary {
  generatedAt: string;
  breaches: BreachView[];
  checksPerHour: { hour: string; checks: number }[];
}

export function adminSummary(options: AdminOptions, now: Date): AdminSummary {
  const { store, controller } = options;
  const breaches = store.breaches().map((record): BreachView => {
    const stats = record.stats;
    const regulator = controller?.regulator?.breaches.find((b) => b.id === record.id);
    let clock: BreachView['clock'] = null;
    if (regulator !== undefined) {
      const aware = Date.parse(regulator.awareAt);
      const deadline = aware + DEADLINE_HOURS * 3_600_000;
      clock = { awareAt: regulator.awareAt, deadline: new Date(deadline).toISOString(), hoursElapsed: Math.round(((now.getTime() - aware) / 3_600_000) * 10) / 10, late: now.getTime() > deadline };
    }
    const log = dossierLog(store, record.id);
    return {
      id: record.id,
      title: controller?.breaches.find((b) => b.id === record.id)?.title.fr ?? record.title,
      persons: stats?.persons ?? 0,
      minors: stats?.minors ?? 0,
      rowsRead: stats?.rowsRead ?? 0,
      rowsRejected: stats?.rowsRejected ?? 0,
      categories: stats === null ? [] : Object.entries(stats.categories).filter(([, c]) => c.rows > 0).map(([code, c]) => ({ code, persons: c.persons })),
      clock,
      dossiers: log.entries.map((e) => ({ sequence: e.sequence, at: e.at, phase: e.phase, late: e.late })),
      notices: noticeFigures(store, record.id),
    };
  });
  return { generatedAt: now.toISOString(), breaches, checksPerHour: options.checks.lastHours(24) };
}

const PAGE_HEAD = (lang: Lang, title: string): string =>
  `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${esc(title)}</title><link rel="stylesheet" href="/admin/admin.css"></head>`;

function loginPage(lang: Lang): string {
  const w = WORDS[lang];
  return `${PAGE_HEAD(lang, w.title)}<body><main id="admin"><h1>${esc(w.title)}</h1><h2>${esc(w.login)}</h2><p>${esc(w.loginText)}</p>
<form id="admin-login"><label for="admin-token">${esc(w.token)}</label><input id="admin-token" name="token" type="password" autocomplete="off" required minlength="${MIN_ADMIN_TOKEN_LENGTH}"><button type="submit">${esc(w.open)}</button></form>
<p id="admin-error" role="alert" hidden>${esc(w.wrong)}</p><p><a href="${w.otherHref}" lang="${lang === 'fr' ? 'en' : 'fr'}">${esc(w.other)}</a></p></main><script src="/admin/admin.js"></script></body></html>`;
}

function dashboardBody(summary: AdminSummary, lang: Lang): string {
  const w = WORDS[lang];
  const sections = summary.breaches.map((b) => {
    const n = b.notices;
    const email = n.email;
    const emailTotal = email.sent + email.pending + email.sending + email.bounced + email.failed;
    const stateRows = (['sent', 'pending', 'sending', 'bounced', 'failed'] as const).map((s) => ({ state: s, value: email[s] }));
    let x = 0;
    const stacked = stateRows
      .map((r) => {
        const width = emailTotal === 0 ? 0 : (r.value / emailTotal) * 600;
        const rect = `<rect x="${x.toFixed(1)}" y="0" width="${width.toFixed(1)}" height="24" fill="${STATE_COLOURS[r.state]}"><title>${esc(w.states[r.state])}: ${r.value}</title></rect>`;
        x += width;
        return rect;
      })
      .join('');
    const clock =
      b.clock === null
        ? `<p>${esc(w.noClock)}</p>`
        : `<dl><dt>${esc(w.aware)}</dt><dd>${esc(b.clock.awareAt)}</dd><dt>${esc(w.deadline)}</dt><dd>${esc(b.clock.deadline)}</dd><dt>${esc(w.elapsed)}</dt><dd>${b.clock.hoursElapsed}</dd>${
            b.clock.late ? '' : `<dt>${esc(w.remaining)}</dt><dd>${Math.round((DEADLINE_HOURS - b.clock.hoursElapsed) * 10) / 10}</dd>`
          }</dl>${b.clock.late ? `<p class="admin-warning">${esc(w.overdue)}</p>` : ''}`;
    const downloads =
      b.dossiers.length === 0
        ? `<p>${esc(w.noDossier)}</p>`
        : `<ul>${['pdf', 'md', 'json'].map((ext) => `<li><a class="admin-download" href="/admin/breaches/${encodeURIComponent(b.id)}/dossier.${lang === 'en' && ext !== 'json' ? `en.${ext}` : ext}" download>dossier ${b.dossiers.at(-1)!.sequence} (${ext.toUpperCase()})</a></li>`).join('')}</ul>`;
    return `<section aria-labelledby="b-${esc(b.id)}"><h2 id="b-${esc(b.id)}">${esc(w.breach)} : ${esc(b.title)} <small>(${esc(b.id)})</small></h2>
<p class="admin-figure"><strong>${formatCount(b.persons)}</strong> ${esc(w.persons)} (${esc(w.band)} ${esc(sizeBand(b.persons))}), ${esc(w.minors)} ${formatCount(b.minors)}. ${esc(w.rows)} : ${formatCount(b.rowsRead)}, ${esc(w.rejected)} ${formatCount(b.rowsRejected)}.</p>
<h3>${esc(w.clock)}</h3>${clock}<p>${esc(w.filed)} : ${b.dossiers.length === 0 ? esc(w.none) : b.dossiers.map((d) => `${d.sequence} (${esc(d.phase)}, ${esc(d.at.slice(0, 16))})`).join(', ')}</p>
<h3>${esc(w.downloads)}</h3>${downloads}
<h3>${esc(w.campaign)}</h3><p>${esc(w.notices)} : ${formatCount(n.notices)}, ${esc(w.opened)} ${formatCount(n.openedOnPortal)}. ${esc(w.letters)} : ${n.letters === null ? esc(w.noLetters) : `${formatCount(n.letters.printed)}, ${formatCount(n.letters.withoutPostalAddress)} ${esc(w.withoutAddress)}`}.</p>
<p>${esc(w.emails)} : ${stateRows.map((r) => `${formatCount(r.value)} ${esc(w.states[r.state])}${r.state === 'sent' && n.emailUnconfirmed > 0 ? ` (${formatCount(n.emailUnconfirmed)} ${esc(w.unconfirmed)})` : ''}`).join(', ')}</p>
<svg role="img" aria-label="${esc(w.emails)}" viewBox="0 0 600 24" width="100%" preserveAspectRatio="none"><title>${esc(w.emails)}</title><rect x="0" y="0" width="600" height="24" fill="#e6e6e6"/>${stacked}</svg>
<h3>${esc(w.categories)}</h3>${barChart(b.categories.map((c) => ({ label: CATEGORY_LABELS[lang][c.code as keyof (typeof CATEGORY_LABELS)['fr']] ?? c.code, value: c.persons })), w.categories)}</section>`;
  });
  return `<h1>${esc(w.title)}</h1>${sections.join('')}<section aria-labelledby="checks"><h2 id="checks">${esc(w.checks)}</h2>${columnChart(summary.checksPerHour, w.checks)}<p>${esc(w.checksNote)}</p></section><p><a href="${w.otherHref}" lang="${lang === 'fr' ? 'en' : 'fr'}">${esc(w.other)}</a></p>`;
}

const ADMIN_CSS = `body{font-family:system-ui,sans-serif;color:#1a1a1a;background:#fff;margin:0;line-height:1.5}main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem}h2{font-size:1.25rem;border-top:1px solid #ccc;padding-top:1rem}label{display:block;font-weight:600;margin:.5rem 0}
input{font-size:1rem;padding:.5rem;width:100%;max-width:30rem;border:2px solid #555}button{font-size:1rem;margin-top:.75rem;padding:.5rem 1rem;background:#1f4e8c;color:#fff;border:0;border-radius:4px}
button:focus,input:focus,a:focus{outline:3px solid #c98a00;outline-offset:2px}a{color:#1f4e8c}dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0}
.admin-warning{color:#b3261e;font-weight:600}.admin-figure strong{font-size:1.4rem}small{font-weight:400;color:#555}`;

// Plain script (no inline code: the CSP allows scripts from this origin only). The token lives in sessionStorage.
const ADMIN_JS = `(() => {
  const key = 'vigie-admin-token';
  const main = document.getElementById('admin');
  const form = document.getElementById('admin-login');
  const error = document.getElementById('admin-error');
  async function load(token) {
    const response = await fetch(location.pathname, { headers: { Authorization: 'Bearer ' + token }, cache: 'no-store' });
    if (response.status !== 200) { sessionStorage.removeItem(key); error.hidden = false; return; }
    sessionStorage.setItem(key, token);
    const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
    const fresh = doc.getElementById('admin');
    if (fresh !== null) main.replaceChildren(...fresh.childNodes);
    main.querySelector('h1')?.setAttribute('tabindex', '-1');
    main.querySelector('h1')?.focus();
  }
  form?.addEventListener('submit', (event) => { event.preventDefault(); void load(document.getElementById('admin-token').value.trim()); });
  document.addEventListener('click', async (event) => {
    const link = event.target instanceof Element ? event.target.closest('a.admin-download') : null;
    if (link === null) return;
    event.preventDefault();
    const response = await fetch(link.getAttribute('href'), { headers: { Authorization: 'Bearer ' + sessionStorage.getItem(key) } });
    if (!response.ok) return;
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement('a');
    a.href = url; a.download = link.getAttribute('href').split('/').pop(); document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  });
  const saved = sessionStorage.getItem(key);
  if (saved !== null && form !== null) void load(saved);
})();
`;

const ADMIN_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Registers /admin, /en/admin, their assets, the summary JSON and the dossier downloads on the root instance. */
export function registerAdmin(app: FastifyInstance, options: AdminOptions): void {
  if (options.token.length < MIN_ADMIN_TOKEN_LENGTH || !/^[A-Za-z0-9\-._~+/]+=*$/.test(options.token)) {
    throw new VigieError('E_CONFIG', `VIGIE_ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters of A-Z a-z 0-9 - . _ ~ + / (e.g. "openssl rand -base64 33")`);
  }
  const expected = digest(options.token);
  // Page routes: the server keeps the CSP set here (see applyHeaders in app.ts) and adds the portal's other headers.
  const config = { portal: true };

  app.addHook('onResponse', (request, reply, done) => {
    if (request.routeOptions.url === '/v1/evaluate' && reply.statusCode === 200) options.checks.record();
    done();
  });

  const secure = (reply: FastifyReply): FastifyReply =>
    reply.header('Cache-Control', 'no-store').header('Content-Security-Policy', ADMIN_CSP).header('X-Frame-Options', 'DENY').header('Referrer-Policy', 'no-referrer');

  const authorized = (request: FastifyRequest): boolean => bearerMatches(request.headers.authorization, expected);

  const refuse = (reply: FastifyReply, lang: Lang): FastifyReply =>
    secure(reply).code(401).header('WWW-Authenticate', 'Bearer realm="vigie-admin"').type('text/html; charset=utf-8').send(loginPage(lang));

  const unauthorized = (reply: FastifyReply): FastifyReply =>
    secure(reply)
      .code(401)
      .header('WWW-Authenticate', 'Bearer realm="vigie-admin"')
      .type('application/json; charset=utf-8')
      .send(errorBody('E_UNAUTHORIZED', ERROR_CODES.E_UNAUTHORIZED));

  for (const [path, lang] of [
    ['/admin', 'fr'],
    ['/en/admin', 'en'],
  ] as const) {
    app.get(path, { config }, async (request, reply) => {
      if (!authorized(request)) return refuse(reply, lang);
      const summary = adminSummary(options, new Date());
      return secure(reply)
        .type('text/html; charset=utf-8')
        .send(`${PAGE_HEAD(lang, WORDS[lang].title)}<body><main id="admin">${dashboardBody(summary, lang)}</main><script src="/admin/admin.js"></script></body></html>`);
    });
  }
  app.get('/admin/admin.js', { config }, async (_request, reply) => secure(reply).header('Cache-Control', 'no-cache').type('text/javascript; charset=utf-8').send(ADMIN_JS));
  app.get('/admin/admin.css', { config }, async (_request, reply) => secure(reply).header('Cache-Control', 'no-cache').type('text/css; charset=utf-8').send(ADMIN_CSS));
  app.get('/admin/summary.json', { config }, async (request, reply) => {
    if (!authorized(request)) return unauthorized(reply);
    return secure(reply).send(adminSummary(options, new Date()));
  });
  app.get<{ Params: { breach: string; file: string } }>('/admin/breaches/:breach/:file', { config }, async (request, reply) => {
    if (!authorized(request)) return unauthorized(reply);
    const { breach, file } = request.params;
    const format = /^dossier(\.en)?\.(json|md|pdf)$/.exec(file);
    if (format === null || options.store.breach(breach) === null) throw new VigieError('E_NOT_FOUND', 'no such dossier');
    const last: Dossier | null = dossierLog(options.store, breach).last;
    if (last === null) throw new VigieError('E_NOT_FOUND', 'no dossier yet for this breach: run vigie report');
    const lang: Lang = format[1] === '.en' ? 'en' : 'fr';
    secure(reply).header('Content-Disposition', `attachment; filename="${breach}-dossier-${last.sequence}${format[1] ?? ''}.${format[2]}"`);
    if (format[2] === 'json') return reply.type('application/json; charset=utf-8').send(JSON.stringify(last, null, 2));
    if (format[2] === 'md') return reply.type('text/markdown; charset=utf-8').send(renderMarkdown(dossierDocument(last, lang)));
    return reply.type('application/pdf').send(await renderPdf(dossierDocument(last, lang), new Date(last.generatedAt)));
  });
}
