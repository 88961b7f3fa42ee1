// Shared fixtures for the integration tests: a temporary workspace with a key, a synthetic leak and its truth.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNewKeyFile, type KeyFile } from '../src/crypto/key-file.js';
import { isVigieError } from '../src/errors.js';
import { synthesize, type SynthSummary } from '../src/synth/index.js';

export interface TruthPerson {
  nir: string;
  email: string | null;
  phone: string | null;
  lastName: string;
  firstName: string;
  birthDate: string;
  birthName: string | null;
  labs: string[];
  categories: string[];
  nirKeyInFile: 'valid' | 'missing' | 'wrong' | 'absent';
  unusable: boolean;
}

export interface Workspace {
  dir: string;
  db: string;
  keyFile: string;
  key: KeyFile;
  cleanup(): void;
}

export function createWorkspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-test-'));
  const keyFile = join(dir, 'vigie.key');
  const key = writeNewKeyFile(keyFile);
  return { dir, db: join(dir, 'vigie.db'), keyFile, key, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function synthLeak(
  dir: string,
  name: string,
  rows: number,
  seed: string,
  dirty: boolean,
): Promise<{ file: string; truth: TruthPerson[]; synth: SynthSummary }> {
  const file = join(dir, `${name}.csv`);
  const truthFile = join(dir, `${name}.truth.jsonl`);
  const synth = await synthesize({ rows, seed, dirty, out: file, truth: truthFile });
  const truth = readFileSync(truthFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as TruthPerson);
  return { file, truth, synth };
}

/** What a person of the truth file would type into a check: every identifier they have. */
export function truthQuery(p: TruthPerson): { nir: string; email?: string; phone?: string; lastName: string; firstName: string; birthDate: string } {
  return {
    nir: p.nir,
    ...(p.email === null ? {} : { email: p.email }),
    ...(p.phone === null ? {} : { phone: p.phone }),
    lastName: p.lastName,
    firstName: p.firstName,
    birthDate: p.birthDate,
  };
}

/** The stable error code a promise rejects with (a VigieError's), for tests of refusals. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isVigieError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a rejection');
}
