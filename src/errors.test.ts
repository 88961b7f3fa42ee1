import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, VigieError } from './errors.js';

describe('error catalogue', () => {
  it('docs/errors.md lists exactly the codes of src/errors.ts, with the same meaning', () => {
    const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| `(E_[A-Z_]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]);
    expect(Object.fromEntries(rows)).toEqual(ERROR_CODES);
  });

  it('carries its code and cause', () => {
    const cause = new Error('inner');
    const error = new VigieError('E_STORE', 'cannot open', { cause });
    expect(error.code).toBe('E_STORE');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
  });
});
