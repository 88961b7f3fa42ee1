// What a page knows about the breaches and the controller, in its language: built by the server from the store and
// controller.json, embedded in the page as JSON, and read by the browser to word a result or a notice.

import type { ControllerConfig } from '../controller/types.js';
import type { Category } from '../identifiers/categories.js';
import type { Lang } from '../i18n/categories.js';

export interface PortalBreach {
  id: string;
  title: string;
  /** ISO 8601 dates from controller.json (format them with formatDate), or null. */
  occurredFrom: string | null;
  occurredTo: string | null;
  discoveredAt: string | null;
  summary: string | null;
  measures: string[];
  complaintReference: string | null;
  /** Categories in the breach as a whole (public, GET /v1/breaches). */
  categories: Category[];
}

export interface PortalController {
  name: string;
  website: string | null;
  dpo: { name: string; email: string; phone: string | null };
  phoneLine: { number: string; hours: string };
  /** Lab codes -> names people know. */
  labs: Record<string, string>;
  /** The portal's public address, as printed on the letters. */
  portalUrl: string;
}

export interface PortalData {
  lang: Lang;
  controller: PortalController | null;
  breaches: PortalBreach[];
}

/** yyyy-mm-dd (or a full ISO timestamp) -> "14 juillet 2021" / "14 July 2021"; null for null or an unreadable date. */
export function formatDate(iso: string | null | undefined, lang: Lang): string | null {
  if (iso === null || iso === undefined) return null;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(date);
}

export function buildPortalData(
  lang: Lang,
  breaches: readonly { id: string; title: string; categories: Category[] }[],
  config: ControllerConfig | null,
): PortalData {
  const controller: PortalController | null =
    config === null
      ? null
      : {
          name: config.controller.name,
          website: config.controller.website ?? null,
          dpo: { name: config.dpo.name, email: config.dpo.email, phone: config.dpo.phone ?? null },
          phoneLine: { number: config.phoneLine.number, hours: config.phoneLine.hours[lang] },
          labs: { ...(config.labs ?? {}) },
          portalUrl: config.portalUrl,
        };
  return {
    lang,
    controller,
    breaches: breaches.map((b) => {
      const notice = config?.breaches.find((n) => n.id === b.id);
      return {
        id: b.id,
        title: notice?.title[lang] ?? b.title,
        occurredFrom: notice?.occurredFrom ?? null,
        occurredTo: notice?.occurredTo ?? null,
        discoveredAt: notice?.discoveredAt ?? null,
        summary: notice?.summary[lang] ?? null,
        measures: notice?.measures.map((m) => m[lang]) ?? [],
        complaintReference: notice?.complaintReference ?? null,
        categories: b.categories,
      };
    }),
  };
}
