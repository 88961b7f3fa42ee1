// Helpers shared by the source tests: temporary files that are removed afterwards, and reading a
// source to the end. Not part of the module's API.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Source, SourceRow } from './types.js';

/** A temporary folder; `file(name, bytes)` writes a file there and returns its path. */
export function tempFolder(): { file: (name: string, content: string | Uint8Array) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-source-'));
  return {
    file: (name, content) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Every row of a source, checking that batches are never empty nor over 1000 rows. */
export async function readAll(source: Source): Promise<SourceRow[]> {
  const rows: SourceRow[] = [];
  for await (const batch of source.rows()) {
    if (batch.length === 0 || batch.length > 1000) throw new Error(`bad batch size ${batch.length}`);
    rows.push(...batch);
  }
  return rows;
}

/** Windows-1252 bytes of a string (throws on a character 1252 cannot hold). */
export function cp1252(text: string): Uint8Array {
  const extra: Record<string, number> = {
    '€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88, '‰': 0x89,
    'Š': 0x8a, '‹': 0x8b, 'Œ': 0x8c, 'Ž': 0x8e, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95,
    '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9a, '›': 0x9b, 'œ': 0x9c, 'ž': 0x9e, 'Ÿ': 0x9f,
  };
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    const mapped = extra[ch];
    if (mapped !== undefined) out.push(mapped);
    else if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) out.push(code);
    else throw new Error(`U+${code.toString(16)} is not in Windows-1252`);
  }
  return Uint8Array.from(out);
}

/** Characters Windows-1252 can hold beyond ASCII, for generated data. */
export const CP1252_EXTRA = 'éèêëàâäçîïôöùûüÿœŒÉÈÀÇ€’«»°²µ';
