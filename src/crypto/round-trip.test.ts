// The whole private check of DESIGN §4, narrated with this module's functions only: the controller
// builds one index entry, a person checks an identifier, and only the right identifier opens it.

import { describe, expect, it } from 'vitest';
import { b64uDecode, b64uEncode } from './encoding.js';
import { deriveEntryKeys, open } from './hkdf-seal.js';
import { deriveEntryKeysSync, sealSync } from './hkdf-seal-node.js';
import { blind, finalizeBatch } from './voprf-client.js';
import { createVoprfServer, generateSecretKey } from './voprf-server.js';

const enc = new TextEncoder();

describe('a private check, end to end', () => {
  it('finds the entry of the identifier that was indexed, and nothing for another one', async () => {
    // Controller, at ingest: y = Evaluate(skS, canonical), straight from the leaked row.
    const server = await createVoprfServer(generateSecretKey());
    const indexId = '5f0c2a9e1b7d4c3a8e6f0b1d2c3a4e5f';
    const canonical = enc.encode('nir:2550814168025');
    const y = server.evaluate(canonical);

    // Controller, at index build: entry = tag || AES-256-GCM(sealKey, padded plaintext).
    const plaintext = enc.encode('{"b":[{"id":"lab-2024","c":["nir","identity","blood_group"]}]}'.padEnd(96, ' '));
    const { tag, sealKey } = deriveEntryKeysSync(y, indexId);
    const entry = new Uint8Array([...tag, ...sealSync(sealKey, plaintext)]);

    // Person, in the browser: blind both identifiers typed, send only the blinded elements (b64u).
    const typed = [canonical, enc.encode('email:jean.dupont@example.fr')];
    const blinded = typed.map((input) => blind(input));
    const request = { blinded: blinded.map((b) => b64uEncode(b.blindedElement)) };

    // Server, POST /v1/evaluate: one batched proof for all elements.
    const answer = server.blindEvaluateBatch(request.blinded.map(b64uDecode));
    const response = { evaluated: answer.evaluatedElements.map(b64uEncode), proof: b64uEncode(answer.proof) };

    // Person: verify the proof against the published key, finalize, derive tags, match, open.
    const ys = finalizeBatch(
      typed,
      blinded.map((b) => b.blind),
      blinded.map((b) => b.blindedElement),
      response.evaluated.map(b64uDecode),
      b64uDecode(response.proof),
      server.publicKey,
    );
    const found: string[] = [];
    for (const yi of ys) {
      const keys = await deriveEntryKeys(yi, indexId);
      if (entry.subarray(0, 16).every((byte, i) => byte === keys.tag[i])) {
        const opened = await open(keys.sealKey, entry.subarray(16));
        if (opened !== null) found.push(new TextDecoder().decode(opened).trimEnd());
      }
    }
    expect(found).toEqual(['{"b":[{"id":"lab-2024","c":["nir","identity","blood_group"]}]}']);

    // The same y under another index gives another tag: entries do not link across index versions.
    expect((await deriveEntryKeys(ys[0]!, 'another-index')).tag).not.toEqual(tag);
  });
});
