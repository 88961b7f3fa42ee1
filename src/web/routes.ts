// The portal's pages and their addresses in each language (French at /, English under /en/).

import type { Lang } from '../i18n/categories.js';

export const PAGES = ['check', 'notice', 'genuine', 'technical'] as const;
export type PageId = (typeof PAGES)[number];
export const LANGS: readonly Lang[] = ['fr', 'en'];

export const PAGE_PATHS: Readonly<Record<Lang, Readonly<Record<PageId, string>>>> = {
  fr: { check: '/', notice: '/avis', genuine: '/message-authentique', technical: '/technique' },
  en: { check: '/en/', notice: '/en/notice', genuine: '/en/genuine', technical: '/en/technical' },
};

export function otherLang(lang: Lang): Lang {
  return lang === 'fr' ? 'en' : 'fr';
}
