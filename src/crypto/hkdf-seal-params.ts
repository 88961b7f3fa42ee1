// Labels, sizes and argument checks of the HKDF-SHA256 (RFC 5869) and AES-256-GCM uses of DESIGN §4/§5,
// shared by hkdf-seal.ts (WebCrypto) and hkdf-seal-node.ts (node:crypto) so both derive alike. Browser-safe.

import { OUTPUT_BYTES } from './suite.js';

const encoder = new TextEncoder();

export const TAG_BYTES = 16;
export const SEAL_KEY_BYTES = 32;
export const GCM_TAG_BYTES = 16;
export const NOTICE_ID_BYTES = 16;
export const NOTICE_KEY_BYTES = 32;
export const ZERO_NONCE = new Uint8Array(12);

export const ENTRY_INFO_TAG = encoder.encode('vigie/v1/tag');
export const ENTRY_INFO_SEAL = encoder.encode('vigie/v1/seal');
export const NOTICE_INFO_ID = encoder.encode('vigie/v1/notice-id');
export const NOTICE_INFO_KEY = encoder.encode('vigie/v1/notice-key');

/** The 16 canonical characters of a notice code: Crockford base32 upper case, no separators. */
export const CANONICAL_NOTICE_CODE = /^[0-9A-HJKMNP-TV-Z]{16}$/;

export function checkEntryArgs(y: Uint8Array, indexId: string): void {
  if (!(y instanceof Uint8Array) || y.length !== OUTPUT_BYTES) {
    throw new RangeError(`"y" expected the ${OUTPUT_BYTES}-byte OPRF output`);
  }
  if (typeof indexId !== 'string' || indexId.length === 0) throw new TypeError('"indexId" expected a non-empty string');
}

export function checkSealKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== SEAL_KEY_BYTES) {
    throw new RangeError(`AES-256-GCM key expected ${SEAL_KEY_BYTES} bytes`);
  }
}

export function checkNoticeCode(code16: string): void {
  if (typeof code16 !== 'string' || !CANONICAL_NOTICE_CODE.test(code16)) {
    throw new RangeError('notice code expected 16 canonical characters (use parseNoticeCode first)');
  }
}
