// SHA-256 (FIPS 180-4 §6.2) at the level of the compression function, for the bulk derivations of an index build:
// millions of HMAC/HKDF calls over one or two blocks each. node:crypto's one-shot hash costs ~2.5 µs per call here,
// almost all of it call overhead; a compression in JavaScript costs a fraction of that, and HMAC (RFC 2104) keys
// that repeat (the HKDF salt of an index) are absorbed once, as the state after their padded block (a "midstate").
// Results are checked against node:crypto on every length and key (sha256-blocks.test.ts).

/** FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** FIPS 180-4 §5.3.3: the initial hash value. */
export const SHA256_IV: Readonly<Int32Array> = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

export const BLOCK_BYTES = 64;
export const DIGEST_BYTES = 32;

// Int32Array rather than Uint32Array: V8 keeps int32 values unboxed, while uint32 values above 2^31 become doubles.
const W = new Int32Array(64);

/** One compression: `state` (8 words) absorbs the 64-byte block at `block[offset..]`, in place (§6.2.2). */
export function compress(state: Int32Array, block: Uint8Array, offset: number): void {
  for (let t = 0; t < 16; t++) {
    const o = offset + 4 * t;
    W[t] = (block[o]! << 24) | (block[o + 1]! << 16) | (block[o + 2]! << 8) | block[o + 3]!;
  }
  for (let t = 16; t < 64; t++) {
    const w15 = W[t - 15]!;
    const w2 = W[t - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[t] = (s1 + W[t - 7]! + s0 + W[t - 16]!) | 0;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K[t]! + W[t]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

/** Big-endian bytes of the 8 state words into `out[offset..offset+32]`. */
export function writeState(state: Int32Array, out: Uint8Array, offset: number): void {
  for (let i = 0; i < 8; i++) {
    const v = state[i]!;
    const o = offset + 4 * i;
    out[o] = v >>> 24;
    out[o + 1] = (v >>> 16) & 0xff;
    out[o + 2] = (v >>> 8) & 0xff;
    out[o + 3] = v & 0xff;
  }
}

// Working buffers for the tail of a message; every function below runs to completion, and wipes what it used.
const tail = new Uint8Array(2 * BLOCK_BYTES);
const work = new Int32Array(8);

/**
 * Continues a hash whose state has absorbed `prefixBytes` bytes (a multiple of 64) with `message`, pads (§5.1.1)
 * and writes the 32-byte digest to `out[offset..]`. `state` is not modified.
 */
export function finish(state: Readonly<Int32Array>, prefixBytes: number, message: Uint8Array, out: Uint8Array, offset: number): void {
  work.set(state);
  const n = message.length;
  const whole = n - (n % BLOCK_BYTES);
  for (let o = 0; o < whole; o += BLOCK_BYTES) compress(work, message, o);
  const rest = n - whole;
  tail.set(message.subarray(whole), 0);
  tail[rest] = 0x80;
  const blocks = rest + 9 > BLOCK_BYTES ? 2 : 1;
  const end = blocks * BLOCK_BYTES;
  tail.fill(0, rest + 1, end - 8);
  // The length in bits as a 64-bit big-endian integer; messages here are far below 2^53 bits.
  const bits = (prefixBytes + n) * 8;
  const high = Math.floor(bits / 0x100000000);
  const low = bits >>> 0;
  tail[end - 8] = high >>> 24;
  tail[end - 7] = (high >>> 16) & 0xff;
  tail[end - 6] = (high >>> 8) & 0xff;
  tail[end - 5] = high & 0xff;
  tail[end - 4] = low >>> 24;
  tail[end - 3] = (low >>> 16) & 0xff;
  tail[end - 2] = (low >>> 8) & 0xff;
  tail[end - 1] = low & 0xff;
  compress(work, tail, 0);
  if (blocks === 2) compress(work, tail, BLOCK_BYTES);
  writeState(work, out, offset);
  tail.fill(0);
  work.fill(0);
}

/** SHA-256 of `message` (a new 32-byte array). */
export function sha256Js(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(DIGEST_BYTES);
  finish(SHA256_IV, 0, message, out, 0);
  return out;
}

/** HMAC-SHA256 keyed once (RFC 2104): the states after the key's inner and outer padded blocks. */
export interface HmacKey {
  inner: Int32Array;
  outer: Int32Array;
}

const padBlock = new Uint8Array(BLOCK_BYTES);
const keyDigest = new Uint8Array(DIGEST_BYTES);

/** `state` = the SHA-256 state after the block K' XOR `pad` (K' zero-padded to a block). */
function padded(state: Int32Array, k: Uint8Array, pad: number): void {
  padBlock.fill(pad);
  for (let i = 0; i < k.length; i++) padBlock[i] = k[i]! ^ pad;
  state.set(SHA256_IV);
  compress(state, padBlock, 0);
}

/** K' = K, or SHA-256(K) when longer than a block, zero-padded; XOR 0x36 (inner) and 0x5c (outer). */
export function hmacKey(key: Uint8Array, into?: HmacKey): HmacKey {
  const target = into ?? { inner: new Int32Array(8), outer: new Int32Array(8) };
  let k = key;
  if (key.length > BLOCK_BYTES) {
    finish(SHA256_IV, 0, key, keyDigest, 0);
    k = keyDigest;
  }
  padded(target.inner, k, 0x36);
  padded(target.outer, k, 0x5c);
  padBlock.fill(0);
  keyDigest.fill(0);
  return target;
}

const innerDigest = new Uint8Array(DIGEST_BYTES);

/** HMAC-SHA256(key, message) = H(K' ^ opad || H(K' ^ ipad || message)), written to `out[offset..offset+32]`. */
export function hmac(key: HmacKey, message: Uint8Array, out: Uint8Array, offset: number): void {
  finish(key.inner, BLOCK_BYTES, message, innerDigest, 0);
  finish(key.outer, BLOCK_BYTES, innerDigest, out, offset);
  innerDigest.fill(0);
}
