// Blind evaluations of `vigie serve` on worker threads (issue 3): the same RFC 9497 answers as on the event loop
// (proofs that verify, outputs equal to the server-side Evaluate), invalid elements refused as the client's fault
// before any scalar work, and the workers still serving after a refusal.

import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64uEncode } from '../../src/crypto/encoding.js';
import { blind, finalizeBatch } from '../../src/crypto/voprf-client.js';
import { createVoprfServer, generateSecretKey, publicKeyOf, type VoprfServer } from '../../src/crypto/voprf-server.js';
import { createEvaluatorPool, type EvaluatorPool } from '../../src/index/evaluator-pool.js';
import { createLookupService } from '../../src/index/lookup-service.js';
import { createApp } from '../../src/server/app.js';

const secretKey = generateSecretKey();
let pool: EvaluatorPool;
let server: VoprfServer;

beforeAll(async () => {
  pool = await createEvaluatorPool({ secretKey, threads: 2 });
  server = await createVoprfServer(secretKey);
});
afterAll(async () => {
  await pool?.close();
});

const encoder = new TextEncoder();
const pack = (elements: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(elements.length * 32);
  elements.forEach((e, i) => out.set(e, i * 32));
  return out;
};
const split = (bytes: Uint8Array): Uint8Array[] => Array.from({ length: bytes.length / 32 }, (_, i) => bytes.subarray(i * 32, (i + 1) * 32));

describe('blind evaluation on worker threads', () => {
  it('answers batches of 1 to 8 with one proof that verifies, giving the server-side Evaluate outputs', async () => {
    const publicKey = publicKeyOf(secretKey);
    for (const n of [1, 3, 8]) {
      const inputs = Array.from({ length: n }, (_, i) => encoder.encode(`nir:1${String(850000000000 + i * 31 + n).padStart(12, '0')}`));
      const blinded = inputs.map((input) => blind(input));
      const answer = await pool.blindEvaluate(pack(blinded.map((b) => b.blindedElement)));
      expect(answer.evaluated.length).toBe(32 * n);
      expect(answer.proof.length).toBe(64);
      const outputs = finalizeBatch(
        inputs,
        blinded.map((b) => b.blind),
        blinded.map((b) => b.blindedElement),
        split(answer.evaluated),
        answer.proof,
        publicKey,
      );
      outputs.forEach((y, i) => expect(Buffer.from(y).equals(Buffer.from(server.evaluate(inputs[i]!)))).toBe(true));
    }
  });

  it('answers many concurrent requests, each with its own proof', async () => {
    const publicKey = publicKeyOf(secretKey);
    const inputs = Array.from({ length: 40 }, (_, i) => encoder.encode(`email:person${i}@example.fr`));
    const blinded = inputs.map((input) => blind(input));
    const answers = await Promise.all(blinded.map((b) => pool.blindEvaluate(pack([b.blindedElement]))));
    answers.forEach((answer, i) => {
      const [y] = finalizeBatch([inputs[i]!], [blinded[i]!.blind], [blinded[i]!.blindedElement], split(answer.evaluated), answer.proof, publicKey);
      expect(Buffer.from(y!).equals(Buffer.from(server.evaluate(inputs[i]!)))).toBe(true);
    });
  });

  it('refuses the identity, non-canonical encodings and bad lengths with a RangeError, and keeps serving', async () => {
    const good = blind(encoder.encode('phone:+33612345678')).blindedElement;
    const nonCanonical = new Uint8Array(32).fill(0xff); // not reduced mod p (RFC 9496 §4.3.1)
    const negative = Uint8Array.from(good);
    negative[0]! |= 1; // odd s: a negative field element, refused by decoding
    for (const bad of [new Uint8Array(32), nonCanonical, negative, pack([good, new Uint8Array(32)]), new Uint8Array(31), new Uint8Array(0)]) {
      await expect(pool.blindEvaluate(bad)).rejects.toBeInstanceOf(RangeError);
    }
    const answer = await pool.blindEvaluate(pack([good]));
    expect(answer.evaluated.length).toBe(32);
  });
});

describe('POST /v1/evaluate with the evaluations on worker threads', () => {
  it('answers as the event-loop engine does, and a bad element is a 400 E_PROTOCOL, never a 5xx', async () => {
    const service = createLookupService({ store: { manifest: () => null, bucket: () => null }, server, keyId: 'k1', evaluator: pool });
    const app = createApp({ service, store: { breaches: () => [], manifest: () => null }, rateLimit: null });
    try {
      const input = encoder.encode('nir:2550814168025');
      const b = blind(input);
      const ok = await app.inject({ method: 'POST', url: '/v1/evaluate', payload: { keyId: 'k1', blinded: [b64uEncode(b.blindedElement)] } });
      expect(ok.statusCode).toBe(200);
      const body = ok.json() as { evaluated: string[]; proof: string };
      const [y] = finalizeBatch(
        [input],
        [b.blind],
        [b.blindedElement],
        [Buffer.from(body.evaluated[0]!, 'base64url')],
        Buffer.from(body.proof, 'base64url'),
        server.publicKey,
      );
      expect(Buffer.from(y!).equals(Buffer.from(server.evaluate(input)))).toBe(true);

      for (const bad of [new Uint8Array(32), new Uint8Array(32).fill(0xff), randomBytes(32)]) {
        const response = await app.inject({ method: 'POST', url: '/v1/evaluate', payload: { keyId: 'k1', blinded: [b64uEncode(bad)] } });
        // A random 32-byte string is a valid encoding about once in 16 (canonical and even, a square root exists).
        if (response.statusCode === 200) continue;
        expect(response.statusCode).toBe(400);
        expect((response.json() as { error: { code: string } }).error.code).toBe('E_PROTOCOL');
      }
    } finally {
      await app.close();
    }
  });
});

describe('a worker that dies', () => {
  it('fails only the jobs it held, is replaced, and the pool goes on answering', async () => {
    // The pool keeps its workers to itself: note each one as it is sent a job.
    const workers = new Set<Worker>();
    const postMessage = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (this: Worker, ...args: Parameters<Worker['postMessage']>) {
      workers.add(this);
      return postMessage.apply(this, args);
    };
    const lost: Error[] = [];
    const own = await createEvaluatorPool({ secretKey, threads: 1, onWorkerLost: (error) => lost.push(error) });
    try {
      const element = pack([blind(encoder.encode('nir:1850575123456')).blindedElement]);
      expect((await own.blindEvaluate(element)).evaluated.length).toBe(32);
      const [worker] = [...workers];
      const held = own.blindEvaluate(element);
      await worker!.terminate();
      await expect(held).rejects.toThrow(/exited/);
      expect(lost).toHaveLength(1);
      await expect.poll(async () => (await own.blindEvaluate(element).catch(() => null))?.evaluated.length ?? 0, { timeout: 10_000 }).toBe(32);
      expect(workers.size).toBe(2);
    } finally {
      Worker.prototype.postMessage = postMessage;
      await own.close();
    }
  });
});
