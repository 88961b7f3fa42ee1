// The client half of RFC 9497 VOPRF (mode 0x01, ristretto255-SHA512): blind an identifier, then
// verify the server's batched DLEQ proof and unblind (§3.3.2 Blind/Finalize, §2.2.2 VerifyProof).
// Built on @noble/curves and @noble/hashes so it runs unchanged in browsers and Node (no node: imports).

import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import {
  ELEMENT_BYTES,
  MODE,
  PROOF_BYTES,
  SCALAR_BYTES,
  challengeTranscript,
  checkInput,
  compositeTranscript,
  finalizeTranscript,
  isCanonicalScalar,
  isZero,
  randomScalar,
  scalarToBigint,
  seedTranscript,
  suiteContext,
  type Mode,
  type RandomBytes,
  type SuiteContext,
} from './suite.js';

export { SUITE_ID } from './suite.js';
export type { RandomBytes } from './suite.js';

const Point = ristretto255.Point;
type Element = InstanceType<typeof Point>;
const Fn = Point.Fn;

export interface BlindResult {
  /** The secret blind scalar (32 bytes, little-endian). Keep it until finalize; never send it. */
  blind: Uint8Array;
  /** The blinded element to send to the server (32 bytes). */
  blindedElement: Uint8Array;
}

/** RFC 9497 §4.1 DeserializeElement: canonical encoding, and §3.3 "MUST reject the identity". */
function decodeElement(bytes: Uint8Array): Element | null {
  if (!(bytes instanceof Uint8Array) || bytes.length !== ELEMENT_BYTES) return null;
  let point: Element;
  try {
    point = Point.fromBytes(bytes);
  } catch {
    return null;
  }
  return point.is0() ? null : point;
}

/**
 * True when 32 bytes are a canonical ristretto255 encoding (RFC 9496 §4.3.1) and not the identity.
 * The server runs this check on every blinded element before any scalar work.
 */
export function isValidElement(bytes: Uint8Array): boolean {
  return decodeElement(bytes) !== null;
}

function checkBlind(blind: Uint8Array, what: string): void {
  if (!(blind instanceof Uint8Array) || !isCanonicalScalar(blind) || isZero(blind)) {
    throw new RangeError(`${what} is not a non-zero canonical scalar`);
  }
}

function expectElement(bytes: Uint8Array, what: string): Element {
  const point = decodeElement(bytes);
  if (point === null) throw new RangeError(`${what} is not a valid ristretto255 element`);
  return point;
}

/** RFC 9497 §4.1 HashToScalar with the context's DST, as a bigint mod L. */
function hashToScalar(ctx: SuiteContext, msg: Uint8Array): bigint {
  return ristretto255_hasher.hashToScalar(msg, { DST: ctx.hashToScalarDST });
}

/**
 * RFC 9497 core for one mode. The service uses only VOPRF (the functions exported below); OPRF mode
 * is reachable here so the Appendix A.1.1 vectors can pin HashToGroup, Blind and Finalize too.
 */
export function createClientCore(mode: Mode) {
  const ctx = suiteContext(mode);

  /** §3.3.1 Blind (identical in VOPRF mode): blind = RandomScalar(); blindedElement = blind * HashToGroup(input). */
  function blindInput(input: Uint8Array, rng?: RandomBytes): BlindResult {
    checkInput(input);
    const inputElement = ristretto255_hasher.hashToCurve(input, { DST: ctx.hashToGroupDST });
    if (inputElement.is0()) throw new Error('input maps to the identity element'); // InvalidInputError
    const blind = randomScalar(rng);
    return { blind, blindedElement: inputElement.multiply(scalarToBigint(blind)).toBytes() };
  }

  /** §3.3.1 Finalize after verification: Hash(len||input || len||(blind^-1 * evaluated) || "Finalize"). */
  function unblindAndHash(input: Uint8Array, blind: Uint8Array, evaluated: Element): Uint8Array {
    checkBlind(blind, 'blind');
    // blind^-1 by Fermat (b^(L-2)): a fixed public exponent, unlike Fn.inv's input-dependent Euclid.
    const unblinded = evaluated.multiply(Fn.pow(scalarToBigint(blind), Fn.ORDER - 2n));
    return sha512(finalizeTranscript(input, unblinded.toBytes()));
  }

  /**
   * §2.2.2 VerifyProof(G, pkS, C = blinded, D = evaluated, proof), with §2.2.1 ComputeComposites:
   * M = Σ d_i C_i, Z = Σ d_i D_i, then c == HashToScalar(Bm, M, Z, s·G + c·pkS, s·M + c·Z).
   * Everything here is public, so the variable-time multiplications are safe.
   */
  function verifyProof(
    pkS: Element,
    pkBytes: Uint8Array,
    C: Element[],
    Cbytes: Uint8Array[],
    D: Element[],
    Dbytes: Uint8Array[],
    proof: Uint8Array,
  ): boolean {
    const cBytes = proof.subarray(0, SCALAR_BYTES);
    const sBytes = proof.subarray(SCALAR_BYTES, PROOF_BYTES);
    if (!isCanonicalScalar(cBytes) || !isCanonicalScalar(sBytes)) return false;
    const c = scalarToBigint(cBytes);
    const s = scalarToBigint(sBytes);

    const seed = sha512(seedTranscript(ctx, pkBytes));
    let M = Point.ZERO;
    let Z = Point.ZERO;
    for (let i = 0; i < C.length; i++) {
      const d = hashToScalar(ctx, compositeTranscript(seed, i, Cbytes[i]!, Dbytes[i]!));
      M = M.add(C[i]!.multiplyUnsafe(d));
      Z = Z.add(D[i]!.multiplyUnsafe(d));
    }
    const t2 = Point.BASE.multiplyUnsafe(s).add(pkS.multiplyUnsafe(c));
    const t3 = M.multiplyUnsafe(s).add(Z.multiplyUnsafe(c));
    const expected = hashToScalar(ctx, challengeTranscript(pkBytes, M.toBytes(), Z.toBytes(), t2.toBytes(), t3.toBytes()));
    return expected === c;
  }

  function finalizeBatch(
    inputs: Uint8Array[],
    blinds: Uint8Array[],
    blindedElements: Uint8Array[],
    evaluatedElements: Uint8Array[],
    proof: Uint8Array,
    publicKey: Uint8Array,
  ): Uint8Array[] {
    const n = inputs.length;
    if (n === 0) throw new RangeError('finalizeBatch expected at least one input');
    if (blinds.length !== n || blindedElements.length !== n || evaluatedElements.length !== n) {
      throw new RangeError(
        `finalizeBatch expected ${n} blinds, blinded and evaluated elements, got ${blinds.length}, ${blindedElements.length}, ${evaluatedElements.length}`,
      );
    }
    for (const input of inputs) checkInput(input);
    blinds.forEach((b, i) => checkBlind(b, `blind ${i}`));
    if (!(proof instanceof Uint8Array) || proof.length !== PROOF_BYTES) {
      throw new RangeError(`proof expected ${PROOF_BYTES} bytes, got ${proof instanceof Uint8Array ? proof.length : typeof proof}`);
    }
    const pkS = expectElement(publicKey, 'public key');
    const C = blindedElements.map((b, i) => expectElement(b, `blinded element ${i}`));
    const D = evaluatedElements.map((b, i) => expectElement(b, `evaluated element ${i}`));
    if (!verifyProof(pkS, publicKey, C, blindedElements, D, evaluatedElements, proof)) {
      throw new Error('proof does not verify');
    }
    return inputs.map((input, i) => unblindAndHash(input, blinds[i]!, D[i]!));
  }

  /** OPRF-mode Finalize (no proof). Only for the Appendix A.1.1 vectors: Vigie always verifies. */
  function finalizeUnverified(input: Uint8Array, blind: Uint8Array, evaluatedElement: Uint8Array): Uint8Array {
    checkInput(input);
    return unblindAndHash(input, blind, expectElement(evaluatedElement, 'evaluated element'));
  }

  return { ctx, blind: blindInput, finalizeBatch, finalizeUnverified };
}

const voprf = createClientCore(MODE.VOPRF);

/**
 * RFC 9497 §3.3.2 Blind (VOPRF mode): hash the input to the group and multiply by a fresh random
 * scalar. `rng` is for test vectors only; the default is the platform CSPRNG.
 */
export function blind(input: Uint8Array, rng?: RandomBytes): BlindResult {
  return voprf.blind(input, rng);
}

/**
 * RFC 9497 §3.3.2 Finalize for a batch answered with one proof: checks every element (canonical,
 * not the identity), verifies the DLEQ proof against `publicKey` over the whole batch (§2.2.2
 * VerifyProof with ComputeComposites), then returns the 64-byte outputs in input order.
 * Throws RangeError for malformed arguments and Error('proof does not verify') when the server
 * did not use the secret key behind `publicKey` for every item.
 */
export function finalizeBatch(
  inputs: Uint8Array[],
  blinds: Uint8Array[],
  blindedElements: Uint8Array[],
  evaluatedElements: Uint8Array[],
  proof: Uint8Array,
  publicKey: Uint8Array,
): Uint8Array[] {
  return voprf.finalizeBatch(inputs, blinds, blindedElements, evaluatedElements, proof, publicKey);
}
