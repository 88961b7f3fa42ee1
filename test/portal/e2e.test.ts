// The portal end to end in Debian's Chromium: a member of the synthetic leak learns they are affected, with their
// categories and what to do; a stranger learns nothing was found and what that means; a notice opens from a code
// typed loosely, an unknown code gets one neutral sentence; a complaint PDF downloads and reads back in French.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { nirKey } from '../../src/identifiers/nir.js';
import { CATEGORY_LABELS } from '../../src/i18n/categories.js';
import { browserAvailable, STRANGER, usePortalWorld } from './harness.js';

const run = browserAvailable();

/** Types a person's identifiers the way people do: spaced NIR, upper-case e-mail, names without accents. */
async function fillCheck(page: Page, values: { nir?: string; email?: string; phone?: string; lastName?: string; firstName?: string; birthDate?: string }): Promise<void> {
  for (const [id, value] of Object.entries(values)) if (value !== undefined) await page.fill(`#${id}`, value);
}

async function submitCheck(page: Page): Promise<string> {
  await page.click('#check-form button[type=submit]');
  try {
    await page.waitForSelector('#result:not([hidden]) .verdict', { timeout: 20_000 });
  } catch (error) {
    // Say what the page said instead of a bare timeout.
    const said = await page.locator('.error:not([hidden]), .form-error:not([hidden]), .status').allTextContents();
    throw new Error(`no result; the page says: ${JSON.stringify(said)}`, { cause: error });
  }
  return (await page.textContent('#result')) ?? '';
}

const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const spacedNir = (nir: string): string => nir.replace(/^(.)(..)(..)(..)(...)(...)(..)$/, '$1 $2 $3 $4 $5 $6 $7');

describe.skipIf(!run)('portal end to end (Chromium)', () => {
  const shared = usePortalWorld();

  it('tells a member checked with four identifiers that each is in the leak, with their categories and advice', async () => {
    const page = await shared.browser.newPage();
    const m = shared.world.member;
    await page.goto(`${shared.world.url}/`);
    await fillCheck(page, {
      nir: spacedNir(m.nir),
      email: m.email!.toUpperCase(),
      phone: m.phone!,
      lastName: fold(m.lastName),
      firstName: fold(m.firstName),
      birthDate: m.birthDate,
    });
    const text = await submitCheck(page);
    expect(text).toContain('Oui, des données vous concernant sont dans la fuite.');
    expect(await page.locator('.checked li').allTextContents()).toHaveLength(4);
    expect(await page.locator('.checked strong.yes').count()).toBe(4);
    for (const c of m.categories) expect(text).toContain(CATEGORY_LABELS.fr[c]);
    // The controller's facts and the advice the categories call for.
    expect(text).toContain('Responsable : Laboratoire Exemple');
    expect(text).toContain('Nous avons prévenu la CNIL');
    expect(text).toContain('Des messages qui citent votre passage au laboratoire');
    expect(text).toContain('cybermalveillance.gouv.fr');
    expect(text).not.toContain('Ce que « pas trouvé » veut dire');
    // Focus moves to the result, so a screen reader announces it.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('result');
    await page.close();
  });

  it('tells a stranger nothing was found, and what that does and does not mean', async () => {
    const page = await shared.browser.newPage();
    const body = STRANGER.nir.replace(/\s/g, '');
    expect(shared.world.truth.some((p) => p.nir.startsWith(body) || p.email === STRANGER.email)).toBe(false);
    await page.goto(`${shared.world.url}/`);
    await fillCheck(page, { nir: `${STRANGER.nir}${String(nirKey(body)).padStart(2, '0')}`, email: STRANGER.email, phone: STRANGER.phone });
    const text = await submitCheck(page);
    expect(text).toContain('Nous n’avons rien trouvé avec ce que vous avez tapé.');
    expect(text).toContain('Ce que « pas trouvé » veut dire');
    expect(text).toContain('Cela ne prouve pas que vous n’êtes pas concerné');
    expect(await page.locator('.checked strong.no').count()).toBe(3);
    expect(await page.locator('.breach').count()).toBe(0);
    await page.close();
  });

  it('explains a wrong NIR key in plain words and still checks the number', async () => {
    const page = await shared.browser.newPage();
    const m = shared.world.member;
    const wrongKey = String(((Number(m.nir.slice(13)) % 97) + 1)).padStart(2, '0');
    await page.goto(`${shared.world.url}/`);
    await fillCheck(page, { nir: `${m.nir.slice(0, 13)}${wrongKey}` });
    const text = await submitCheck(page);
    expect(await page.textContent('#nir-error')).toContain('Vérifiez les deux derniers chiffres');
    expect(text).toContain('Oui, des données vous concernant sont dans la fuite.');
    await page.close();
  });

  it('helps as soon as a person leaves a field, before any check', async () => {
    const page = await shared.browser.newPage();
    const m = shared.world.member;
    await page.goto(`${shared.world.url}/`);
    await page.fill('#nir', `${m.nir.slice(0, 13)}${m.nir.slice(13) === '01' ? '02' : '01'}`);
    await page.press('#nir', 'Tab');
    await page.waitForSelector('#nir-error:not([hidden])');
    expect(await page.textContent('#nir-error')).toContain('Vérifiez les deux derniers chiffres');
    await page.fill('#phone', '06 12');
    await page.press('#phone', 'Tab');
    await page.waitForSelector('#phone-error:not([hidden])');
    expect(await page.getAttribute('#phone', 'aria-invalid')).toBe('true');
    await page.fill('#phone', '06 12 34 56 78');
    await page.press('#phone', 'Tab');
    await page.waitForSelector('#phone-error', { state: 'hidden' });
    await page.close();
  });

  it('flags invalid fields inline and sends nothing', async () => {
    const page = await shared.browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${shared.world.url}/`);
    requests.length = 0;
    await fillCheck(page, { email: 'jean.dupont@', lastName: 'Dupont' });
    await page.click('#check-form button[type=submit]');
    await page.waitForSelector('#email-error:not([hidden])');
    expect(await page.getAttribute('#email', 'aria-invalid')).toBe('true');
    expect(await page.textContent('#firstName-error')).toContain('prénom');
    expect(await page.textContent('#birthDate-error')).toContain('jour/mois/année');
    expect(requests.filter((u) => u.includes('/v1/'))).toEqual([]);
    await page.close();
  });

  it('reads a foreign phone number with the full metadata, loaded on demand from the same origin', async () => {
    const page = await shared.browser.newPage();
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(r.url());
    });
    await page.goto(`${shared.world.url}/`);
    expect(scripts.some((u) => u.includes('phone-reference'))).toBe(false);
    await fillCheck(page, { phone: '+49 30 1234567' });
    const text = await submitCheck(page);
    expect(text).toContain('pas trouvé');
    expect(scripts.some((u) => u.startsWith(`${shared.world.url}/assets/phone-reference`))).toBe(true);
    await page.close();
  });

  it('opens the notice of a code typed loosely, in English too, and tells an unknown code one neutral sentence', async () => {
    const page = await shared.browser.newPage();
    await page.goto(`${shared.world.url}/en/notice`);
    // Lower case, spaces for dashes, and the letters people confuse with digits (DESIGN §5).
    const loose = shared.world.memberCode.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
    await page.fill('#code', loose);
    await page.click('#notice-form button[type=submit]');
    await page.waitForSelector('#result:not([hidden]) .verdict');
    const text = (await page.textContent('#result')) ?? '';
    expect(text).toContain('This letter is genuine: it was sent by the laboratory.');
    expect(text).toContain('LABEX-2021-000042');
    expect(text).toContain('2 55 08 ** *** *** 38');
    expect(text).toContain('Laboratory data leak (2021)');

    await page.fill('#code', 'ABCD-EFGH-JKMN-PQRS');
    await page.click('#notice-form button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#result')?.textContent?.includes('No notice matches this code.') === true);
    expect(await page.locator('#result .breach').count()).toBe(0);

    await page.fill('#code', 'ABCD-EFGH');
    await page.click('#notice-form button[type=submit]');
    await page.waitForSelector('#code-error:not([hidden])');
    expect(await page.textContent('#code-error')).toContain('16 letters and digits');
    await page.close();
  });

  it('downloads a complaint letter as a PDF that reads back, in French, with the notice reference and the offences', async () => {
    const page = await shared.browser.newPage({ acceptDownloads: true });
    await page.goto(`${shared.world.url}/avis`);
    await page.fill('#code', shared.world.memberCode);
    await page.click('#notice-form button[type=submit]');
    await page.waitForSelector('#result:not([hidden]) details.complaint');
    await page.click('details.complaint summary');
    const f = (name: string, value: string) => page.fill(`#complaint-notice-${name}`, value);
    await f('lastName', 'Lefèvre');
    await f('firstName', 'Hélène');
    await f('birthDate', '14/07/1950');
    await f('birthPlace', 'Saint-Brieuc');
    await f('address', '3 rue des Écoles\n22000 Saint-Brieuc');
    await f('court', 'Saint-Brieuc');
    await f('harm', 'J’ai reçu des SMS frauduleux citant mon laboratoire.');
    expect(await page.inputValue('#complaint-notice-reference')).toBe('LABEX-2021-000042');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#complaint-notice button[type=submit]')]);
    expect(download.suggestedFilename()).toBe('plainte-contre-x.pdf');
    const file = join(shared.world.dir, 'plainte.pdf');
    await download.saveAs(file);
    expect(readFileSync(file).subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('Hélène LEFÈVRE');
    expect(text).toContain('porte plainte contre X');
    expect(text).toContain('LABEX-2021-000042');
    expect(text).toContain('Tribunal judiciaire de Saint-Brieuc');
    expect(text).toContain('articles 323-1 et 323-3 du code pénal');
    expect(text).toContain('article 226-22 du code pénal');
    expect(text).toContain('J’ai reçu des SMS frauduleux citant mon laboratoire.');
    expect(text).toContain('Laboratoire Exemple');
    await page.close();
  });

  it('refuses a complaint with its required fields empty, naming them', async () => {
    const page = await shared.browser.newPage();
    await page.goto(`${shared.world.url}/avis`);
    await page.fill('#code', shared.world.memberCode);
    await page.click('#notice-form button[type=submit]');
    await page.waitForSelector('#result:not([hidden]) details.complaint');
    await page.click('details.complaint summary');
    await page.click('#complaint-notice button[type=submit]');
    await page.waitForSelector('#complaint-notice-error:not([hidden])');
    expect(await page.getAttribute('#complaint-notice-lastName', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#complaint-notice-reference', 'aria-invalid')).toBeNull();
    await page.close();
  });
});
