// `vigie check`: the full private protocol against the local index, through the same client as the web page.

import { VigieError } from '../errors.js';
import { createVoprfServer } from '../crypto/voprf-server.js';
import { canonicalizeQuery, type QueryInput } from '../identifiers/index.js';
import { CATEGORY_LABELS, IDENTIFIER_LABELS, type Lang } from '../i18n/categories.js';
import { createLookupService } from '../index/lookup-service.js';
import { createLookupClient, type LookupClient } from '../lookup/index.js';
import { loadConfig, loadKey, openStore } from './context.js';
import { println } from './io.js';
import type { Command } from './main.js';

const TEXT = {
  fr: {
    found: 'Vos données figurent dans la fuite',
    notFound: 'Non trouvé',
    foundShort: 'Trouvé',
    none: 'Aucune de ces informations ne figure dans les fuites indexées.',
    noneMeans:
      "Cela ne prouve pas que vous n'êtes pas concerné : le fichier peut contenir une autre orthographe ou un autre numéro. Essayez vos autres identifiants.",
    categories: 'Données concernées',
    invalid: 'Champ ignoré',
    wrongKey: 'la clé du NIR (les deux derniers chiffres) ne correspond pas : vérifiez-les ; la vérification porte sur les 13 premiers caractères',
  },
  en: {
    found: 'Your data are in the leak',
    notFound: 'Not found',
    foundShort: 'Found',
    none: 'None of this information is in the indexed leaks.',
    noneMeans:
      'This does not prove you are unaffected: the file may hold another spelling or another number. Try your other identifiers.',
    categories: 'Data concerned',
    invalid: 'Field ignored',
    wrongKey: 'the NIR key (last two digits) does not match: check them; the check uses the first 13 characters',
  },
} as const;

export const checkCommand: Command = {
  name: 'check',
  summary: 'check identifiers privately against the local index',
  usage:
    'vigie check [--nir X] [--email X] [--phone X] [--last-name X --first-name X --birth-date X] [--server URL] [--lang fr|en] [--json]',
  options: {
    nir: { type: 'string' },
    email: { type: 'string' },
    phone: { type: 'string' },
    'last-name': { type: 'string' },
    'first-name': { type: 'string' },
    'birth-date': { type: 'string' },
    lang: { type: 'string' },
    server: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const input: QueryInput = {};
    const map: [keyof QueryInput, string][] = [
      ['nir', 'nir'],
      ['email', 'email'],
      ['phone', 'phone'],
      ['lastName', 'last-name'],
      ['firstName', 'first-name'],
      ['birthDate', 'birth-date'],
    ];
    for (const [field, flag] of map) if (typeof values[flag] === 'string') input[field] = values[flag];
    if (Object.keys(input).length === 0) throw new VigieError('E_USAGE', 'give at least one identifier to check');
    const langValue = values['lang'] ?? (io.env['LANG']?.toLowerCase().startsWith('fr') === true ? 'fr' : 'en');
    if (langValue !== 'fr' && langValue !== 'en') throw new VigieError('E_USAGE', '--lang expects fr or en');
    const lang: Lang = langValue;

    const query = canonicalizeQuery(input);
    if (query.identifiers.length === 0) {
      const reasons = query.errors.map((e) => `${e.field}: ${e.reason}`).join('; ');
      throw new VigieError('E_INPUT', `nothing to check: ${reasons}`);
    }
    let client: LookupClient;
    let close = async (): Promise<void> => {};
    const serverUrl = values['server'];
    if (typeof serverUrl === 'string') {
      // Over HTTP, as a partner application or the web page would: no key, no store on this side.
      if (!/^https?:\/\//i.test(serverUrl)) throw new VigieError('E_USAGE', '--server expects an http:// or https:// URL');
      client = createLookupClient({ baseUrl: serverUrl });
    } else {
      const config = loadConfig(io);
      const key = loadKey(config);
      const store = await openStore(config, { mustExist: true });
      close = async () => {
        await store.close();
      };
      try {
        client = createLookupClient({ transport: createLookupService({ store, server: await createVoprfServer(key.secretKey), keyId: key.keyId }) });
      } catch (error) {
        await close();
        throw error;
      }
    }
    try {
      const result = await client.check(query.identifiers);
      if (values['json'] === true) {
        println(io.stdout, JSON.stringify({ found: result.found, matches: result.matches }));
        return 0;
      }
      const t = TEXT[lang];
      const colon = lang === 'fr' ? '\u00a0: ' : ': '; // French puts a (non-breaking) space before a colon
      const titles = new Map(result.manifest.breaches.map((b) => [b.id, b.title]));
      for (const error of query.errors) println(io.stdout, `${t.invalid} (${error.field})${colon}${error.reason}`);
      if (query.nirKeyStatus === 'wrong') println(io.stdout, `NIR${colon}${t.wrongKey}`);
      for (const checked of result.results) {
        const label = IDENTIFIER_LABELS[lang][checked.type];
        if (!checked.found) {
          println(io.stdout, `✘ ${t.notFound}${colon}${label}`);
          continue;
        }
        println(io.stdout, `✔ ${t.foundShort}${colon}${label}`);
        for (const breach of checked.breaches) {
          println(io.stdout, `    ${titles.get(breach.id) ?? breach.id} [${breach.id}]`);
          println(io.stdout, `    ${t.categories}${colon}${breach.categories.map((c) => CATEGORY_LABELS[lang][c]).join(', ')}`);
        }
      }
      println(io.stdout);
      println(io.stdout, result.found ? `${t.found}.` : `${t.none} ${t.noneMeans}`);
      return 0;
    } finally {
      await close();
    }
  },
};
