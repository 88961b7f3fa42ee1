// The controller's dashboard in a real browser: the login form keeps the token in the tab (no cookie), the
// dashboard replaces it, a wrong token says so, and axe-core finds no violation on either, in both languages.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, usePortalWorld } from './harness.js';

const run = browserAvailable();
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TOKEN = 'dashboard-test-token-0123456789-abcdefghijkl';

async function violations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(d: Document): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return (await axe.run(document)).violations;
  });
  return found.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe.skipIf(!run)('the dashboard in Chromium', () => {
  const shared = usePortalWorld({ adminToken: TOKEN });

  it.each([
    ['/admin', 'Délai de 72 heures', 'Jeton absent ou incorrect.'],
    ['/en/admin', '72-hour deadline', 'Missing or wrong token.'],
  ])('%s: wrong token refused, right token opens the dashboard, no axe violation', async (path, heading, wrong) => {
    const context = await shared.browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(`${shared.world.url}${path}`);
    expect(response?.status()).toBe(401);
    expect(await violations(page)).toEqual([]);
    await page.fill('#admin-token', `${TOKEN}-wrong`);
    await page.click('#admin-login button[type=submit]');
    await page.waitForSelector('#admin-error:not([hidden])');
    expect(await page.textContent('#admin-error')).toBe(wrong);
    await page.fill('#admin-token', TOKEN);
    await page.click('#admin-login button[type=submit]');
    await page.waitForSelector(`text=${heading}`);
    expect(await page.textContent('main')).toContain('labos-2021');
    expect(await violations(page)).toEqual([]);
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });
});
