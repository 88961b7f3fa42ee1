// The same derivations and sealing as hkdf-seal.ts (DESIGN §4, §5), synchronous on node:crypto for
// bulk index builds (millions of entries). Results are byte-for-byte those of the WebCrypto versions.
//
// HKDF-SHA256 (RFC 5869) is written out as HMAC-SHA256 (RFC 2104) over the SHA-256 compression function
// (sha256-blocks.ts), with the padded salt blocks absorbed once per index: crypto.hkdfSync measured ~25k key
// pairs/s here, createHmac ~85k/s, one-shot hashes ~115k/s, this several times more. Outputs are at most one
// SHA-256 block (32 bytes), so expand is a single T(1).

import { createCipheriv, createDecipheriv } from 'node:crypto';
import { b64uEncode } from './encoding.js';
import {
  ENTRY_INFO_SEAL,
  ENTRY_INFO_TAG,
  GCM_TAG_BYTES,
  NOTICE_ID_BYTES,
  NOTICE_INFO_ID,
  NOTICE_INFO_KEY,
  NOTICE_KEY_BYTES,
  SEAL_KEY_BYTES,
  TAG_BYTES,
  ZERO_NONCE,
  checkEntryArgs,
  checkNoticeCode,
  checkSealKey,
} from './hkdf-seal-params.js';
import { DIGEST_BYTES, hmac, hmacKey, type HmacKey } from './sha256-blocks.js';

const withCounter = (info: Uint8Array): Uint8Array => Uint8Array.of(...info, 1); // info || 0x01
const TAG_T1 = withCounter(ENTRY_INFO_TAG);
const SEAL_T1 = withCounter(ENTRY_INFO_SEAL);
const NOTICE_ID_T1 = withCounter(NOTICE_INFO_ID);
const NOTICE_KEY_T1 = withCounter(NOTICE_INFO_KEY);

// The salt of an index build is the same for millions of entries: keep its HMAC key state.
let cachedSalt: string | null = null;
const saltKey: HmacKey = { inner: new Int32Array(8), outer: new Int32Array(8) };
const emptySaltKey: HmacKey = hmacKey(new Uint8Array(0));
// Scratch, reused by every call (JavaScript runs these synchronously, one at a time) and wiped after each
// derivation so that no PRK or output lingers in them.
const prk = new Uint8Array(DIGEST_BYTES);
const prkKey: HmacKey = { inner: new Int32Array(8), outer: new Int32Array(8) };
const t1 = new Uint8Array(DIGEST_BYTES);

/** RFC 5869 HKDF with a one-block expand: two outputs of at most 32 bytes from one PRK. */
function hkdfTwo(salt: HmacKey, ikm: Uint8Array, t1Infos: [Uint8Array, Uint8Array], lengths: [number, number]): [Uint8Array, Uint8Array] {
  hmac(salt, ikm, prk, 0); // Extract: PRK = HMAC(salt, IKM)
  hmacKey(prk, prkKey);
  hmac(prkKey, t1Infos[0], t1, 0); // Expand: T(1) = HMAC(PRK, info || 0x01)
  const first = t1.slice(0, lengths[0]);
  hmac(prkKey, t1Infos[1], t1, 0);
  const second = t1.slice(0, lengths[1]);
  prk.fill(0);
  t1.fill(0);
  prkKey.inner.fill(0);
  prkKey.outer.fill(0);
  return [first, second];
}

/** Same as `deriveEntryKeys` of hkdf-seal.ts, synchronously. */
export function deriveEntryKeysSync(y: Uint8Array, indexId: string): { tag: Uint8Array; sealKey: Uint8Array } {
  checkEntryArgs(y, indexId);
  if (cachedSalt !== indexId) {
    hmacKey(Buffer.from(indexId, 'utf8'), saltKey);
    cachedSalt = indexId;
  }
  const [tag, sealKey] = hkdfTwo(saltKey, y, [TAG_T1, SEAL_T1], [TAG_BYTES, SEAL_KEY_BYTES]);
  return { tag, sealKey };
}

/**
 * An index entry (DESIGN §4) written into `out` at `offset`: tag (16 bytes) || AES-256-GCM(sealKey, zero nonce,
 * plaintext) || GCM tag (16 bytes), tag and sealKey derived from y with the index id as HKDF salt. The same bytes
 * as `deriveEntryKeysSync` then `sealSync`, without their intermediate arrays: an index build seals millions.
 */
export function sealEntryInto(y: Uint8Array, indexId: string, plaintext: Uint8Array, out: Uint8Array, offset: number): void {
  checkEntryArgs(y, indexId);
  if (cachedSalt !== indexId) {
    hmacKey(Buffer.from(indexId, 'utf8'), saltKey);
    cachedSalt = indexId;
  }
  if (offset < 0 || offset + TAG_BYTES + plaintext.length + GCM_TAG_BYTES > out.length) throw new RangeError('sealEntryInto: the entry does not fit');
  try {
    hmac(saltKey, y, prk, 0); // Extract: PRK = HMAC(salt, y)
    hmacKey(prk, prkKey);
    hmac(prkKey, TAG_T1, t1, 0); // tag = T(1) of "vigie/v1/tag", 16 bytes
    out.set(t1.subarray(0, TAG_BYTES), offset);
    hmac(prkKey, SEAL_T1, t1, 0); // sealKey = T(1) of "vigie/v1/seal", 32 bytes (copied by OpenSSL at init)
    const cipher = createCipheriv('aes-256-gcm', t1, ZERO_NONCE);
    const body = cipher.update(plaintext);
    cipher.final(); // GCM is a stream mode: nothing is held back
    out.set(body, offset + TAG_BYTES);
    out.set(cipher.getAuthTag(), offset + TAG_BYTES + body.length);
  } finally {
    prk.fill(0);
    t1.fill(0);
    prkKey.inner.fill(0);
    prkKey.outer.fill(0);
  }
}

/** Same as `seal`: AES-256-GCM, 12 zero bytes of nonce, no AAD; ciphertext || 16-byte tag. */
export function sealSync(key: Uint8Array, plaintext: Uint8Array): Uint8Array {
  checkSealKey(key);
  const cipher = createCipheriv('aes-256-gcm', key, ZERO_NONCE, { authTagLength: GCM_TAG_BYTES });
  const body = cipher.update(plaintext);
  const rest = cipher.final();
  const out = new Uint8Array(body.length + rest.length + GCM_TAG_BYTES);
  out.set(body, 0);
  out.set(rest, body.length);
  out.set(cipher.getAuthTag(), body.length + rest.length);
  return out;
}

/** Same as `open`: null when authentication fails. */
export function openSync(key: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  checkSealKey(key);
  if (!(sealed instanceof Uint8Array) || sealed.length < GCM_TAG_BYTES) return null;
  const bodyLength = sealed.length - GCM_TAG_BYTES;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, ZERO_NONCE, { authTagLength: GCM_TAG_BYTES });
    decipher.setAuthTag(sealed.subarray(bodyLength));
    const body = decipher.update(sealed.subarray(0, bodyLength));
    const rest = decipher.final();
    const out = new Uint8Array(body.length + rest.length);
    out.set(body, 0);
    out.set(rest, body.length);
    return out;
  } catch {
    return null;
  }
}

/** Same as `deriveNoticeKeys`, synchronously (for printing letters in bulk). */
export function deriveNoticeKeysSync(code16: string): { noticeId: string; noticeKey: Uint8Array } {
  checkNoticeCode(code16);
  const [id, noticeKey] = hkdfTwo(emptySaltKey, Buffer.from(code16, 'utf8'), [NOTICE_ID_T1, NOTICE_KEY_T1], [
    NOTICE_ID_BYTES,
    NOTICE_KEY_BYTES,
  ]);
  return { noticeId: b64uEncode(id), noticeKey };
}
