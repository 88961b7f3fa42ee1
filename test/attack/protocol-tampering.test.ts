// Red team, the protocol itself (DESIGN §4; RFC 9497 §2.2 proofs, §3.3 "MUST reject the identity", RFC 9496 §4.3.1
// canonical encodings). Against the server: every malformed element an attacker can send, to get a crash, a
// scalar multiplication by something it should not accept, or evaluations beyond its budget. Against the client
// (src/lookup): a server or CDN that lies, with tampered proofs, evaluations under another key, and tampered,
// truncated, padded or swapped buckets. Each must be refused with its error, or, where the protocol cannot tell
// (an entry left out), give a "not found" that docs/threat-model.md states as a residual risk.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64uDecode, b64uEncode } from '../../src/crypto/encoding.js';
import { isValidElement } from '../../src/crypto/voprf-client.js';
import { createVoprfServer, generateSecretKey, type VoprfServer } from '../../src/crypto/voprf-server.js';
import { createLookupClient } from '../../src/lookup/client.js';
import type { EvaluateResponse, LookupTransport } from '../../src/lookup/protocol.js';
import { blindAll, buildTarget, injectEvaluate, type Target } from './harness.js';

const MEMBER = { nir: '2 55 08 14 168 025 38', email: 'lea.martin@example.fr' };
/** The ristretto255 generator's canonical encoding (RFC 9496 §4.4). */
const GENERATOR = 'e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76';

let target: Target;
let rogue: VoprfServer;

beforeAll(async () => {
  const others = Array.from({ length: 60 }, (_, i) => `PATIENT${i};;patient${i}@example.org`);
  target = await buildTarget({ csv: `NOM;NIR;EMAIL\nMARTIN;255081416802538;${MEMBER.email}\n${others.join('\n')}\n` });
  rogue = await createVoprfServer(generateSecretKey());
}, 120_000);

afterAll(async () => {
  await target?.close();
});

/** 32 bytes with a given little-endian field element value. */
function le(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}

const P = 2n ** 255n - 19n;

/** Even, reduced, but not the encoding of any point (the square root of RFC 9496 §4.3.1 step 5 fails). */
function offCurve(): Uint8Array {
  for (let s = 2n; ; s += 2n) if (!isValidElement(le(s))) return le(s);
}

describe('the server, sent malformed elements', () => {
  const valid = () => blindAll(['nir:2550814168025']).blinded[0]!;
  const withTopBit = () => {
    const bytes = b64uDecode(valid());
    bytes[31]! |= 0x80;
    return bytes;
  };

  it.each([
    ['the identity (all zeros)', () => b64uEncode(new Uint8Array(32))],
    ['a negative field element (s odd)', () => b64uEncode(le(1n))],
    ['s = p, not reduced', () => b64uEncode(le(P))],
    ['s = p + 2, not reduced', () => b64uEncode(le(P + 2n))],
    ['a valid element with the top bit set', () => b64uEncode(withTopBit())],
    ['all 0xff', () => b64uEncode(new Uint8Array(32).fill(0xff))],
    ['a reduced, even s that encodes no point', () => b64uEncode(offCurve())],
  ])('refuses %s with 400 E_PROTOCOL, before any scalar work, and stays up', async (_name, make) => {
    const app = target.app({ rateLimit: null });
    const r = await injectEvaluate(app, { keyId: target.key.keyId, blinded: [valid(), make()] }, '203.0.113.1');
    expect(r.statusCode).toBe(400);
    expect(r.json()).toEqual({ error: { code: 'E_PROTOCOL', message: expect.any(String) } });
    expect((await injectEvaluate(app, { keyId: target.key.keyId, blinded: [valid()] }, '203.0.113.1')).statusCode).toBe(200);
  });

  it.each([
    ['31 bytes', () => b64uEncode(new Uint8Array(31).fill(2)), 400],
    ['33 bytes', () => b64uEncode(new Uint8Array(33).fill(2)), 400],
    ['64 bytes', () => b64uEncode(new Uint8Array(64).fill(2)), 400],
    ['an empty string', () => '', 400],
    ['a number', () => 42, 400],
    ['null', () => null, 400],
    ['an object', () => ({ x: 1 }), 400],
  ])('refuses an element of %s', async (_name, make, status) => {
    const r = await injectEvaluate(target.app({ rateLimit: null }), { keyId: target.key.keyId, blinded: [make()] }, '203.0.113.2');
    expect(r.statusCode).toBe(status);
    expect(r.json()).toMatchObject({ error: { code: expect.stringMatching(/^E_(BAD_REQUEST|PROTOCOL)$/) } });
  });

  it('refuses too many elements: 9 and 50 by the schema, 200 by the body limit', async () => {
    const app = target.app({ rateLimit: null });
    const one = valid();
    for (const [n, status, code] of [
      [9, 400, 'E_BAD_REQUEST'],
      [50, 400, 'E_BAD_REQUEST'],
      [200, 413, 'E_PAYLOAD_TOO_LARGE'],
    ] as const) {
      const r = await injectEvaluate(app, { keyId: target.key.keyId, blinded: Array<string>(n).fill(one) }, '203.0.113.3');
      expect(r.statusCode, `${n}`).toBe(status);
      expect(r.json()).toMatchObject({ error: { code } });
    }
  });

  it('evaluates duplicate elements, and charges each one: no free guesses', async () => {
    const app = target.app({ rateLimit: { burst: 20, refillPerSecond: 0.001 } });
    const eight = Array<string>(8).fill(valid());
    const first = await injectEvaluate(app, { keyId: target.key.keyId, blinded: eight }, '203.0.113.4');
    expect(first.statusCode).toBe(200);
    expect(new Set((first.json() as EvaluateResponse).evaluated).size).toBe(1);
    expect((await injectEvaluate(app, { keyId: target.key.keyId, blinded: eight }, '203.0.113.4')).statusCode).toBe(200);
    expect((await injectEvaluate(app, { keyId: target.key.keyId, blinded: eight }, '203.0.113.4')).statusCode).toBe(429);
  });

  it('answers the generator with the public key, which is published anyway (no secret comes out)', async () => {
    const r = await injectEvaluate(target.app({ rateLimit: null }), { keyId: target.key.keyId, blinded: [b64uEncode(Buffer.from(GENERATOR, 'hex'))] }, '203.0.113.5');
    expect(r.statusCode).toBe(200);
    expect(b64uDecode((r.json() as EvaluateResponse).evaluated[0]!)).toEqual(target.key.publicKey);
  });
});

describe('the client, against a lying server or CDN', () => {
  const client = (overrides: Partial<LookupTransport>) => createLookupClient({ transport: { ...target.service, ...overrides } });
  /** Evaluations through the honest service, then altered. */
  const alteredEvaluation = (alter: (response: EvaluateResponse) => EvaluateResponse): Partial<LookupTransport> => ({
    evaluate: async (request) => alter(await target.service.evaluate(request)),
  });
  const alteredProof = (alter: (proof: Uint8Array) => Uint8Array) =>
    alteredEvaluation((r) => ({ ...r, proof: b64uEncode(alter(b64uDecode(r.proof))) }));
  const flip = (index: number) => (bytes: Uint8Array) => {
    const copy = Uint8Array.from(bytes);
    copy[index]! ^= 1;
    return copy;
  };

  it('finds the member through the honest server (the control)', async () => {
    const result = await client({}).checkQuery(MEMBER);
    expect(result.matches.map((m) => m.type)).toEqual(['nir', 'email']);
  });

  it.each([
    ['a bit of c flipped', alteredProof(flip(3))],
    ['a bit of s flipped', alteredProof(flip(40))],
    ['an all-zero proof', alteredProof(() => new Uint8Array(64))],
    ['a proof of 63 bytes', alteredProof((p) => p.subarray(0, 63))],
    ['a proof of 65 bytes', alteredProof((p) => Uint8Array.from([...p, 0]))],
    ['two evaluated elements swapped', alteredEvaluation((r) => ({ ...r, evaluated: [...r.evaluated].reverse() }))],
    ['the identity as an evaluated element', alteredEvaluation((r) => ({ ...r, evaluated: [b64uEncode(new Uint8Array(32)), ...r.evaluated.slice(1)] }))],
    ['the public key as an evaluated element', alteredEvaluation((r) => ({ ...r, evaluated: [b64uEncode(target.key.publicKey), ...r.evaluated.slice(1)] }))],
  ])('refuses %s with E_PROOF', async (_name, overrides) => {
    await expect(client(overrides).checkQuery(MEMBER)).rejects.toMatchObject({ code: 'E_PROOF' });
  });

  it('refuses a proof replayed from another evaluation, and elements sent back unevaluated', async () => {
    const other = await target.service.evaluate({ keyId: target.key.keyId, blinded: blindAll(['nir:1', 'email:x@example.org']).blinded });
    await expect(client(alteredEvaluation((r) => ({ ...r, proof: other.proof }))).checkQuery(MEMBER)).rejects.toMatchObject({ code: 'E_PROOF' });
    const echo: Partial<LookupTransport> = {
      evaluate: async (request) => ({ evaluated: request.blinded, proof: (await target.service.evaluate(request)).proof }),
    };
    await expect(client(echo).checkQuery(MEMBER)).rejects.toMatchObject({ code: 'E_PROOF' });
  });

  it('refuses an answer with fewer elements than asked, with E_PROTOCOL', async () => {
    await expect(client(alteredEvaluation((r) => ({ ...r, evaluated: r.evaluated.slice(1) }))).checkQuery(MEMBER)).rejects.toMatchObject({ code: 'E_PROTOCOL' });
  });

  it('detects a server evaluating under a key other than the published one (singling a person out) with E_PROOF', async () => {
    const underAnotherKey: Partial<LookupTransport> = {
      evaluate: async (request) => {
        const { evaluatedElements, proof } = rogue.blindEvaluateBatch(request.blinded.map(b64uDecode));
        return { evaluated: evaluatedElements.map(b64uEncode), proof: b64uEncode(proof) };
      },
    };
    await expect(client(underAnotherKey).checkQuery(MEMBER)).rejects.toMatchObject({ code: 'E_PROOF' });
  });

  it('cannot tell a server that publishes a key of its own to one person (stated residual: a false "not found", no linkage)', async () => {
    const keys = await target.service.keys();
    const consistentRogue: Partial<LookupTransport> = {
      keys: async () => ({ keys: [{ ...keys.keys[0]!, publicKey: b64uEncode(rogue.publicKey) }] }),
      evaluate: async (request) => {
        const { evaluatedElements, proof } = rogue.blindEvaluateBatch(request.blinded.map(b64uDecode));
        return { evaluated: evaluatedElements.map(b64uEncode), proof: b64uEncode(proof) };
      },
    };
    const result = await client(consistentRogue).checkQuery(MEMBER);
    expect(result.found).toBe(false);
  });

  it('refuses a manifest whose key the server does not publish, with E_PROTOCOL', async () => {
    await expect(client({ keys: async () => ({ keys: [] }) }).checkQuery(MEMBER)).rejects.toMatchObject({ code: 'E_PROTOCOL' });
  });

  const alteredBucket = (alter: (bytes: Uint8Array, size: number) => Uint8Array): Partial<LookupTransport> => ({
    bucket: async (manifest, hex) => alter(Uint8Array.from(await target.service.bucket(manifest, hex)), manifest.entrySize),
  });

  it.each([
    ['truncated by one byte', alteredBucket((b) => b.subarray(1))],
    ['padded by one byte', alteredBucket((b) => Uint8Array.from([...b, 0]))],
    ['padded by one entry', alteredBucket((b, size) => Uint8Array.from([...b, ...new Uint8Array(size)]))],
    ['empty', alteredBucket(() => new Uint8Array(0))],
  ])('refuses a bucket %s with E_PROTOCOL', async (_name, overrides) => {
    await expect(client(overrides).checkQuery(MEMBER)).rejects.toMatchObject({ code: 'E_PROTOCOL' });
  });

  it('refuses a bucket whose real entry was altered in its sealed part: AES-GCM does not authenticate (E_PROTOCOL)', async () => {
    const manifest = await target.service.index();
    const sealedByteFlipped = alteredBucket((bytes) => {
      for (let offset = 0; offset < bytes.length; offset += manifest.entrySize) bytes[offset + 16 + 5]! ^= 1;
      return bytes;
    });
    await expect(client(sealedByteFlipped).checkQuery(MEMBER)).rejects.toMatchObject({ code: 'E_PROTOCOL' });
  });

  it('cannot tell a bucket whose entry was left out or swapped for another bucket (stated residual: a false "not found")', async () => {
    const manifest = await target.service.index();
    const tagFlipped = alteredBucket((bytes) => {
      for (let offset = 0; offset < bytes.length; offset += manifest.entrySize) bytes[offset]! ^= 1;
      return bytes;
    });
    expect((await client(tagFlipped).checkQuery(MEMBER)).found).toBe(false);
    const otherBucket: Partial<LookupTransport> = {
      bucket: async (m, hex) => {
        const other = (parseInt(hex, 16) + 2 ** (4 * hex.length - m.bucketBits)) % 16 ** hex.length;
        return target.service.bucket(m, other.toString(16).padStart(hex.length, '0'));
      },
    };
    expect((await client(otherBucket).checkQuery({ nir: MEMBER.nir })).found).toBe(false);
  });
});
