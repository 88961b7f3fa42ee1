// Throughput of the hot paths, against the floor that libsodium itself sets.
//   npx vitest bench --run src/crypto
// Compare "evaluate" with "raw libsodium from_hash + scalarmult": the target is >= 0.9 of it.

import { randomBytes } from 'node:crypto';
import sodium from 'libsodium-wrappers-sumo';
import { bench, describe } from 'vitest';
import { deriveEntryKeysSync, sealSync } from './hkdf-seal-node.js';
import { blind, finalizeBatch } from './voprf-client.js';
import { createVoprfServer, generateSecretKey } from './voprf-server.js';

await sodium.ready;
const secretKey = generateSecretKey();
const server = await createVoprfServer(secretKey);
const encoder = new TextEncoder();
const inputs = Array.from({ length: 4096 }, (_, i) => encoder.encode(`email:person.${i}@example.fr`));
const uniforms = inputs.map(() => new Uint8Array(randomBytes(64)));
let i = 0;

describe('OPRF evaluation (one core)', () => {
  bench(
    'raw libsodium from_hash + scalarmult',
    () => {
      const p = sodium.crypto_core_ristretto255_from_hash(uniforms[i++ & 4095]!);
      sodium.crypto_scalarmult_ristretto255(secretKey, p);
    },
    { time: 3000, warmupTime: 500 },
  );
  bench(
    'evaluate',
    () => {
      server.evaluate(inputs[i++ & 4095]!);
    },
    { time: 3000, warmupTime: 500 },
  );
});

describe('one /v1/evaluate request of 8', () => {
  const batch = inputs.slice(0, 8);
  const blinded = batch.map((input) => blind(input));
  const answer = server.blindEvaluateBatch(blinded.map((b) => b.blindedElement));
  bench('server blindEvaluateBatch(8) with proof', () => {
    server.blindEvaluateBatch(blinded.map((b) => b.blindedElement));
  });
  bench('client blind x8 (noble)', () => {
    for (const input of batch) blind(input);
  });
  bench('client finalizeBatch(8) with proof verification (noble)', () => {
    finalizeBatch(
      batch,
      blinded.map((b) => b.blind),
      blinded.map((b) => b.blindedElement),
      answer.evaluatedElements,
      answer.proof,
      server.publicKey,
    );
  });
});

describe('index entries (one core)', () => {
  const ys = inputs.map((input) => server.evaluate(input));
  const indexId = randomBytes(16).toString('hex');
  const plaintext = new Uint8Array(200).fill(0x20);
  const key = new Uint8Array(randomBytes(32));
  bench('deriveEntryKeysSync', () => {
    deriveEntryKeysSync(ys[i++ & 4095]!, indexId);
  });
  bench('sealSync (200 bytes)', () => {
    sealSync(key, plaintext);
  });
  bench('entry = deriveEntryKeysSync + sealSync (200 bytes)', () => {
    const { sealKey } = deriveEntryKeysSync(ys[i++ & 4095]!, indexId);
    sealSync(sealKey, plaintext);
  });
});
