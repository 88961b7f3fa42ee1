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

/**
 * RFC 5869 HKDF with a one-block expand: PRK = HMAC(salt, IKM), then for each info T(1) = HMAC(PRK, info || 0x01),
 * handed to `use` in a scratch buffer (32 bytes) that is wiped, with the PRK, once `use` returns or throws.
 */
function hkdfEach(salt: HmacKey, ikm: Uint8Array, t1Infos: readonly Uint8Array[], use: (i: number, okm: Uint8Array) => void): void {
  try {
    hmac(salt, ikm, prk, 0);
    hmacKey(prk, prkKey);
    for (let i = 0; i < t1Infos.length; i++) {
      hmac(prkKey, t1Infos[i]!, t1, 0);
      use(i, t1);
    }
  } finally {
    prk.fill(0);
    t1.fill(0);
    prkKey.inner.fill(0);
    prkKey.outer.fill(0);
  }
}

/** Two outputs of at most 32 bytes each, as new arrays. */
function hkdfTwo(salt: HmacKey, ikm: Uint8Array, t1Infos: [Uint8Array, Uint8Array], lengths: [number, number]): [Uint8Array, Uint8Array] {
  const out: Uint8Array[] = [];
  hkdfEach(salt, ikm, t1Infos, (i, okm) => out.push(okm.slice(0, lengths[i])));
  return [out[0]!, out[1]!];
}

/** The HMAC key state of an index id as HKDF salt (cached: an index build derives millions of entries with it). */
function entrySalt(y: Uint8Array, indexId: string): HmacKey {
  checkEntryArgs(y, indexId);
  if (cachedSalt !== indexId) {
    hmacKey(Buffer.from(indexId, 'utf8'), saltKey);
    cachedSalt = indexId;
  }
  return saltKey;
}

const ENTRY_T1S = [TAG_T1, SEAL_T1] as const;

/** Same as `deriveEntryKeys` of hkdf-seal.ts, synchronously. */
export function deriveEntryKeysSync(y: Uint8Array, indexId: string): { tag: Uint8Array; sealKey: Uint8Array } {
  const [tag, sealKey] = hkdfTwo(entrySalt(y, indexId), y, [...ENTRY_T1S], [TAG_BYTES, SEAL_KEY_BYTES]);
  return { tag, sealKey };
}

/**
 * An index entry (DESIGN §4) written into `out` at `offset`: tag (16 bytes) || AES-256-GCM(sealKey, zero nonce,
 * plaintext) || GCM tag (16 bytes), tag and sealKey derived from y with the index id as HKDF salt. The same bytes
 * as `deriveEntryKeysSync` then `sealSync`, without their intermediate arrays: an index build seals millions.
 */
export function sealEntryInto(y: Uint8Array, indexId: string, plaintext: Uint8Array, out: Uint8Array, offset: number): void {
  const salt = entrySalt(y, indexId);
  if (offset < 0 || offset + TAG_BYTES + plaintext.length + GCM_TAG_BYTES > out.length) throw new RangeError('sealEntryInto: the entry does not fit');
  hkdfEach(salt, y, ENTRY_T1S, (i, okm) => {
    if (i === 0) {
      out.set(okm.subarray(0, TAG_BYTES), offset);
      return;
    }
    gcmSealInto(okm, plaintext, out, offset + TAG_BYTES);
  });
}

/**
 * AES-256-GCM(key, 12 zero bytes of nonce, no AAD) of `plaintext`, written as ciphertext || 16-byte tag into `out` at
 * `offset`. The key is copied by OpenSSL when the cipher is made: the caller may wipe it on return.
 */
export function gcmSealInto(key: Uint8Array, plaintext: Uint8Array, out: Uint8Array, offset: number): void {
  const cipher = createCipheriv('aes-256-gcm', key, ZERO_NONCE);
  const body = cipher.update(plaintext);
  cipher.final(); // GCM is a stream mode: nothing is held back
  out.set(body, offset);
  out.set(cipher.getAuthTag(), offset + body.length);
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
