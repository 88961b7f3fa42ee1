// What a person reads when the server's rate limits say no (DESIGN §4): a plain sentence, no result, no endless wait.

import { describe, expect, it } from 'vitest';
import { browserAvailable, usePortalWorld } from './harness.js';

const run = browserAvailable();

describe.skipIf(!run)('rate limits in the browser (Chromium)', () => {
  // Eight guesses, then one every 1,000 s: a third check of four identifiers is refused with a long Retry-After.
  const shared = usePortalWorld({ rows: 400, rateLimit: { burst: 8, refillPerSecond: 0.001 } });

  it('says to try again later when checks or notice look-ups are over the limit', async () => {
    const { world, browser } = shared;
    const page = await browser.newPage();
    const m = world.member;
    await page.goto(`${world.url}/`);
    for (const [id, value] of Object.entries({ nir: m.nir, email: m.email!, phone: m.phone!, lastName: m.lastName, firstName: m.firstName, birthDate: m.birthDate })) {
      await page.fill(`#${id}`, value);
    }
    for (let i = 0; i < 2; i++) {
      await page.click('#check-form button[type=submit]');
      await page.waitForFunction(() => document.querySelectorAll('.checked strong.yes').length === 4);
      await page.evaluate(() => (document.getElementById('result')!.innerHTML = ''));
    }
    const started = Date.now();
    await page.click('#check-form button[type=submit]');
    await page.waitForFunction(() => document.getElementById('check-status')?.textContent?.includes('Réessayez dans quelques minutes') === true);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await page.locator('#result .verdict').count()).toBe(0);
    expect(await page.isEnabled('#check-form button[type=submit]')).toBe(true);

    await page.goto(`${world.url}/en/notice`);
    for (let i = 0; i < 8; i++) {
      await page.fill('#code', 'ABCD-EFGH-JKMN-PQRS');
      await page.click('#notice-form button[type=submit]');
      // Until the look-up has finished (the form disables its button while one runs), not merely started: a verdict
      // rendered after the clearing below would be taken for the last look-up's.
      await page.waitForFunction(
        () =>
          document.querySelector<HTMLButtonElement>('#notice-form button[type=submit]')?.disabled === false &&
          (document.getElementById('result')?.textContent ?? '') + (document.getElementById('notice-status')?.textContent ?? '') !== '',
      );
      await page.evaluate(() => (document.getElementById('result')!.textContent = ''));
    }
    await page.fill('#code', world.memberCode);
    await page.click('#notice-form button[type=submit]');
    await page.waitForFunction(() => document.getElementById('notice-status')?.textContent?.includes('Try again in a few minutes') === true);
    expect(await page.locator('#result .verdict').count()).toBe(0);
    await page.close();
  });
});
