// Interoperability with an independent RFC 9497 implementation, @cloudflare/voprf-ts (noble
// provider): its VOPRF client talks to our libsodium server, and our noble client to its server,
// with its own wire serialization (RFC 9497 §4 element/scalar encodings, proof = c || s).

import {
  DLEQProof,
  Evaluation,
  EvaluationRequest,
  Oprf,
  VOPRFClient,
  VOPRFServer,
  generatePublicKey,
  randomPrivateKey,
} from '@cloudflare/voprf-ts';
import { CryptoNoble } from '@cloudflare/voprf-ts/crypto-noble';
import { bytesToHex } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blind, finalizeBatch } from './voprf-client.js';
import { createVoprfServer, generateSecretKey } from './voprf-server.js';

const suite = Oprf.Suite.RISTRETTO255_SHA512;
const group = Oprf.getGroup(suite, CryptoNoble);
const enc = new TextEncoder();

/** voprf-ts wire form of an Evaluation: I2OSP(n, 2) || elements || mode || proof. */
function evaluationBytes(evaluated: Uint8Array[], proof: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + 32 * evaluated.length + 1 + proof.length);
  out[0] = evaluated.length >>> 8;
  out[1] = evaluated.length & 0xff;
  evaluated.forEach((e, i) => out.set(e, 2 + 32 * i));
  out[2 + 32 * evaluated.length] = Oprf.Mode.VOPRF;
  out.set(proof, 3 + 32 * evaluated.length);
  return out;
}

const inputsArb = fc.array(fc.uint8Array({ maxLength: 64 }), { minLength: 1, maxLength: 4 });

describe('voprf-ts client <-> our libsodium server', () => {
  it('the voprf-ts client verifies our proofs and gets our outputs', async () => {
    await fc.assert(
      fc.asyncProperty(inputsArb, async (inputs) => {
        const server = await createVoprfServer(generateSecretKey());
        const client = new VOPRFClient(suite, server.publicKey, CryptoNoble);
        const [finData, evalReq] = await client.blind(inputs);
        const blinded = evalReq.blinded.map((e) => e.serialize());

        const { evaluatedElements, proof } = server.blindEvaluateBatch(blinded);
        const evaluation = Evaluation.deserialize(suite, evaluationBytes(evaluatedElements, proof), CryptoNoble);
        const theirs = await client.finalize(finData, evaluation);

        const expected = inputs.map((input) => bytesToHex(server.evaluate(input)));
        expect(theirs.map(bytesToHex)).toEqual(expected);
        // Our noble client, given voprf-ts's blinds, agrees as well.
        const ours = finalizeBatch(
          inputs,
          finData.blinds.map((s) => s.serialize()),
          blinded,
          evaluatedElements,
          proof,
          server.publicKey,
        );
        expect(ours.map(bytesToHex)).toEqual(expected);
      }),
      { numRuns: 10 },
    );
  });

  it('the voprf-ts client rejects our proof when tampered or when the key differs', async () => {
    const server = await createVoprfServer(generateSecretKey());
    const inputs = [enc.encode('nir:2550814168025'), enc.encode('email:jean.dupont@example.fr')];
    const [finData, evalReq] = await new VOPRFClient(suite, server.publicKey, CryptoNoble).blind(inputs);
    const { evaluatedElements, proof } = server.blindEvaluateBatch(evalReq.blinded.map((e) => e.serialize()));
    const tampered = Uint8Array.from(proof);
    tampered[40]! ^= 1;

    const good = Evaluation.deserialize(suite, evaluationBytes(evaluatedElements, proof), CryptoNoble);
    const bad = Evaluation.deserialize(suite, evaluationBytes(evaluatedElements, tampered), CryptoNoble);
    await expect(new VOPRFClient(suite, server.publicKey, CryptoNoble).finalize(finData, good)).resolves.toHaveLength(2);
    await expect(new VOPRFClient(suite, server.publicKey, CryptoNoble).finalize(finData, bad)).rejects.toThrow();
    const otherKey = (await createVoprfServer(generateSecretKey())).publicKey;
    await expect(new VOPRFClient(suite, otherKey, CryptoNoble).finalize(finData, good)).rejects.toThrow();
  });
});

describe('our noble client <-> voprf-ts server', () => {
  it('our client verifies voprf-ts proofs and gets the outputs of our server under the same key', async () => {
    await fc.assert(
      fc.asyncProperty(inputsArb, async (inputs) => {
        const secretKey = await randomPrivateKey(suite, CryptoNoble);
        const publicKey = generatePublicKey(suite, secretKey, CryptoNoble);
        const theirServer = new VOPRFServer(suite, secretKey, CryptoNoble);
        const ourServer = await createVoprfServer(secretKey);
        expect(bytesToHex(publicKey)).toBe(bytesToHex(ourServer.publicKey));

        const blinded = inputs.map((input) => blind(input));
        const request = new EvaluationRequest(blinded.map((b) => group.desElt(b.blindedElement)));
        const evaluation = await theirServer.blindEvaluate(request);
        const proof = evaluation.proof!.serialize();
        expect(proof).toHaveLength(64);

        const outputs = finalizeBatch(
          inputs,
          blinded.map((b) => b.blind),
          blinded.map((b) => b.blindedElement),
          evaluation.evaluated.map((e) => e.serialize()),
          proof,
          publicKey,
        );
        const expected = inputs.map((input) => bytesToHex(ourServer.evaluate(input)));
        expect(outputs.map(bytesToHex)).toEqual(expected);
        for (const [i, input] of inputs.entries()) {
          expect(bytesToHex(await theirServer.evaluate(input))).toBe(expected[i]);
        }
      }),
      { numRuns: 10 },
    );
  });

  it('our client rejects a voprf-ts proof for another key', async () => {
    const secretKey = await randomPrivateKey(suite, CryptoNoble);
    const theirServer = new VOPRFServer(suite, secretKey, CryptoNoble);
    const input = enc.encode('phone:+33612345678');
    const b = blind(input);
    const evaluation = await theirServer.blindEvaluate(new EvaluationRequest([group.desElt(b.blindedElement)]));
    const evaluated = evaluation.evaluated.map((e) => e.serialize());
    const proof = DLEQProof.deserialize(group.id, evaluation.proof!.serialize(), CryptoNoble).serialize();
    const otherKey = (await createVoprfServer(generateSecretKey())).publicKey;
    expect(() => finalizeBatch([input], [b.blind], [b.blindedElement], evaluated, proof, otherKey)).toThrow(
      'proof does not verify',
    );
    const rightKey = generatePublicKey(suite, secretKey, CryptoNoble);
    expect(finalizeBatch([input], [b.blind], [b.blindedElement], evaluated, proof, rightKey)).toHaveLength(1);
  });
});
