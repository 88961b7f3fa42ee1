// `vigie keys generate`: a new OPRF secret key, written with mode 0600 (DESIGN §1.3).

import { writeNewKeyFile } from '../crypto/key-file.js';
import { VigieError } from '../errors.js';
import { loadConfig } from './context.js';
import { println } from './io.js';
import type { Command } from './main.js';

export const keysCommand: Command = {
  name: 'keys generate',
  summary: 'create the OPRF secret key file (mode 0600)',
  usage: 'vigie keys generate [--out FILE] [--force] [--json]',
  options: { out: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
  async run({ values }, io) {
    const path = typeof values['out'] === 'string' ? values['out'] : loadConfig(io).keyFile;
    let key;
    try {
      key = writeNewKeyFile(path, { force: values['force'] === true });
    } catch (error) {
      throw new VigieError('E_KEY_FILE', (error as Error).message, { cause: error });
    }
    if (values['json'] === true) {
      println(io.stdout, JSON.stringify({ keyFile: path, keyId: key.keyId, suite: key.suite }));
    } else {
      println(io.stdout, `Key ${key.keyId} (${key.suite}) written to ${path} with mode 0600.`);
      println(io.stdout, 'Keep it secret and backed up: without it the index cannot be queried; with it, anyone can test guesses offline.');
    }
    return 0;
  },
};
