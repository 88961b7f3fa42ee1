// The same derivations and sealing as hkdf-seal.ts (DESIGN §4, §5), synchronous on node:crypto for
// bulk index builds (millions of entries). Results are byte-for-byte those of the WebCrypto versions.
//
// HKDF-SHA256 (RFC 5869) is written out as HMAC-SHA256 (RFC 2104) over one-shot SHA-256 calls with the
// padded salt blocks computed once per index: crypto.hkdfSync measured ~25k key pairs/s, createHmac
// ~85k/s, this ~115k/s. Outputs are at most one SHA-256 block (32 bytes), so expand is a single T(1).

import { createCipheriv, createDecipheriv, createHash, hash as oneShotHash } from 'node:crypto';
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

const sha256: (data: Uint8Array) => Buffer =
  typeof oneShotHash === 'function'
    ? (data) => oneShotHash('sha256', data, 'buffer')
    : (data) => createHash('sha256').update(data).digest();

const BLOCK = 64; // SHA-256 block size
const DIGEST = 32;
const MAX_FAST_MESSAGE = 64; // y is 64 bytes; notice codes and "info || 0x01" are shorter

// Scratch buffers, reused by every call (JavaScript runs these synchronously, one at a time) and
// wiped after each derivation so that no y, code or key material lingers in them.
const innerScratch = Buffer.alloc(BLOCK + MAX_FAST_MESSAGE);
const outerScratch = Buffer.alloc(BLOCK + DIGEST);
const prkPads = { ipad: Buffer.alloc(BLOCK), opad: Buffer.alloc(BLOCK) };

interface Pads {
  ipad: Buffer;
  opad: Buffer;
}

/** RFC 2104: K' = K (or H(K) when longer than a block) zero-padded, XOR 0x36 / 0x5c. */
function fillPads(key: Uint8Array, pads: Pads): Pads {
  const k = key.length > BLOCK ? sha256(key) : key;
  pads.ipad.fill(0x36);
  pads.opad.fill(0x5c);
  for (let i = 0; i < k.length; i++) {
    pads.ipad[i] = k[i]! ^ 0x36;
    pads.opad[i] = k[i]! ^ 0x5c;
  }
  return pads;
}

/** HMAC-SHA256 = H((K' ^ opad) || H((K' ^ ipad) || message)). */
function hmacSha256(pads: Pads, message: Uint8Array): Buffer {
  let inner: Buffer;
  if (message.length <= MAX_FAST_MESSAGE) {
    pads.ipad.copy(innerScratch, 0);
    innerScratch.set(message, BLOCK);
    inner = sha256(innerScratch.subarray(0, BLOCK + message.length));
  } else {
    inner = sha256(Buffer.concat([pads.ipad, message]));
  }
  pads.opad.copy(outerScratch, 0);
  inner.copy(outerScratch, BLOCK);
  return sha256(outerScratch);
}

const withCounter = (info: Uint8Array): Buffer => Buffer.concat([info, Uint8Array.of(1)]); // info || 0x01
const TAG_T1 = withCounter(ENTRY_INFO_TAG);
const SEAL_T1 = withCounter(ENTRY_INFO_SEAL);
const NOTICE_ID_T1 = withCounter(NOTICE_INFO_ID);
const NOTICE_KEY_T1 = withCounter(NOTICE_INFO_KEY);

// The salt of an index build is the same for millions of entries: keep its pads.
let cachedSalt: string | null = null;
const saltPads: Pads = { ipad: Buffer.alloc(BLOCK), opad: Buffer.alloc(BLOCK) };
const emptySaltPads: Pads = fillPads(new Uint8Array(0), { ipad: Buffer.alloc(BLOCK), opad: Buffer.alloc(BLOCK) });

/** RFC 5869 HKDF with a one-block expand: two outputs of at most 32 bytes from one PRK. */
function hkdfTwo(salt: Pads, ikm: Uint8Array, t1Infos: [Buffer, Buffer], lengths: [number, number]): [Uint8Array, Uint8Array] {
  const prk = hmacSha256(salt, ikm); // Extract
  fillPads(prk, prkPads);
  // Copies into plain Uint8Arrays (not Buffers, which may share Node's pool with other data).
  const first = new Uint8Array(hmacSha256(prkPads, t1Infos[0]).subarray(0, lengths[0]));
  const second = new Uint8Array(hmacSha256(prkPads, t1Infos[1]).subarray(0, lengths[1]));
  prk.fill(0);
  prkPads.ipad.fill(0);
  prkPads.opad.fill(0);
  innerScratch.fill(0);
  outerScratch.fill(0);
  return [first, second];
}

/** Same as `deriveEntryKeys` of hkdf-seal.ts, synchronously. */
export function deriveEntryKeysSync(y: Uint8Array, indexId: string): { tag: Uint8Array; sealKey: Uint8Array } {
  checkEntryArgs(y, indexId);
  if (cachedSalt !== indexId) {
    fillPads(Buffer.from(indexId, 'utf8'), saltPads);
    cachedSalt = indexId;
  }
  const [tag, sealKey] = hkdfTwo(saltPads, y, [TAG_T1, SEAL_T1], [TAG_BYTES, SEAL_KEY_BYTES]);
  return { tag, sealKey };
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
  const [id, noticeKey] = hkdfTwo(emptySaltPads, Buffer.from(code16, 'utf8'), [NOTICE_ID_T1, NOTICE_KEY_T1], [
    NOTICE_ID_BYTES,
    NOTICE_KEY_BYTES,
  ]);
  return { noticeId: b64uEncode(id), noticeKey };
}
