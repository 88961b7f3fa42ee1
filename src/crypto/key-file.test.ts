// Key files (DESIGN §1.3): created 0600 and atomically, never silently replaced, and refused with a
// message that names the path and the fix when permissions, JSON or key material are wrong.

import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { b64uEncode } from './encoding.js';
import { KeyFileError, keyIdOf, readKeyFile, writeNewKeyFile } from './key-file.js';
import { generateSecretKey, publicKeyOf } from './voprf-keys.js';

const posix = process.platform !== 'win32';

describe('key files', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-key-'));
    path = join(dir, 'vigie.key');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const writeRaw = (json: unknown, mode = 0o600): void => {
    writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json), { mode });
    chmodSync(path, mode);
  };
  const validJson = () => {
    const secretKey = generateSecretKey();
    const publicKey = publicKeyOf(secretKey);
    return {
      version: 1,
      suite: 'ristretto255-SHA512',
      keyId: keyIdOf(publicKey),
      secretKey: b64uEncode(secretKey),
      publicKey: b64uEncode(publicKey),
      createdAt: '2024-03-01T10:00:00.000Z',
    };
  };

  it.runIf(posix)('writes mode 0600 and reads back the same key', () => {
    const written = writeNewKeyFile(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const read = readKeyFile(path);
    expect(read).toEqual(written);
    expect(read.suite).toBe('ristretto255-SHA512');
    expect(read.publicKey).toEqual(publicKeyOf(read.secretKey));
    const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(['createdAt', 'keyId', 'publicKey', 'secretKey', 'suite', 'version']);
    expect(json['secretKey']).toBe(b64uEncode(written.secretKey));
  });

  it.runIf(posix)('is 0600 even under a permissive umask', () => {
    const previous = process.umask(0o000);
    try {
      writeNewKeyFile(path);
    } finally {
      process.umask(previous);
    }
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('keyId is the first 8 bytes of SHA-256(publicKey) in hex', () => {
    const key = writeNewKeyFile(path);
    expect(key.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(key.keyId).toBe(createHash('sha256').update(key.publicKey).digest('hex').slice(0, 16));
  });

  it('refuses to overwrite without force, and replaces atomically with force', () => {
    const first = writeNewKeyFile(path);
    expect(() => writeNewKeyFile(path)).toThrow(KeyFileError);
    expect(() => writeNewKeyFile(path)).toThrow(/already exists/);
    expect(readKeyFile(path)).toEqual(first); // untouched
    const second = writeNewKeyFile(path, { force: true });
    expect(second.keyId).not.toBe(first.keyId);
    expect(readKeyFile(path)).toEqual(second);
    expect(readdirSync(dir)).toEqual(['vigie.key']); // no temporary file left behind
  });

  it.runIf(posix)('force replaces a 0644 file with a 0600 one', () => {
    writeRaw(validJson(), 0o644);
    writeNewKeyFile(path, { force: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('fails clearly when the directory does not exist', () => {
    expect(() => writeNewKeyFile(join(dir, 'missing', 'vigie.key'))).toThrow(/directory does not exist/);
  });

  it.runIf(posix).each([0o644, 0o640, 0o604, 0o620, 0o660, 0o602])('refuses mode %o and names the fix', (mode) => {
    writeRaw(validJson(), mode);
    expect(() => readKeyFile(path)).toThrow(KeyFileError);
    expect(() => readKeyFile(path)).toThrow(`chmod 600 ${path}`);
  });

  it.runIf(posix)('accepts 0400 (read-only for the owner)', () => {
    writeRaw(validJson(), 0o400);
    expect(readKeyFile(path).version).toBe(1);
  });

  it('refuses a missing file, naming it', () => {
    expect(() => readKeyFile(path)).toThrow(KeyFileError);
    expect(() => readKeyFile(path)).toThrow(`${path} not found`);
  });

  it('refuses a directory', () => {
    expect(() => readKeyFile(dir)).toThrow(KeyFileError);
  });

  it.runIf(posix)('follows a symbolic link but checks the mode of the file it points to', () => {
    writeRaw(validJson(), 0o644);
    const link = join(dir, 'link.key');
    symlinkSync(path, link);
    expect(() => readKeyFile(link)).toThrow('chmod 600');
    chmodSync(path, 0o600);
    expect(readKeyFile(link).version).toBe(1);
  });

  it.each<[string, (j: Record<string, unknown>) => unknown, RegExp]>([
    ['not JSON', () => '{"version": 1,', /not valid JSON/],
    ['an array', () => [], /expected a JSON object/],
    ['version 2', (j) => ({ ...j, version: 2 }), /unsupported version 2/],
    ['another suite', (j) => ({ ...j, suite: 'P256-SHA256' }), /unsupported suite/],
    ['no secret key', (j) => ({ ...j, secretKey: undefined }), /"secretKey" is missing/],
    ['secret key not base64url', (j) => ({ ...j, secretKey: 'not base64!' }), /"secretKey" is not base64url/],
    ['secret key 31 bytes', (j) => ({ ...j, secretKey: b64uEncode(new Uint8Array(31).fill(1)) }), /should be 32 bytes/],
    ['zero secret key', (j) => ({ ...j, secretKey: b64uEncode(new Uint8Array(32)) }), /not a valid ristretto255-SHA512 scalar/],
    ['another public key', (j) => ({ ...j, publicKey: b64uEncode(publicKeyOf(generateSecretKey())) }), /"publicKey" does not match/],
    ['a wrong keyId', (j) => ({ ...j, keyId: '0000000000000000' }), /"keyId" does not match/],
  ])('refuses a file with %s', (_what, change, message) => {
    const json = validJson();
    writeRaw(change(json));
    expect(() => readKeyFile(path)).toThrow(KeyFileError);
    expect(() => readKeyFile(path)).toThrow(message);
    try {
      readKeyFile(path);
    } catch (error) {
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).not.toContain(json.secretKey); // never echo the secret
    }
  });
});
