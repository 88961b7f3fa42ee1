// The one place where Vigie reads its environment. Everything else receives a Config.

import { VigieError } from './errors.js';

export interface Config {
  /** Store location: a SQLite file path (default ./vigie.db). */
  readonly db: string;
  /** Path of the OPRF secret key file (default ./vigie.key), mode 0600. */
  readonly keyFile: string;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const db = nonEmpty(env, 'VIGIE_DB') ?? './vigie.db';
  const keyFile = nonEmpty(env, 'VIGIE_KEY_FILE') ?? './vigie.key';
  return { db, keyFile };
}

function nonEmpty(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new VigieError('E_CONFIG', `${name} is set but empty`);
  return value;
}
