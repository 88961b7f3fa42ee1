// `npm run demo`: synthesize a 50,000-row leak, ingest it into a fresh embedded store, check a few people through the
// private protocol on the command line, seal a few demo notices, then serve the portal on it and print its address,
// identifiers to try and a notice code. Serves until Ctrl-C. Everything lives in .vigie-demo/ and is invented.

import { createWriteStream, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { startServer, type RunningServer } from '../src/cli/serve.js';
import { readConfig, type Config } from '../src/config.js';
import { loadControllerConfig } from '../src/controller/config.js';
import { formatNir, normalizeEmail, normalizePhone } from '../src/identifiers/index.js';
import { SqliteStore } from '../src/index/sqlite-store.js';
import { maskEmail, maskName, maskNir, maskPhone, maskPostcode } from '../src/notices/mask.js';
import { createServerLogger } from '../src/server/logging.js';
import { sealNotice } from '../src/server/test-fixture.js';
import type { TruthRecord } from '../src/synth/index.js';

const dir = resolve('.vigie-demo');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true, mode: 0o700 });
const controllerFile = join(dir, 'controller.json');
const env = { ...process.env, VIGIE_DB: join(dir, 'vigie.db'), VIGIE_KEY_FILE: join(dir, 'vigie.key'), VIGIE_CONTROLLER: controllerFile };
const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env };
const bold = (s: string): string => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

async function run(title: string, argv: string[]): Promise<void> {
  console.log(`\n${bold(`$ vigie ${argv.join(' ')}`)}${title === '' ? '' : `   # ${title}`}`);
  const code = await main(argv, io);
  if (code !== 0) throw new Error(`vigie ${argv[0]} failed with exit code ${code}`);
}

const leak = join(dir, 'leak.csv');
const truthFile = join(dir, 'truth.jsonl');
await run('', ['keys', 'generate']);
await run('a synthetic, deliberately messy lab export (Windows-1252, quoted line breaks, bad NIR keys)', [
  'synth', '--rows', '50000', '--seed', 'demo', '--dirty', '--out', leak, '--truth', truthFile,
]);
await run('', ['ingest', leak, '--breach', 'labos-2021', '--title', 'Fuite des laboratoires (démo)', '--progress', process.stderr.isTTY ? 'tty' : 'none']);
await run('an example controller.json (invented laboratory), read by the portal and the notices', ['controller', 'init', '--out', controllerFile]);

const truth = readFileSync(truthFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as TruthRecord);
const usable = truth.filter((p) => !p.unusable && p.nirKeyInFile === 'valid');
const withEmail = usable.find((p) => p.email !== null && p.phone !== null)!;
const withPhone = usable.find((p) => p.phone !== null && p !== withEmail)!;
const byName = usable[usable.length - 1]!;
const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
/** The 15-character NIR of the truth file, as printed on a card: `2 55 08 14 168 025 38`. */
const printedNir = (nir: string): string => formatNir(nir.slice(0, 13), Number(nir.slice(13)));

await run('a person checks with the NIR printed on her card, spaced', ['check', '--nir', printedNir(withEmail.nir), '--email', withEmail.email!.toUpperCase(), '--lang', 'fr']);
await run('another checks with his phone number, written his way', ['check', '--phone', withPhone.phone!, '--lang', 'en']);
await run('by name and date of birth, typed without accents and in lower case', [
  'check', '--last-name', fold(byName.lastName), '--first-name', fold(byName.firstName), '--birth-date', byName.birthDate, '--lang', 'fr',
]);
await run('someone who is not in the file', ['check', '--email', 'personne.absente@example.org', '--phone', '06 00 00 00 01', '--lang', 'fr']);

// Demo notices for three persons of the truth file, sealed as `vigie notices generate` seals them for everyone (it also
// prints every letter, which takes a while at 50,000 rows: run it yourself, see the README).
const controller = loadControllerConfig(controllerFile);
const store = new SqliteStore(env.VIGIE_DB);
const codes: { person: TruthRecord; code: string }[] = [];
try {
  [withEmail, withPhone, byName].forEach((person, i) => {
    const email = person.email === null ? null : normalizeEmail(person.email);
    const phone = person.phone === null ? null : normalizePhone(person.phone);
    const code = sealNotice(store, {
      v: 1,
      breach: 'labos-2021',
      reference: `${controller.letter?.referencePrefix ?? 'DEMO'}-2021-${String(i + 1).padStart(6, '0')}`,
      lang: 'fr',
      issuedAt: new Date().toISOString().slice(0, 10),
      labs: person.labs.map((code) => controller.labs?.[code] ?? code),
      categories: person.categories,
      masked: {
        name: maskName(person.firstName, person.lastName),
        nir: maskNir(person.nir.slice(0, 13), person.nir.slice(13)),
        ...(email?.ok === true ? { email: maskEmail(email.value) } : {}),
        ...(phone?.ok === true ? { phone: maskPhone(phone.value) } : {}),
        ...(person.postcode === null ? {} : { postcode: maskPostcode(person.postcode) }),
      },
    });
    codes.push({ person, code });
  });
} finally {
  store.close();
}
console.log(`\nSealed ${codes.length} demo notices: the store holds them encrypted under their letter codes.`);

// The portal, on port 8080 if free (VIGIE_PORT to choose), else on any free port. Request logs go to a file.
const log = createWriteStream(join(dir, 'server.log'));
const { logger, close: closeLogger } = createServerLogger({ stream: log });
const config: Config = readConfig(env);
let server: RunningServer;
try {
  server = await startServer(config, logger);
} catch {
  server = await startServer({ ...config, port: 0 }, logger);
}
const person = withEmail;
console.log(`
${bold(`The portal is at ${server.url}/  (English: ${server.url}/en/)`)}   request logs: ${join(dir, 'server.log')}

Try, on the check page, ${person.firstName} ${person.lastName} (any one or several; spellings as people type them):
  social security number   ${printedNir(person.nir)}
  e-mail                   ${person.email!.toUpperCase()}
  phone                    ${person.phone}
  name and date of birth   ${fold(person.lastName)} / ${fold(person.firstName)} / ${person.birthDate}
  someone not in the file  personne.absente@example.org

On "J'ai reçu un courrier" (${server.url}/avis), the code of ${person.firstName} ${person.lastName}'s notice:
  ${codes[0]!.code}     (also: ${codes.slice(1).map((c) => c.code).join(', ')})

The store (${env.VIGIE_DB}) holds no name, NIR, e-mail or phone: only OPRF outputs, sealed entries and counts.
Ctrl-C to stop.`);

await new Promise<void>((done) => {
  const stop = (): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    done();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
});
await server.close();
await closeLogger();
log.end();
console.log('\nStopped.');
