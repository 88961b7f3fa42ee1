// `npm run demo`: synthesize a 50,000-row leak, ingest it into a fresh embedded store, and check a few people
// through the private protocol, printing what each person would see. Everything lives in .vigie-demo/.

import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';

const dir = resolve('.vigie-demo');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true, mode: 0o700 });
const env = { ...process.env, VIGIE_DB: join(dir, 'vigie.db'), VIGIE_KEY_FILE: join(dir, 'vigie.key') };
const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env };

async function run(title: string, argv: string[]): Promise<void> {
  console.log(`\n\x1b[1m$ vigie ${argv.join(' ')}\x1b[0m${title === '' ? '' : `   # ${title}`}`);
  const code = await main(argv, io);
  if (code !== 0) throw new Error(`vigie ${argv[0]} failed with exit code ${code}`);
}

interface TruthPerson {
  nir: string;
  email: string | null;
  phone: string | null;
  lastName: string;
  firstName: string;
  birthDate: string;
  unusable?: boolean;
}

const leak = join(dir, 'leak.csv');
const truthFile = join(dir, 'truth.jsonl');
await run('', ['keys', 'generate']);
await run('a synthetic, deliberately messy lab export (Windows-1252, quoted line breaks, bad NIR keys)', [
  'synth', '--rows', '50000', '--seed', 'demo', '--dirty', '--out', leak, '--truth', truthFile,
]);
await run('', ['ingest', leak, '--breach', 'labos-2021', '--title', 'Fuite des laboratoires (démo)', '--progress', process.stderr.isTTY ? 'tty' : 'none']);

const truth = readFileSync(truthFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as TruthPerson);
const usable = truth.filter((p) => p.unusable !== true);
const withEmail = usable.find((p) => p.email !== null)!;
const withPhone = usable.find((p) => p.phone !== null && p !== withEmail)!;
const byName = usable[usable.length - 1]!;
const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

await run('a person checks with the NIR printed on her card, spaced', ['check', '--nir', withEmail.nir.replace(/^(.)(..)(..)(..)(...)(...)(..)$/, '$1 $2 $3 $4 $5 $6 $7'), '--email', withEmail.email!.toUpperCase(), '--lang', 'fr']);
await run('another checks with his phone number, written his way', ['check', '--phone', withPhone.phone!, '--lang', 'en']);
await run('by name and date of birth, typed without accents and in lower case', [
  'check', '--last-name', fold(byName.lastName), '--first-name', fold(byName.firstName), '--birth-date', byName.birthDate, '--lang', 'fr',
]);
await run('someone who is not in the file', ['check', '--email', 'personne.absente@example.org', '--phone', '06 00 00 00 01', '--lang', 'fr']);
await run('the same, for a program', ['check', '--nir', withEmail.nir, '--json']);
console.log(`\nThe store (${env.VIGIE_DB}) holds no name, NIR, e-mail or phone: only OPRF outputs, sealed entries and counts.`);
console.log('Inspect it with:    VIGIE_DB=.vigie-demo/vigie.db npx vigie breaches');
console.log('Serve the lookup API on it: VIGIE_DB=.vigie-demo/vigie.db VIGIE_KEY_FILE=.vigie-demo/vigie.key npx vigie serve');
