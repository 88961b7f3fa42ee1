// The browser-safe entry point must stay browser-safe: walk its import graph and fail on any
// node: module or libsodium (the lookup client ships to phones).

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

function importGraph(entry: string): { files: string[]; bare: string[] } {
  const files = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else bare.add(specifier);
    }
  };
  visit(join(here, entry));
  return { files: [...files], bare: [...bare] };
}

describe('browser-safe entry point', () => {
  it('index.ts reaches no node: module and no libsodium', () => {
    const { files, bare } = importGraph('index.ts');
    expect(files.length).toBeGreaterThan(4);
    expect(bare.filter((s) => s.startsWith('node:') || s.includes('libsodium') || !s.startsWith('@noble/'))).toEqual([]);
  });

  it('the walker does see node-only imports (control)', () => {
    const { bare } = importGraph('node.ts');
    expect(bare).toContain('node:crypto');
    expect(bare).toContain('libsodium-wrappers-sumo');
  });

  it('exports the API the lookup client uses', async () => {
    const api = await import('./index.js');
    for (const name of ['b64uEncode', 'b64uDecode', 'blind', 'finalizeBatch', 'isValidElement', 'deriveEntryKeys', 'open', 'seal', 'deriveNoticeKeys', 'parseNoticeCode']) {
      expect(typeof (api as Record<string, unknown>)[name]).toBe('function');
    }
  });
});
