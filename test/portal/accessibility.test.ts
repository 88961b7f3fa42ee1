// axe-core on every page of the portal, in French and English, before and after a result is shown: no violation of
// any rule axe runs by default (WCAG 2.x A/AA and best practices). The CSP blocks injected script tags, so axe's
// source is evaluated through the DevTools protocol, which the page's CSP does not govern.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, usePortalWorld } from './harness.js';

const run = browserAvailable();
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

async function violations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run(document)).violations;
  });
  return found.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

// The last two are addresses the portal does not have: its not-found page in each language.
const PAGES = ['/', '/avis', '/message-authentique', '/technique', '/en/', '/en/notice', '/en/genuine', '/en/technical', '/introuvable', '/en/missing'];

describe.skipIf(!run)('accessibility (axe-core in Chromium)', () => {
  const shared = usePortalWorld();

  it('reports a violation when there is one (the check itself works under the CSP)', async () => {
    const page = await shared.browser.newPage();
    await page.goto(`${shared.world.url}/`);
    await page.evaluate(() => {
      const input = document.createElement('input');
      input.id = 'unlabelled';
      document.querySelector('main')?.append(input);
      document.querySelector('label[for="nir"]')?.remove();
    });
    const found = await violations(page);
    expect(found.some((v) => v.startsWith('label ') && v.includes('#unlabelled'))).toBe(true);
    expect(found.some((v) => v.startsWith('label ') && v.includes('#nir'))).toBe(true);
    await page.close();
  });

  it.each(PAGES)('%s has no violation', async (path) => {
    const page = await shared.browser.newPage();
    await page.goto(`${shared.world.url}${path}`);
    expect(await violations(page)).toEqual([]);
    await page.close();
  });

  it.each(['fr', 'en'])('a result with its complaint form open, and a notice, have no violation (%s)', async (lang) => {
    const page = await shared.browser.newPage();
    const m = shared.world.member;
    await page.goto(`${shared.world.url}${lang === 'fr' ? '/' : '/en/'}`);
    await page.fill('#nir', m.nir);
    await page.fill('#email', 'personne.inconnue@exemple.invalid');
    await page.click('#check-form button[type=submit]');
    await page.waitForSelector('#result:not([hidden]) .verdict');
    await page.click('details.complaint summary');
    await page.click('#complaint-0 button[type=submit]'); // shows the inline errors too
    await page.waitForSelector('#complaint-0-error:not([hidden])');
    expect(await violations(page)).toEqual([]);

    await page.goto(`${shared.world.url}${lang === 'fr' ? '/avis' : '/en/notice'}`);
    await page.fill('#code', shared.world.memberCode);
    await page.click('#notice-form button[type=submit]');
    await page.waitForSelector('#result:not([hidden]) .verdict');
    expect(await violations(page)).toEqual([]);
    await page.close();
  });
});
