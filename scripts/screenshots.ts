// `npm run screenshots`: the portal's pages at phone (390 px) and desktop (1280 px) widths, in headless Chromium over
// a small synthetic leak, written to docs/screenshots/ as PNG (shown in the README). Only invented data appears.

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, startPortalWorld } from '../src/server/portal-fixture.js';

const out = resolve('docs/screenshots');
mkdirSync(out, { recursive: true });
const world = await startPortalWorld({ rows: 2000 });
const browser = await launchBrowser();

interface Shot {
  name: string;
  path: string;
  act?: (page: Page) => Promise<void>;
}

const m = world.member;
const shots: Shot[] = [
  { name: 'check-fr', path: '/' },
  {
    name: 'result-fr',
    path: '/',
    act: async (page) => {
      await page.fill('#nir', m.nir);
      await page.fill('#email', m.email!);
      await page.fill('#phone', m.phone!);
      await page.click('#check-form button[type=submit]');
      await page.waitForSelector('#result:not([hidden]) .verdict');
    },
  },
  {
    name: 'notice-en',
    path: '/en/notice',
    act: async (page) => {
      await page.fill('#code', world.memberCode);
      await page.click('#notice-form button[type=submit]');
      await page.waitForSelector('#result:not([hidden]) .verdict');
    },
  },
  { name: 'genuine-fr', path: '/message-authentique' },
  { name: 'technical-en', path: '/en/technical' },
];

try {
  for (const [device, viewport] of [
    ['phone', { width: 390, height: 844 }],
    ['desktop', { width: 1280, height: 900 }],
  ] as const) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    for (const shot of shots) {
      const page = await context.newPage();
      await page.goto(`${world.url}${shot.path}`);
      await shot.act?.(page);
      const file = resolve(out, `${shot.name}-${device}.png`);
      // The check page is shown as a person first sees it; results and texts in full.
      await page.screenshot({ path: file, fullPage: shot.name !== 'check-fr' });
      console.log(file);
      await page.close();
    }
    await context.close();
  }
} finally {
  await browser.close();
  await world.close();
}
