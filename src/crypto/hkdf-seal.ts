// Entry and notice keys (DESIGN §4, §5): HKDF-SHA256 (RFC 5869) from the OPRF output y or a notice
// code, and AES-256-GCM (NIST SP 800-38D) sealing with a fixed zero nonce. WebCrypto, async,
// browser-safe; hkdf-seal-node.ts computes the same bytes synchronously for bulk index builds.
//
// The fixed nonce is safe only because every key seals exactly one plaintext: a sealKey is unique
// per (identifier, index) and a noticeKey per notice code. Never seal twice under one key.

import { b64uEncode } from './encoding.js';
import {
  ENTRY_INFO_SEAL,
  ENTRY_INFO_TAG,
  GCM_TAG_BYTES,
  NOTICE_INFO_ID,
  NOTICE_INFO_KEY,
  SEAL_KEY_BYTES,
  TAG_BYTES,
  ZERO_NONCE,
  checkEntryArgs,
  checkNoticeCode,
  checkSealKey,
} from './hkdf-seal-params.js';

export { TAG_BYTES, SEAL_KEY_BYTES, GCM_TAG_BYTES } from './hkdf-seal-params.js';

const encoder = new TextEncoder();
const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

/** WebCrypto wants ArrayBuffer-backed views; copy only when given something else (e.g. a SharedArrayBuffer view). */
function own(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

async function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, infos: Uint8Array[], lengths: number[]): Promise<Uint8Array[]> {
  const key = await subtle().importKey('raw', own(ikm), 'HKDF', false, ['deriveBits']);
  return Promise.all(
    infos.map(async (info, i) =>
      new Uint8Array(await subtle().deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: own(salt), info: own(info) }, key, lengths[i]! * 8)),
    ),
  );
}

/**
 * DESIGN §4: tag = HKDF-SHA256(ikm = y, salt = utf8(indexId), info = "vigie/v1/tag", 16 bytes) and
 * sealKey = HKDF-SHA256(same, info = "vigie/v1/seal", 32 bytes). `y` must be the 64-byte OPRF output.
 */
export async function deriveEntryKeys(y: Uint8Array, indexId: string): Promise<{ tag: Uint8Array; sealKey: Uint8Array }> {
  checkEntryArgs(y, indexId);
  const [tag, sealKey] = await hkdfSha256(y, encoder.encode(indexId), [ENTRY_INFO_TAG, ENTRY_INFO_SEAL], [TAG_BYTES, SEAL_KEY_BYTES]);
  return { tag: tag!, sealKey: sealKey! };
}

async function gcmKey(key: Uint8Array, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  checkSealKey(key);
  return subtle().importKey('raw', own(key), 'AES-GCM', false, [usage]);
}

/** AES-256-GCM(key, nonce = 12 zero bytes, no AAD): returns ciphertext || 16-byte tag. */
export async function seal(key: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
  const cryptoKey = await gcmKey(key, 'encrypt');
  return new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv: ZERO_NONCE, tagLength: 128 }, cryptoKey, own(plaintext)));
}

/** Opens what `seal` produced; null when the key is wrong or any byte was changed (or it is shorter than a tag). */
export async function open(key: Uint8Array, sealed: Uint8Array): Promise<Uint8Array | null> {
  const cryptoKey = await gcmKey(key, 'decrypt');
  if (!(sealed instanceof Uint8Array) || sealed.length < GCM_TAG_BYTES) return null;
  try {
    return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: ZERO_NONCE, tagLength: 128 }, cryptoKey, own(sealed)));
  } catch {
    return null;
  }
}

/**
 * DESIGN §5: with c the 16 canonical characters of a notice code (see notice-code.ts),
 * noticeId = b64u(HKDF-SHA256(ikm = utf8(c), salt = "", info = "vigie/v1/notice-id", 16)) and
 * noticeKey = HKDF-SHA256(same, info = "vigie/v1/notice-key", 32). Rejects a non-canonical code
 * (RangeError): deriving from "abcd-…" instead of "ABCD…" would silently give another notice.
 */
export async function deriveNoticeKeys(code16: string): Promise<{ noticeId: string; noticeKey: Uint8Array }> {
  checkNoticeCode(code16);
  const [id, noticeKey] = await hkdfSha256(encoder.encode(code16), new Uint8Array(0), [NOTICE_INFO_ID, NOTICE_INFO_KEY], [16, 32]);
  return { noticeId: b64uEncode(id!), noticeKey: noticeKey! };
}
