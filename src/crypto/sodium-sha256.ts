// SHA-256 (FIPS 180-4), HMAC-SHA256 (RFC 2104) and the entry sealing of DESIGN §4 (HKDF-SHA256, RFC 5869, then
// AES-256-GCM) on libsodium's WebAssembly exports, for the bulk work of an ingest and an index build: millions of
// short hashes per run. Node only (server side).
//
// Why: an entry needs nine SHA-256 compressions for its keys (HKDF extract, the PRK's key blocks, two expands) and
// two for the store's bucket mask. Measured here: sealing an entry 8.5 µs with the compression function in JavaScript
// (sha256-blocks.ts), 7.3 µs with this (AES-GCM is ~4 µs of both); SHA-256 of 96 bytes 0.9 µs against 0.7 µs. For a
// message of one block JavaScript is the faster (0.5 µs): callers choose. The functions are called on libsodium's raw
// exports with scratch memory allocated once in its heap, because the wrappers' per-call allocation and copies cost
// more than the hashes. Outputs are byte for byte those of hkdf-seal-node.ts and node:crypto (sodium-sha256.test.ts).
// Every call wipes the scratch it used (states, PRK, keys, messages) before returning, so no key or identifier
// lingers in the heap.

import sodiumModule from 'libsodium-wrappers-sumo';
import { gcmSealInto } from './hkdf-seal-node.js';
import { ENTRY_INFO_SEAL, ENTRY_INFO_TAG, GCM_TAG_BYTES, SEAL_KEY_BYTES, TAG_BYTES, checkEntryArgs } from './hkdf-seal-params.js';

/** The subset of libsodium's Emscripten module used here (exported by libsodium-wrappers as `libsodium`). */
interface SodiumRaw {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  _crypto_auth_hmacsha256_statebytes(): number;
  _crypto_auth_hmacsha256_init(state: number, key: number, keyBytes: number): number;
  // 64-bit lengths are passed as two 32-bit halves (Emscripten's legalized i64).
  _crypto_auth_hmacsha256_update(state: number, message: number, lengthLow: number, lengthHigh: number): number;
  _crypto_auth_hmacsha256_final(state: number, out: number): number;
  _crypto_hash_sha256(out: number, message: number, lengthLow: number, lengthHigh: number): number;
}

export interface SodiumHashes {
  /** SHA-256 of `message` into `out[offset..offset+32]`. */
  sha256Into(message: Uint8Array, out: Uint8Array, offset: number): void;
  /**
   * An index entry (DESIGN §4) written into `out` at `offset`: tag (16 bytes) || AES-256-GCM(sealKey, zero nonce,
   * plaintext) || GCM tag, with tag and sealKey = HKDF-SHA256(ikm = y, salt = indexId, info = "vigie/v1/tag" or
   * "vigie/v1/seal"). The same bytes as `sealEntryInto` of hkdf-seal-node.ts.
   */
  sealEntryInto(y: Uint8Array, indexId: string, plaintext: Uint8Array, out: Uint8Array, offset: number): void;
  /** True when the scratch memory holds only zeros (for tests: nothing lingers between calls). */
  scratchIsClear(): boolean;
}

const DIGEST = 32;
const Y_BYTES = 64;
const MESSAGE_START = 1024;
const INITIAL_MESSAGE_BYTES = 1024;

let instance: SodiumHashes | null = null;

/** One instance per thread: libsodium's module (and its heap) is per thread, and every call runs to completion. */
export async function sodiumHashes(): Promise<SodiumHashes> {
  if (instance !== null) return instance;
  await sodiumModule.ready;
  instance = createSodiumHashes((sodiumModule as unknown as { libsodium: SodiumRaw }).libsodium);
  return instance;
}

function createSodiumHashes(sodium: SodiumRaw): SodiumHashes {
  const stateBytes = sodium._crypto_auth_hmacsha256_statebytes();
  // Layout of the scratch: three HMAC states, the PRK, the tag's and the seal key's T(1), then the message area
  // (grown on demand). Apart from it: the salt's keyed state (the index id, not a secret) and the two infos || 0x01.
  const stateA = 0;
  const stateB = stateA + stateBytes;
  const stateC = stateB + stateBytes;
  const prk = stateC + stateBytes;
  const t1Tag = prk + DIGEST;
  const t1Seal = t1Tag + DIGEST;
  if (t1Seal + DIGEST > MESSAGE_START) throw new Error('sodium-sha256: scratch layout');

  let messageBytes = INITIAL_MESSAGE_BYTES;
  let base = sodium._malloc(MESSAGE_START + messageBytes);
  const saltState = sodium._malloc(stateBytes);
  const infoTag = sodium._malloc(ENTRY_INFO_TAG.length + 1 + ENTRY_INFO_SEAL.length + 1);
  const infoSeal = infoTag + ENTRY_INFO_TAG.length + 1;
  if (base === 0 || saltState === 0 || infoTag === 0) throw new Error('sodium-sha256: out of memory');
  let cachedSalt: string | null = null;
  const sealKey = new Uint8Array(SEAL_KEY_BYTES);

  // HEAPU8 is read at each use: libsodium's heap may grow (VOPRF calls allocate), which replaces the view.
  const heap = (): Uint8Array => sodium.HEAPU8;
  const wipe = (end: number): void => void heap().fill(0, base, base + end);
  wipe(MESSAGE_START + messageBytes); // malloc does not clear
  heap().set([...ENTRY_INFO_TAG, 1, ...ENTRY_INFO_SEAL, 1], infoTag);

  /** Room for a message of `bytes` in the scratch; a larger area replaces the old one, wiped and freed. */
  const reserve = (bytes: number): void => {
    if (bytes <= messageBytes) return;
    wipe(MESSAGE_START + messageBytes);
    sodium._free(base);
    messageBytes = Math.max(bytes, 2 * messageBytes);
    base = sodium._malloc(MESSAGE_START + messageBytes);
    if (base === 0) throw new Error('sodium-sha256: out of memory');
    wipe(MESSAGE_START + messageBytes);
  };

  const keyedSalt = (indexId: string): void => {
    if (cachedSalt === indexId) return;
    // A salt longer than a block is hashed by HMAC's key setup (RFC 2104 §2), as in every other implementation.
    const salt = Buffer.from(indexId, 'utf8');
    reserve(salt.length);
    heap().set(salt, base + MESSAGE_START);
    sodium._crypto_auth_hmacsha256_init(saltState, base + MESSAGE_START, salt.length);
    wipe(MESSAGE_START + salt.length);
    cachedSalt = indexId;
  };

  return {
    sha256Into(message, out, offset) {
      if (offset < 0 || offset + DIGEST > out.length) throw new RangeError('sha256Into: the digest does not fit');
      reserve(message.length);
      const at = base + MESSAGE_START;
      try {
        heap().set(message, at);
        sodium._crypto_hash_sha256(base + prk, at, message.length, 0);
        out.set(heap().subarray(base + prk, base + prk + DIGEST), offset);
      } finally {
        heap().fill(0, base + prk, base + prk + DIGEST);
        heap().fill(0, at, at + message.length);
      }
    },

    sealEntryInto(y, indexId, plaintext, out, offset) {
      checkEntryArgs(y, indexId);
      if (offset < 0 || offset + TAG_BYTES + plaintext.length + GCM_TAG_BYTES > out.length) throw new RangeError('sealEntryInto: the entry does not fit');
      keyedSalt(indexId);
      const at = base + MESSAGE_START;
      try {
        const h = heap();
        h.set(y, at);
        // Extract (RFC 5869 §2.2): PRK = HMAC(salt, y), from the salt's keyed state.
        h.copyWithin(base + stateA, saltState, saltState + stateBytes);
        sodium._crypto_auth_hmacsha256_update(base + stateA, at, Y_BYTES, 0);
        sodium._crypto_auth_hmacsha256_final(base + stateA, base + prk);
        // Expand (§2.3), one block each: T(1) = HMAC(PRK, info || 0x01), for the tag and for the seal key.
        sodium._crypto_auth_hmacsha256_init(base + stateB, base + prk, DIGEST);
        heap().copyWithin(base + stateC, base + stateB, base + stateB + stateBytes);
        sodium._crypto_auth_hmacsha256_update(base + stateB, infoTag, ENTRY_INFO_TAG.length + 1, 0);
        sodium._crypto_auth_hmacsha256_final(base + stateB, base + t1Tag);
        sodium._crypto_auth_hmacsha256_update(base + stateC, infoSeal, ENTRY_INFO_SEAL.length + 1, 0);
        sodium._crypto_auth_hmacsha256_final(base + stateC, base + t1Seal);
        const after = heap();
        out.set(after.subarray(base + t1Tag, base + t1Tag + TAG_BYTES), offset);
        sealKey.set(after.subarray(base + t1Seal, base + t1Seal + SEAL_KEY_BYTES));
        gcmSealInto(sealKey, plaintext, out, offset + TAG_BYTES);
      } finally {
        sealKey.fill(0);
        wipe(MESSAGE_START + Y_BYTES);
      }
    },

    scratchIsClear() {
      return heap()
        .subarray(base, base + MESSAGE_START + messageBytes)
        .every((b) => b === 0);
    },
  };
}
