// Opening what commands share: the configuration, the key file (refused when others can read it), the store.

import { existsSync } from 'node:fs';
import { readConfig, type Config } from '../config.js';
import { VigieError } from '../errors.js';
import { KeyFileError, readKeyFile, type KeyFile } from '../crypto/key-file.js';
import { PgStore } from '../index/pg-store.js';
import { SqliteStore } from '../index/sqlite-store.js';
import { isPostgresUrl, type Store } from '../index/store.js';
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

/** The store VIGIE_DB names: a postgres:// URL (PostgreSQL, created and migrated on first use) or a SQLite file. */
export async function openStore(config: Config, options: { mustExist?: boolean } = {}): Promise<Store> {
  if (isPostgresUrl(config.db)) return PgStore.open(config.db);
  return openSqliteStore(config, options);
}

/**
 * The SQLite store, for the commands that run on it alone for now (notices, the regulator dossier, the dashboard):
 * with a PostgreSQL VIGIE_DB they stop with one clear line instead of half working.
 */
export function openSqliteStore(config: Config, options: { mustExist?: boolean; command?: string } = {}): SqliteStore {
  if (isPostgresUrl(config.db)) {
    throw new VigieError('E_CONFIG', `${options.command ?? 'this command'} runs on a SQLite store only for now: set VIGIE_DB to a SQLite file`);
  }
  if (options.mustExist === true && !existsSync(config.db)) {
    throw new VigieError('E_NO_INDEX', `no store at ${config.db}: ingest a file first with "vigie ingest FILE --breach ID" (or set VIGIE_DB)`);
  }
  return new SqliteStore(config.db);
}
