// Opening what commands share: the configuration, the key file (refused when others can read it), the store.

import { existsSync } from 'node:fs';
import { readConfig, type Config } from '../config.js';
import { VigieError } from '../errors.js';
import { KeyFileError, readKeyFile, type KeyFile } from '../crypto/key-file.js';
import { SqliteStore } from '../index/sqlite-store.js';
import type { CliIo } from './io.js';

export function loadConfig(io: CliIo): Config {
  return readConfig(io.env);
}

export function loadKey(config: Config): KeyFile {
  if (!existsSync(config.keyFile)) {
    throw new VigieError('E_KEY_FILE', `no key file at ${config.keyFile}: create one with "vigie keys generate" (or set VIGIE_KEY_FILE)`);
  }
  try {
    return readKeyFile(config.keyFile);
  } catch (error) {
    if (error instanceof KeyFileError) throw new VigieError('E_KEY_FILE', error.message, { cause: error });
    throw error;
  }
}

export function openStore(config: Config, options: { mustExist?: boolean } = {}): SqliteStore {
  if (options.mustExist === true && !existsSync(config.db)) {
    throw new VigieError('E_NO_INDEX', `no store at ${config.db}: ingest a file first with "vigie ingest FILE --breach ID" (or set VIGIE_DB)`);
  }
  return new SqliteStore(config.db);
}
