// What the portal's browser tests share: the world of src/server/portal-fixture.ts, and the rule for Chromium's
// absence: skipped with a visible message, unless CI=true, where it is a failure.

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { browserPrerequisites, launchBrowser, startPortalWorld, type PortalWorld, type PortalWorldOptions } from '../../src/server/portal-fixture.js';

export type { PortalWorld } from '../../src/server/portal-fixture.js';

/** Whether the browser tests run here; prints why not, and refuses to skip on CI. */
export function browserAvailable(): boolean {
  const missing = browserPrerequisites();
  if (missing === null) return true;
  if (process.env['CI'] === 'true') throw new Error(`portal browser tests cannot run on CI: ${missing}`);
  console.warn(`\n*** SKIPPED portal browser tests: ${missing} ***\n`);
  return false;
}

/** A person who is not in the file: identifiers the synthetic generator never produces (the NIR key is added by the test). */
export const STRANGER = {
  nir: '1 84 12 75 123 456 ',
  email: 'personne.inconnue@exemple.invalid',
  phone: '06 00 00 00 01',
};

/** Starts a world and a browser before the file's tests and closes both after; read them from the returned object. */
export function usePortalWorld(options: PortalWorldOptions = {}): { world: PortalWorld; browser: Browser } {
  const shared = {} as { world: PortalWorld; browser: Browser };
  beforeAll(async () => {
    shared.world = await startPortalWorld(options);
    shared.browser = await launchBrowser();
  });
  afterAll(async () => {
    await shared.browser?.close();
    await shared.world?.close();
  });
  return shared;
}
