// The RFC 9497 ciphersuite ristretto255-SHA512 as plain bytes: context strings, domain separation
// tags, scalar rules and transcript framing, shared by the noble client and the libsodium server.
// Pure and browser-safe: no node: imports, no group arithmetic (each side brings its own).

/** RFC 9497 §4.1: the one ciphersuite Vigie speaks. */
export const SUITE_ID = 'ristretto255-SHA512';

/** RFC 9497 §3.1 modes. Vigie uses VOPRF only; OPRF (0x00) exists for the Appendix A vectors. */
export const MODE = { OPRF: 0x00, VOPRF: 0x01 } as const;
export type Mode = (typeof MODE)[keyof typeof MODE];

/** Byte sizes of ristretto255-SHA512 (RFC 9497 §4.1: Ne = Ns = 32, Nh = 64). */
export const ELEMENT_BYTES = 32;
export const SCALAR_BYTES = 32;
export const PROOF_BYTES = 2 * SCALAR_BYTES;
export const OUTPUT_BYTES = 64;
/** RFC 9497 §1.2: inputs are length-prefixed with two bytes, so at most 2^16 - 1 bytes. */
export const MAX_INPUT_BYTES = 0xffff;

/** Source of random bytes; injectable so the RFC vectors can pin Blind and ProofRandomScalar. */
export type RandomBytes = (n: number) => Uint8Array;

export const defaultRandomBytes: RandomBytes = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n));

const encoder = new TextEncoder();
const ascii = (s: string): Uint8Array => encoder.encode(s);

/** Domain separation tags of one mode (RFC 9497 §3.1 contextString, §4.1, §3.2.1, §2.2.1). */
export interface SuiteContext {
  readonly mode: Mode;
  /** "OPRFV1-" || I2OSP(mode, 1) || "-" || "ristretto255-SHA512" */
  readonly contextString: Uint8Array;
  readonly hashToGroupDST: Uint8Array;
  readonly hashToScalarDST: Uint8Array;
  readonly deriveKeyPairDST: Uint8Array;
  /** "Seed-" || contextString, hashed into the composite seed (§2.2.1). */
  readonly seedDST: Uint8Array;
}

export function suiteContext(mode: Mode): SuiteContext {
  const contextString = concatBytes(ascii('OPRFV1-'), Uint8Array.of(mode), ascii('-' + SUITE_ID));
  return Object.freeze({
    mode,
    contextString,
    hashToGroupDST: concatBytes(ascii('HashToGroup-'), contextString),
    hashToScalarDST: concatBytes(ascii('HashToScalar-'), contextString),
    deriveKeyPairDST: concatBytes(ascii('DeriveKeyPair'), contextString),
    seedDST: concatBytes(ascii('Seed-'), contextString),
  });
}


// ---------------------------------------------------------------------------------------------
// Scalars: little-endian integers modulo the group order L (RFC 9496 §4.4, RFC 9497 §4.1).

/** L = 2^252 + 27742317777372353535851937790883648493, little-endian. */
const ORDER_LE = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);
export const ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

/** True when 32 bytes encode an integer below L (RFC 9497 §4.1 DeserializeScalar). Not constant-time. */
export function isCanonicalScalar(bytes: Uint8Array): boolean {
  if (bytes.length !== SCALAR_BYTES) return false;
  for (let i = SCALAR_BYTES - 1; i >= 0; i--) {
    const a = bytes[i]!;
    const b = ORDER_LE[i]!;
    if (a !== b) return a < b;
  }
  return false; // equal to L
}

export function isZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < bytes.length; i++) acc |= bytes[i]!;
  return acc === 0;
}

/**
 * RFC 9497 §2.1 RandomScalar: a uniform non-zero scalar, by rejection sampling 32 random bytes with
 * the top three bits cleared (about two draws on average). An injected `rng` that returns a
 * canonical scalar gets exactly that scalar back, which is how the vectors pin their randomness.
 */
export function randomScalar(rng: RandomBytes = defaultRandomBytes): Uint8Array {
  for (let attempt = 0; attempt < 128; attempt++) {
    const drawn = rng(SCALAR_BYTES);
    if (!(drawn instanceof Uint8Array) || drawn.length !== SCALAR_BYTES) {
      throw new TypeError(`"rng" expected to return ${SCALAR_BYTES} bytes`);
    }
    const candidate = Uint8Array.from(drawn);
    candidate[31] = candidate[31]! & 0x1f;
    if (isCanonicalScalar(candidate) && !isZero(candidate)) return candidate;
  }
  throw new Error('"rng" gave no usable scalar in 128 draws');
}

export function scalarToBigint(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

export function bigintToScalar(n: bigint): Uint8Array {
  const out = new Uint8Array(SCALAR_BYTES);
  for (let i = 0; i < SCALAR_BYTES; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Transcripts (RFC 9497 §2.2.1, §3.3.1). Every variable-length field is I2OSP(len, 2) || bytes.

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** I2OSP(n, 2): big-endian two bytes. */
export function i2osp2(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new RangeError(`I2OSP(n, 2) expected 0..65535, got ${n}`);
  return Uint8Array.of(n >>> 8, n & 0xff);
}

function lengthPrefixed(...fields: Uint8Array[]): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (const f of fields) parts.push(i2osp2(f.length), f);
  return parts;
}

const LABEL_COMPOSITE = ascii('Composite');
const LABEL_CHALLENGE = ascii('Challenge');
const LABEL_FINALIZE = ascii('Finalize');

/** §2.2.1 ComputeComposites: seedTranscript = len||Bm || len||seedDST; the seed is Hash(seedTranscript). */
export function seedTranscript(ctx: SuiteContext, Bm: Uint8Array): Uint8Array {
  return concatBytes(...lengthPrefixed(Bm, ctx.seedDST));
}

/** §2.2.1: len||seed || I2OSP(i, 2) || len||Ci || len||Di || "Composite"; hashed to the scalar d_i. */
export function compositeTranscript(seed: Uint8Array, i: number, Ci: Uint8Array, Di: Uint8Array): Uint8Array {
  return concatBytes(...lengthPrefixed(seed), i2osp2(i), ...lengthPrefixed(Ci, Di), LABEL_COMPOSITE);
}

/** §2.2.1 GenerateProof / §2.2.2 VerifyProof: len||Bm || len||M || len||Z || len||t2 || len||t3 || "Challenge". */
export function challengeTranscript(
  Bm: Uint8Array,
  M: Uint8Array,
  Z: Uint8Array,
  t2: Uint8Array,
  t3: Uint8Array,
): Uint8Array {
  return concatBytes(...lengthPrefixed(Bm, M, Z, t2, t3), LABEL_CHALLENGE);
}

/** §3.3.1 Finalize / Evaluate: len||input || len||unblindedElement || "Finalize"; the output is its Hash. */
export function finalizeTranscript(input: Uint8Array, unblindedElement: Uint8Array): Uint8Array {
  return concatBytes(...lengthPrefixed(input, unblindedElement), LABEL_FINALIZE);
}

/** §3.2.1 DeriveKeyPair: seed || I2OSP(len(info), 2) || info, followed by a one-byte counter. */
export function deriveKeyPairInput(seed: Uint8Array, info: Uint8Array): Uint8Array {
  return concatBytes(seed, ...lengthPrefixed(info), new Uint8Array(1));
}

export function checkInput(input: Uint8Array, name = 'input'): void {
  if (!(input instanceof Uint8Array)) throw new TypeError(`"${name}" expected Uint8Array`);
  if (input.length > MAX_INPUT_BYTES) {
    throw new RangeError(`"${name}" expected at most ${MAX_INPUT_BYTES} bytes, got ${input.length}`);
  }
}
