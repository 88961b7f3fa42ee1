// RFC 9497 Appendix A.1 vectors replayed through both implementations (noble client, libsodium
// server) with the RNG injected, the two checked against each other and against noble's own
// RFC 9497 code on random inputs, and the rejections a hostile server or client must meet.

import { ristretto255_oprf } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import sodiumModule from 'libsodium-wrappers-sumo';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { KEY_INFO, OPRF_MODE, SEED, VOPRF_MODE } from './rfc9497-vectors.js';
import { MODE, ORDER, bigintToScalar, type RandomBytes } from './suite.js';
import { SUITE_ID, blind, createClientCore, finalizeBatch, isValidElement } from './voprf-client.js';
import { deriveKeyPairForMode } from './voprf-keys.js';
import {
  createServerCore,
  createVoprfServer,
  deriveKeyPair,
  generateSecretKey,
  publicKeyOf,
  type VoprfServer,
} from './voprf-server.js';

const enc = new TextEncoder();

/** An RNG that hands out the given 32-byte values in order, and fails loudly if asked for more. */
function fixedRng(...values: string[]): RandomBytes {
  const queue = values.map(hexToBytes);
  return (n) => {
    const next = queue.shift();
    if (next === undefined || next.length !== n) throw new Error(`fixed rng exhausted or wrong size ${n}`);
    return next;
  };
}

const flip = (bytes: Uint8Array, index: number, mask = 1): Uint8Array => {
  const copy = Uint8Array.from(bytes);
  copy[index]! ^= mask;
  return copy;
};

describe('RFC 9497 A.1.1 ristretto255-SHA512, OPRF mode (common primitives)', () => {
  const client = createClientCore(MODE.OPRF);

  it('DeriveKeyPair gives skSm', () => {
    const { secretKey } = deriveKeyPairForMode(hexToBytes(SEED), hexToBytes(KEY_INFO), MODE.OPRF);
    expect(bytesToHex(secretKey)).toBe(OPRF_MODE.skSm);
  });

  it.each(OPRF_MODE.vectors)('$name: HashToGroup+Blind, BlindEvaluate, Finalize, Evaluate', async (v) => {
    const server = await createServerCore(hexToBytes(OPRF_MODE.skSm), MODE.OPRF);
    const input = hexToBytes(v.input);
    const blinded = client.blind(input, fixedRng(v.blind));
    expect(bytesToHex(blinded.blind)).toBe(v.blind);
    expect(bytesToHex(blinded.blindedElement)).toBe(v.blindedElement);
    expect(bytesToHex(server.blindEvaluate(blinded.blindedElement))).toBe(v.evaluationElement);
    expect(bytesToHex(client.finalizeUnverified(input, blinded.blind, hexToBytes(v.evaluationElement)))).toBe(v.output);
    expect(bytesToHex(server.evaluate(input))).toBe(v.output);
  });
});

describe('RFC 9497 A.1.2 ristretto255-SHA512, VOPRF mode', () => {
  let server: VoprfServer;
  beforeAll(async () => {
    server = await createVoprfServer(hexToBytes(VOPRF_MODE.skSm));
  });

  it('DeriveKeyPair gives skSm and pkSm; both implementations compute pkSm', () => {
    const { secretKey, publicKey } = deriveKeyPair(hexToBytes(SEED), hexToBytes(KEY_INFO));
    expect(bytesToHex(secretKey)).toBe(VOPRF_MODE.skSm);
    expect(bytesToHex(publicKey)).toBe(VOPRF_MODE.pkSm);
    expect(bytesToHex(publicKeyOf(secretKey))).toBe(VOPRF_MODE.pkSm);
    expect(bytesToHex(server.publicKey)).toBe(VOPRF_MODE.pkSm);
    expect(SUITE_ID).toBe('ristretto255-SHA512');
  });

  it.each(VOPRF_MODE.vectors)('$name: blind, BlindEvaluateBatch with proof, Finalize, Evaluate', (v) => {
    const inputs = v.inputs.map(hexToBytes);
    const blinded = inputs.map((input, i) => blind(input, fixedRng(v.blinds[i]!)));
    expect(blinded.map((b) => bytesToHex(b.blindedElement))).toEqual(v.blindedElements);

    const answer = server.blindEvaluateBatch(
      blinded.map((b) => b.blindedElement),
      fixedRng(v.proofRandomScalar),
    );
    expect(answer.evaluatedElements.map(bytesToHex)).toEqual(v.evaluationElements);
    expect(bytesToHex(answer.proof)).toBe(v.proof);

    // The client verifies the RFC's own proof bytes, not only ours.
    const outputs = finalizeBatch(
      inputs,
      v.blinds.map(hexToBytes),
      v.blindedElements.map(hexToBytes),
      v.evaluationElements.map(hexToBytes),
      hexToBytes(v.proof),
      hexToBytes(VOPRF_MODE.pkSm),
    );
    expect(outputs.map(bytesToHex)).toEqual(v.outputs);
    expect(inputs.map((input) => bytesToHex(server.evaluate(input)))).toEqual(v.outputs);
  });
});

describe('the two implementations agree (and agree with noble ristretto255_oprf)', () => {
  const inputArb = fc.uint8Array({ minLength: 0, maxLength: 80 });

  it('client(blind) -> server(blindEvaluateBatch) -> client(finalizeBatch) equals server.evaluate', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(inputArb, { minLength: 1, maxLength: 4 }), async (inputs) => {
        const server = await createVoprfServer(generateSecretKey());
        const blinded = inputs.map((input) => blind(input));
        const { evaluatedElements, proof } = server.blindEvaluateBatch(blinded.map((b) => b.blindedElement));
        const outputs = finalizeBatch(
          inputs,
          blinded.map((b) => b.blind),
          blinded.map((b) => b.blindedElement),
          evaluatedElements,
          proof,
          server.publicKey,
        );
        expect(outputs.map(bytesToHex)).toEqual(inputs.map((input) => bytesToHex(server.evaluate(input))));
      }),
      { numRuns: 25 },
    );
  });

  it('noble verifies our batch proofs, and noble evaluating under our key gives our evaluate', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(inputArb, { minLength: 1, maxLength: 3 }), async (inputs) => {
        const secretKey = generateSecretKey();
        const server = await createVoprfServer(secretKey);
        const expected = inputs.map((input) => bytesToHex(server.evaluate(input)));

        const blinded = inputs.map((input) => blind(input));
        const ours = server.blindEvaluateBatch(blinded.map((b) => b.blindedElement));
        const ourItems = inputs.map((input, i) => ({
          input,
          blind: blinded[i]!.blind,
          blinded: blinded[i]!.blindedElement,
          evaluated: ours.evaluatedElements[i]!,
        }));
        expect(ristretto255_oprf.voprf.finalizeBatch(ourItems, server.publicKey, ours.proof).map(bytesToHex)).toEqual(expected);

        const nobleBlinded = inputs.map((input) => ristretto255_oprf.voprf.blind(input));
        const theirs = ristretto255_oprf.voprf.blindEvaluateBatch(
          secretKey,
          server.publicKey,
          nobleBlinded.map((b) => b.blinded),
        );
        const theirItems = inputs.map((input, i) => ({
          input,
          blind: nobleBlinded[i]!.blind,
          blinded: nobleBlinded[i]!.blinded,
          evaluated: theirs.evaluated[i]!,
        }));
        expect(ristretto255_oprf.voprf.finalizeBatch(theirItems, server.publicKey, theirs.proof).map(bytesToHex)).toEqual(
          expected,
        );
      }),
      { numRuns: 15 },
    );
  });

  it('the client accepts noble voprf proofs', async () => {
    const keys = ristretto255_oprf.voprf.generateKeyPair();
    const server = await createVoprfServer(keys.secretKey);
    const inputs = [enc.encode('nir:2550814168025'), enc.encode('email:jean.dupont@example.fr')];
    const blinded = inputs.map((input) => blind(input));
    const answer = ristretto255_oprf.voprf.blindEvaluateBatch(
      keys.secretKey,
      keys.publicKey,
      blinded.map((b) => b.blindedElement),
    );
    const outputs = finalizeBatch(
      inputs,
      blinded.map((b) => b.blind),
      blinded.map((b) => b.blindedElement),
      answer.evaluated,
      answer.proof,
      keys.publicKey,
    );
    expect(outputs.map(bytesToHex)).toEqual(inputs.map((i) => bytesToHex(server.evaluate(i))));
  });

  it('key helpers agree: publicKeyOf (noble) equals the libsodium server key', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constant(null), async () => {
        const secretKey = generateSecretKey();
        expect(bytesToHex((await createVoprfServer(secretKey)).publicKey)).toBe(bytesToHex(publicKeyOf(secretKey)));
      }),
      { numRuns: 10 },
    );
  });

  it('isValidElement (noble) and the server check (libsodium) agree on arbitrary bytes', async () => {
    const server = await createVoprfServer(generateSecretKey());
    const serverAccepts = (bytes: Uint8Array): boolean => {
      try {
        server.blindEvaluateBatch([bytes]);
        return true;
      } catch (error) {
        expect(error).toBeInstanceOf(RangeError);
        return false;
      }
    };
    const validPoint = fc.uint8Array({ minLength: 1, maxLength: 8 }).map((input) => blind(input).blindedElement);
    const nearValid = fc
      .tuple(validPoint, fc.nat(31), fc.integer({ min: 1, max: 255 }))
      .map(([p, i, mask]) => flip(p, i, mask));
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ minLength: 32, maxLength: 32 }), validPoint, nearValid, fc.constant(new Uint8Array(32))),
        (bytes) => {
          expect(serverAccepts(bytes)).toBe(isValidElement(bytes));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('rejections', () => {
  const inputs = [enc.encode('nir:2550814168025'), enc.encode('phone:+33612345678')];
  let server: VoprfServer;
  let blinds: Uint8Array[];
  let blindedElements: Uint8Array[];
  let evaluatedElements: Uint8Array[];
  let proof: Uint8Array;

  beforeAll(async () => {
    server = await createVoprfServer(generateSecretKey());
    const blinded = inputs.map((input) => blind(input));
    blinds = blinded.map((b) => b.blind);
    blindedElements = blinded.map((b) => b.blindedElement);
    ({ evaluatedElements, proof } = server.blindEvaluateBatch(blindedElements));
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  const finalize = (over: {
    blinds?: Uint8Array[];
    blinded?: Uint8Array[];
    evaluated?: Uint8Array[];
    proof?: Uint8Array;
    publicKey?: Uint8Array;
    inputs?: Uint8Array[];
  }) =>
    finalizeBatch(
      over.inputs ?? inputs,
      over.blinds ?? blinds,
      over.blinded ?? blindedElements,
      over.evaluated ?? evaluatedElements,
      over.proof ?? proof,
      over.publicKey ?? server.publicKey,
    );

  // Encodings that must never decode (RFC 9496 §4.3.1): s >= p, s negative (odd), high bit set.
  const ELEMENT_P = 'ed' + 'ff'.repeat(30) + '7f';
  const ELEMENT_NEGATIVE = '01' + '00'.repeat(31);
  const invalidEncodings: [string, () => Uint8Array][] = [
    ['identity (32 zero bytes)', () => new Uint8Array(32)],
    ['32 bytes of 0xff', () => new Uint8Array(32).fill(0xff)],
    ['a valid point with the high bit set', () => flip(evaluatedElements[0]!, 31, 0x80)],
    ['s = p (non-canonical field element)', () => hexToBytes(ELEMENT_P)],
    ['s = 1 (negative field element)', () => hexToBytes(ELEMENT_NEGATIVE)],
    ['31 bytes', () => evaluatedElements[0]!.subarray(0, 31)],
    ['33 bytes', () => Uint8Array.of(...evaluatedElements[0]!, 0)],
  ];

  it('the untampered batch verifies (control)', () => {
    expect(finalize({}).map(bytesToHex)).toEqual(inputs.map((i) => bytesToHex(server.evaluate(i))));
  });

  it.each([
    ['c', 0],
    ['s', 32],
  ])('a tampered proof (%s half) does not verify', (_half, offset) => {
    expect(() => finalize({ proof: flip(proof, offset) })).toThrow('proof does not verify');
    expect(() => finalize({ proof: flip(proof, offset + 17, 0x10) })).toThrow('proof does not verify');
  });

  it.each([
    ['c', 0],
    ['s', 32],
  ])('a proof whose %s is not below L does not verify', (_half, offset) => {
    const bad = Uint8Array.from(proof);
    bad.set(bigintToScalar(ORDER), offset);
    expect(() => finalize({ proof: bad })).toThrow('proof does not verify');
  });

  it('a proof against another public key does not verify', () => {
    expect(() => finalize({ publicKey: publicKeyOf(generateSecretKey()) })).toThrow('proof does not verify');
  });

  it('swapped evaluated elements do not verify', () => {
    expect(() => finalize({ evaluated: [evaluatedElements[1]!, evaluatedElements[0]!] })).toThrow(
      'proof does not verify',
    );
  });

  it('an evaluation under another key with its own valid proof for that key does not verify under ours', async () => {
    const other = await createVoprfServer(generateSecretKey());
    const answer = other.blindEvaluateBatch(blindedElements);
    expect(() => finalize({ evaluated: answer.evaluatedElements, proof: answer.proof })).toThrow('proof does not verify');
  });

  it.each(invalidEncodings)('an evaluated element that is %s is rejected', (_what, bytes) => {
    expect(isValidElement(bytes())).toBe(false);
    expect(() => finalize({ evaluated: [bytes(), evaluatedElements[1]!] })).toThrow(RangeError);
  });

  it.each(invalidEncodings)('a public key that is %s is rejected', (_what, bytes) => {
    expect(() => finalize({ publicKey: bytes() })).toThrow(RangeError);
  });

  it('truncated or mismatched arguments are rejected', () => {
    expect(() => finalize({ proof: proof.subarray(0, 63) })).toThrow(RangeError);
    expect(() => finalize({ blinds: [blinds[0]!.subarray(0, 31), blinds[1]!] })).toThrow(RangeError);
    expect(() => finalize({ blinds: [new Uint8Array(32), blinds[1]!] })).toThrow(RangeError);
    expect(() => finalize({ evaluated: [evaluatedElements[0]!] })).toThrow(RangeError);
    expect(() => finalize({ inputs: [], blinds: [], blinded: [], evaluated: [] })).toThrow(RangeError);
  });

  it.each(invalidEncodings)('the server rejects a blinded element that is %s before any scalar work', (_what, bytes) => {
    const spy = vi.spyOn(sodiumModule, 'crypto_scalarmult_ristretto255');
    expect(() => server.blindEvaluateBatch([blindedElements[0]!, bytes()])).toThrow(RangeError);
    expect(spy).not.toHaveBeenCalled();
    server.blindEvaluateBatch([blindedElements[0]!]);
    expect(spy).toHaveBeenCalled(); // control: the spy does see the server's multiplications
  });

  it('the server rejects an empty batch, an oversized input and invalid secret keys', async () => {
    expect(() => server.blindEvaluateBatch([])).toThrow(RangeError);
    expect(() => server.evaluate(new Uint8Array(0x10000))).toThrow(RangeError);
    expect(server.evaluate(new Uint8Array(0xffff))).toHaveLength(64);
    await expect(createVoprfServer(new Uint8Array(32))).rejects.toThrow(RangeError);
    await expect(createVoprfServer(bigintToScalar(ORDER))).rejects.toThrow(RangeError);
    await expect(createVoprfServer(new Uint8Array(31).fill(1))).rejects.toThrow(RangeError);
    expect(() => blind(new Uint8Array(0x10000))).toThrow(RangeError);
  });

  it('the server object does not expose its secret key', async () => {
    const secretKey = generateSecretKey();
    const s = await createVoprfServer(secretKey);
    const hex = bytesToHex(secretKey);
    expect(JSON.stringify(s)).not.toContain(hex);
    expect(Object.values(s).some((v) => v instanceof Uint8Array && bytesToHex(v) === hex)).toBe(false);
  });

  it('blinding is randomized: the same input never gives the same blinded element', () => {
    const a = blind(inputs[0]!);
    const b = blind(inputs[0]!);
    expect(bytesToHex(a.blindedElement)).not.toBe(bytesToHex(b.blindedElement));
  });
});
