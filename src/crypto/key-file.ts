// The OPRF secret key on disk (DESIGN §1.3): a small JSON file outside the database, created with
// mode 0600 from its first byte (open 'wx'), and refused when group or others can read or write it. Node only.
//
// Format: {"version":1,"suite":"ristretto255-SHA512","keyId":HEX16,"secretKey":b64u,"publicKey":b64u,"createdAt":ISO}
// keyId = lower-case hex of the first 8 bytes of SHA-256(publicKey): public, stable, names the key in
// /v1/keys and index manifests without revealing anything about the secret.

import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fstatSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { b64uDecode, b64uEncode } from './encoding.js';
import { ELEMENT_BYTES, SUITE_ID } from './suite.js';
import { checkSecretKey, generateSecretKey, publicKeyOf } from './voprf-keys.js';

export interface KeyFile {
  version: 1;
  suite: 'ristretto255-SHA512';
  keyId: string;
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  createdAt: string;
}

/** Every refusal of a key file; the message names the path and what to do, never key material. */
export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
}

const MODE_OWNER_ONLY = 0o600;

/** First 8 bytes of SHA-256(publicKey), lower-case hex. */
export function keyIdOf(publicKey: Uint8Array): string {
  return createHash('sha256').update(publicKey).digest().subarray(0, 8).toString('hex');
}

function serialize(key: KeyFile): string {
  return (
    JSON.stringify(
      {
        version: key.version,
        suite: key.suite,
        keyId: key.keyId,
        secretKey: b64uEncode(key.secretKey),
        publicKey: b64uEncode(key.publicKey),
        createdAt: key.createdAt,
      },
      null,
      2,
    ) + '\n'
  );
}

/** Writes the whole text to a file created exclusively with mode 0600, flushed to disk. */
function writeExclusive(path: string, text: string): void {
  const fd = openSync(path, 'wx', MODE_OWNER_ONLY);
  try {
    fchmodSync(fd, MODE_OWNER_ONLY); // the umask may have taken bits away; make it exactly 0600
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(path);
    throw error;
  }
  closeSync(fd);
}

/** Best effort: make the new directory entry durable too (not every platform can fsync a directory). */
function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, 'r');
    fsyncSync(fd);
  } catch {
    // ignored: the file itself was fsynced
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Creates a new random key and writes it to `path` (mode 0600; the parent directory must exist).
 * Refuses to replace an existing file unless `force`; with `force` the new file is written beside
 * it and renamed over it, so a crash leaves either the old key or the new one, never half a file.
 */
export function writeNewKeyFile(path: string, options: { force?: boolean } = {}): KeyFile {
  const secretKey = generateSecretKey();
  const publicKey = publicKeyOf(secretKey);
  const key: KeyFile = {
    version: 1,
    suite: SUITE_ID,
    keyId: keyIdOf(publicKey),
    secretKey,
    publicKey,
    createdAt: new Date().toISOString(),
  };
  const text = serialize(key);
  try {
    if (options.force === true) {
      const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
      writeExclusive(temporary, text);
      try {
        renameSync(temporary, path);
      } catch (error) {
        unlinkSync(temporary);
        throw error;
      }
    } else {
      writeExclusive(path, text);
    }
    syncDirectory(dirname(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new KeyFileError(`key file ${path} already exists; refusing to overwrite it without force (a new key invalidates every index built with the old one)`, { cause: error });
    }
    if (code === 'ENOENT') throw new KeyFileError(`cannot create key file ${path}: its directory does not exist`, { cause: error });
    throw new KeyFileError(`cannot write key file ${path}: ${code ?? String(error)}`, { cause: error });
  }
  return key;
}

function field(json: Record<string, unknown>, name: string, path: string): string {
  const value = json[name];
  if (typeof value !== 'string') throw new KeyFileError(`key file ${path} is malformed: "${name}" is missing or not a string`);
  return value;
}

function decodeKeyBytes(json: Record<string, unknown>, name: string, path: string): Uint8Array {
  const text = field(json, name, path);
  let bytes: Uint8Array;
  try {
    bytes = b64uDecode(text);
  } catch {
    throw new KeyFileError(`key file ${path} is malformed: "${name}" is not base64url`);
  }
  if (bytes.length !== ELEMENT_BYTES) {
    throw new KeyFileError(`key file ${path} is malformed: "${name}" should be ${ELEMENT_BYTES} bytes, got ${bytes.length}`);
  }
  return bytes;
}

/**
 * Reads and checks a key file. Throws KeyFileError when it is missing, not a regular file, readable
 * or writable by group or others (fix: chmod 600 PATH), malformed, of another version or suite, or
 * when its public key or keyId does not match its secret key.
 */
export function readKeyFile(path: string): KeyFile {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new KeyFileError(`key file ${path} not found`, { cause: error });
    throw new KeyFileError(`cannot open key file ${path}: ${code ?? String(error)}`, { cause: error });
  }
  let text: string;
  try {
    // Check the opened file itself (fstat), not the path, so it cannot be swapped in between.
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new KeyFileError(`key file ${path} is not a regular file`);
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new KeyFileError(`key file ${path} is accessible by group or others (mode ${mode}); run: chmod 600 ${path}`);
    }
    text = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KeyFileError(`key file ${path} is malformed: not valid JSON`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new KeyFileError(`key file ${path} is malformed: expected a JSON object`);
  }
  const record = json as Record<string, unknown>;
  if (record['version'] !== 1) throw new KeyFileError(`key file ${path} has unsupported version ${JSON.stringify(record['version'])}; expected 1`);
  if (record['suite'] !== SUITE_ID) throw new KeyFileError(`key file ${path} has unsupported suite; expected "${SUITE_ID}"`);
  const keyId = field(record, 'keyId', path);
  const createdAt = field(record, 'createdAt', path);
  const secretKey = decodeKeyBytes(record, 'secretKey', path);
  const publicKey = decodeKeyBytes(record, 'publicKey', path);
  try {
    checkSecretKey(secretKey);
  } catch {
    throw new KeyFileError(`key file ${path} is malformed: "secretKey" is not a valid ${SUITE_ID} scalar`);
  }
  const expected = publicKeyOf(secretKey);
  if (b64uEncode(expected) !== b64uEncode(publicKey)) {
    throw new KeyFileError(`key file ${path} is inconsistent: "publicKey" does not match "secretKey"`);
  }
  if (keyId !== keyIdOf(publicKey)) throw new KeyFileError(`key file ${path} is inconsistent: "keyId" does not match "publicKey"`);
  return { version: 1, suite: SUITE_ID, keyId, secretKey, publicKey, createdAt };
}
