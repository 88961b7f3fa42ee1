// The portal's Helvetica width table is the AFM metrics, byte for byte (VIGIE_UPDATE_DOCS=1 rewrites it).

import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { measureWidths, renderFontModule } from './pdf-fonts-gen.js';

const FILE = new URL('./pdf-fonts.ts', import.meta.url);

describe('PDF font widths', () => {
  it('equal the Helvetica metrics', () => {
    const rendered = renderFontModule(measureWidths());
    if (process.env['VIGIE_UPDATE_DOCS'] === '1') writeFileSync(FILE, rendered);
    expect(readFileSync(FILE, 'utf8')).toBe(rendered);
  });
});
