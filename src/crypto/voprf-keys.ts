// Server key pairs for RFC 9497 ristretto255-SHA512: random generation, DeriveKeyPair (§3.2.1) and
// pkS = skS·G. Synchronous (noble), so key files can be written and checked without waiting for
// libsodium's WebAssembly; the libsodium server recomputes the same public key on start.

import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import {
  MAX_INPUT_BYTES,
  MODE,
  SCALAR_BYTES,
  bigintToScalar,
  deriveKeyPairInput,
  isCanonicalScalar,
  isZero,
  randomScalar,
  scalarToBigint,
  suiteContext,
  type Mode,
} from './suite.js';

const Point = ristretto255.Point;

/** RFC 9497 §3.2: a uniformly random non-zero scalar from the platform CSPRNG. */
export function generateSecretKey(): Uint8Array {
  return randomScalar();
}

/** Throws RangeError unless `secretKey` is 32 bytes encoding a non-zero scalar below L. */
export function checkSecretKey(secretKey: Uint8Array): void {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== SCALAR_BYTES) {
    throw new RangeError(`secret key expected ${SCALAR_BYTES} bytes`);
  }
  if (!isCanonicalScalar(secretKey) || isZero(secretKey)) {
    throw new RangeError('secret key is not a non-zero canonical scalar');
  }
}

/** pkS = ScalarMultGen(skS), serialized (RFC 9497 §3.2). */
export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  checkSecretKey(secretKey);
  return Point.BASE.multiply(scalarToBigint(secretKey)).toBytes();
}

/** RFC 9497 §3.2.1 DeriveKeyPair for a given mode; `deriveKeyPair` below is the VOPRF one. */
export function deriveKeyPairForMode(
  seed: Uint8Array,
  info: Uint8Array,
  mode: Mode,
): { secretKey: Uint8Array; publicKey: Uint8Array } {
  if (!(seed instanceof Uint8Array) || seed.length !== SCALAR_BYTES) {
    throw new RangeError(`seed expected ${SCALAR_BYTES} bytes`);
  }
  if (!(info instanceof Uint8Array) || info.length > MAX_INPUT_BYTES) {
    throw new RangeError(`info expected at most ${MAX_INPUT_BYTES} bytes`);
  }
  const dst = suiteContext(mode).deriveKeyPairDST;
  const msg = deriveKeyPairInput(seed, info);
  for (let counter = 0; counter <= 255; counter++) {
    msg[msg.length - 1] = counter;
    const skS = ristretto255_hasher.hashToScalar(msg, { DST: dst });
    if (skS === 0n) continue;
    return { secretKey: bigintToScalar(skS), publicKey: Point.BASE.multiply(skS).toBytes() };
  }
  throw new Error('DeriveKeyPairError: no non-zero scalar in 256 attempts');
}

/** RFC 9497 §3.2.1 DeriveKeyPair in VOPRF mode: a deterministic key pair from a 32-byte seed. */
export function deriveKeyPair(seed: Uint8Array, info: Uint8Array): { secretKey: Uint8Array; publicKey: Uint8Array } {
  return deriveKeyPairForMode(seed, info, MODE.VOPRF);
}
