// The portal's prefix table is libphonenumber's answer, prefix by prefix (run with VIGIE_UPDATE_DOCS=1 to rewrite it).

import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computePrefixRuns, renderPrefixModule } from './phone-prefixes-gen.js';

const FILE = new URL('./phone-prefixes.ts', import.meta.url);

describe('phone prefix table', () => {
  it('is exactly what libphonenumber answers today', () => {
    const rendered = renderPrefixModule(computePrefixRuns());
    if (process.env['VIGIE_UPDATE_DOCS'] === '1') writeFileSync(FILE, rendered);
    expect(readFileSync(FILE, 'utf8')).toBe(rendered);
  });
});
