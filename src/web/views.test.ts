// The portal's words: pages render in both languages from the data they are given; results and notices show what a
// person needs (categories, advice, measures, contacts) and escape everything; the complaint letter is complete.

import { describe, expect, it } from 'vitest';
import { exampleControllerConfig } from '../controller/example.js';
import { CATEGORIES } from '../identifiers/categories.js';
import { ADVICE, adviceFor } from '../i18n/advice.js';
import { PORTAL_TEXTS } from '../i18n/portal.js';
import { complaintBlocks, missingFields, type ComplaintInput } from './complaint.js';
import { renderPage } from './pages.js';
import { buildPortalData, formatDate } from './portal-data.js';
import { renderCheckResult, renderNotice } from './result-view.js';
import { PAGES } from './routes.js';

const assets = { script: '/assets/main-x.js', styles: ['/assets/main-y.css'] };
const breaches = [{ id: 'labos-2021', title: 'Laboratoires 2021', categories: ['identity', 'phone', 'health_comment'] as const }].map((b) => ({ ...b, categories: [...b.categories] }));

describe('advice', () => {
  it('has advice for every category, in both languages alike', () => {
    for (const c of CATEGORIES) expect(adviceFor([c]).length, c).toBeGreaterThan(0);
    for (const topic of ADVICE) expect(topic.text.fr.actions.length, topic.id).toBe(topic.text.en.actions.length);
    expect(adviceFor(['portal_credentials']).map((t) => t.id)).toEqual(['passwords']);
    expect(adviceFor([])).toEqual([]);
  });

  it('has the same texts in French and English, none empty', () => {
    const keys = (o: object): string[] => Object.keys(o).sort();
    expect(keys(PORTAL_TEXTS.en)).toEqual(keys(PORTAL_TEXTS.fr));
    for (const [k, v] of Object.entries(PORTAL_TEXTS.fr)) if (typeof v === 'string' && k !== 'complaintFrenchOnly') expect(v, k).not.toBe('');
  });
});

describe('pages', () => {
  it.each(PAGES)('%s renders in both languages with the data block and no inline script or style', (page) => {
    for (const lang of ['fr', 'en'] as const) {
      const html = renderPage(page, lang, { data: buildPortalData(lang, breaches, null), assets, key: null });
      expect(html).toMatch(new RegExp(`<html lang="${lang}"`));
      expect(html).toContain('<script type="application/json" id="portal-data">');
      expect(html).not.toMatch(/\sstyle=|<style|\son[a-z]+=/);
      expect(html.match(/<h1>/g)).toHaveLength(1);
    }
  });

  it('builds "is this message genuine?" from the breach categories', () => {
    const html = renderPage('genuine', 'fr', { data: buildPortalData('fr', breaches, null), assets, key: null });
    expect(html).toContain(PORTAL_TEXTS.fr.fakes.health_comment);
    expect(html).toContain(PORTAL_TEXTS.fr.fakes.phone);
    expect(html).not.toContain(PORTAL_TEXTS.fr.fakes.nir);
  });
});

describe('results', () => {
  const data = buildPortalData('fr', breaches, exampleControllerConfig());

  it('shows the categories, the advice they call for, the measures, the contacts and a complaint form', () => {
    const { html, complaints } = renderCheckResult(
      [
        { type: 'nir', found: true, breaches: [{ id: 'labos-2021', categories: ['identity', 'health_comment'] }] },
        { type: 'email', found: false, breaches: [] },
      ],
      data,
      'fr',
      new Map(),
    );
    expect(html).toContain('Oui, des données vous concernant sont dans la fuite.');
    expect(html).toContain('commentaires médicaux');
    expect(html).toContain('Des informations de santé et le chantage');
    expect(html).not.toContain('Votre ligne de téléphone mobile');
    expect(html).toContain('Nous avons porté plainte.');
    expect(html).toContain('0 800 000 000');
    expect(html).toContain('Ce que « pas trouvé » veut dire');
    expect(complaints).toHaveLength(1);
    expect(html).toContain(`id="${complaints[0]!.formId}"`);
  });

  it('names a breach the page does not describe by its manifest title, escaped', () => {
    const { html } = renderCheckResult(
      [{ type: 'phone', found: true, breaches: [{ id: 'other', categories: ['phone'] }] }],
      data,
      'en',
      new Map([['other', 'Other <b>leak</b>']]),
    );
    expect(html).toContain('Other &lt;b&gt;leak&lt;/b&gt;');
    expect(html).toContain('Your mobile phone line');
  });

  it('shows a notice with its reference, labs by name and masked values, escaped', () => {
    const { html, complaints } = renderNotice(
      { v: 1, breach: 'labos-2021', reference: 'R-<1>', lang: 'fr', issuedAt: '2021-03-15', labs: ['LAB01'], categories: ['nir'], masked: { nir: '1 84 ** *** *** 12' } },
      data,
      'fr',
    );
    expect(html).toContain('Ce courrier est authentique');
    expect(html).toContain('R-&lt;1&gt;');
    expect(html).toContain(exampleControllerConfig().labs!['LAB01']!.replace('’', '’'));
    expect(html).toContain('1 84 ** *** *** 12');
    expect(html).toContain('15 mars 2021');
    expect(complaints[0]!.reference).toBe('R-<1>');
  });
});

describe('complaint letter', () => {
  const input: ComplaintInput = {
    lastName: 'Lefèvre',
    firstName: 'Hélène',
    birthDate: '14/07/1950',
    birthPlace: 'Vannes',
    address: '3 rue des Écoles\n56000 Vannes',
    contact: '',
    court: 'Vannes',
    harm: '',
    reference: '',
    breach: { title: 'Fuite', controller: null, occurredFrom: '2015-01-01', occurredTo: '2020-10-31', discoveredAt: null, complaintReference: null },
    categories: ['identity', 'health_comment'],
    today: new Date('2021-04-01T12:00:00Z'),
  };
  const text = (i: ComplaintInput): string => complaintBlocks(i).map((b) => b.text).join('\n');

  it('is addressed to the prosecutor, against X, with the facts, the data, the offences and the date', () => {
    const letter = text(input);
    expect(letter).toContain('Madame, Monsieur le Procureur de la République\nTribunal judiciaire de Vannes');
    expect(letter).toContain('Hélène LEFÈVRE, né(e) le 14/07/1950 à Vannes, demeurant 3 rue des Écoles, 56000 Vannes');
    expect(letter).toContain('du 1 janvier 2015 au 31 octobre 2020');
    expect(letter).toContain('commentaires médicaux');
    expect(letter).toContain('À Vannes, le 1 avril 2021');
    expect(letter).toContain('article 226-22');
    expect(letter).not.toContain('226-16-1'); // no NIR in this person's data
    expect(text({ ...input, categories: ['nir'] })).toContain('226-16-1');
    expect(text({ ...input, reference: 'REF-9' })).toContain('référence REF-9');
  });

  it('names the fields still missing', () => {
    expect(missingFields(input)).toEqual([]);
    expect(missingFields({ ...input, birthPlace: ' ', court: '' })).toEqual(['birthPlace', 'court']);
  });

  it('formats dates in the page language', () => {
    expect(formatDate('2021-02-23', 'fr')).toBe('23 février 2021');
    expect(formatDate('2021-02-23', 'en')).toBe('23 February 2021');
    expect(formatDate('not a date', 'en')).toBeNull();
  });
});
