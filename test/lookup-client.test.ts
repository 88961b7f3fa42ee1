// Negative cases of the private-check client (DESIGN §4): a server that lies is caught, not believed.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64uDecode, b64uEncode } from '../src/crypto/encoding.js';
import { createVoprfServer, generateSecretKey } from '../src/crypto/voprf-server.js';
import { createEvaluatorPool } from '../src/index/evaluator-pool.js';
import { ingest } from '../src/index/ingest.js';
import { createLookupService, type LookupService } from '../src/index/lookup-service.js';
import { SqliteStore } from '../src/index/sqlite-store.js';
import { createLookupClient } from '../src/lookup/client.js';
import type { LookupTransport } from '../src/lookup/protocol.js';
import { createWorkspace, type Workspace } from './helpers.js';

describe('lookup client against a lying server', () => {
  let ws: Workspace;
  let store: SqliteStore;
  let service: LookupService;
  const email = { email: 'lea.martin@example.fr' };

  beforeAll(async () => {
    ws = createWorkspace();
    store = new SqliteStore(ws.db);
    const pool = await createEvaluatorPool({ secretKey: ws.key.secretKey, threads: 0 });
    const file = join(ws.dir, 'a.csv');
    writeFileSync(file, 'NOM;PRENOM;DATE_NAISSANCE;EMAIL\nMartin;Léa;01/02/2003;lea.martin@example.fr\n');
    await ingest({ store, pool, keyId: ws.key.keyId, breachId: 'lab-a', files: [file] });
    await pool.close();
    service = createLookupService({ store, server: await createVoprfServer(ws.key.secretKey), keyId: ws.key.keyId });
  });
  afterAll(() => {
    store.close();
    ws.cleanup();
  });

  const client = (overrides: Partial<LookupTransport>) => createLookupClient({ transport: { ...service, ...overrides } });

  it('finds a member through an honest server', async () => {
    expect((await client({}).checkQuery(email)).found).toBe(true);
  });

  it('rejects a tampered proof', async () => {
    const lying = client({
      evaluate: async (request) => {
        const response = await service.evaluate(request);
        const proof = b64uDecode(response.proof);
        proof[5]! ^= 1;
        return { ...response, proof: b64uEncode(proof) };
      },
    });
    await expect(lying.checkQuery(email)).rejects.toMatchObject({ code: 'E_PROOF' });
  });

  it('rejects evaluations under another key than the published one', async () => {
    const rogue = await createVoprfServer(generateSecretKey());
    const lying = client({
      evaluate: async (request) => {
        const { evaluatedElements, proof } = rogue.blindEvaluateBatch(request.blinded.map(b64uDecode));
        return { evaluated: evaluatedElements.map(b64uEncode), proof: b64uEncode(proof) };
      },
    });
    await expect(lying.checkQuery(email)).rejects.toMatchObject({ code: 'E_PROOF' });
  });

  it('rejects a bucket whose size is not the manifest size, and a tampered entry', async () => {
    const short = client({ bucket: async (m, hex) => (await service.bucket(m, hex)).subarray(1) });
    await expect(short.checkQuery(email)).rejects.toMatchObject({ code: 'E_PROTOCOL' });

    const manifest = await service.index();
    const tampered = client({
      bucket: async (m, hex) => {
        const bytes = new Uint8Array(await service.bucket(m, hex));
        // Flip one byte in the sealed part of every entry: the real one no longer authenticates.
        for (let offset = 0; offset < bytes.length; offset += manifest.entrySize) bytes[offset + 20]! ^= 1;
        return bytes;
      },
    });
    await expect(tampered.checkQuery(email)).rejects.toMatchObject({ code: 'E_PROTOCOL' });
  });

  it('rejects a malformed manifest and a manifest naming an unpublished key', async () => {
    const manifest = await service.index();
    await expect(client({ index: async () => ({ ...manifest, entrySize: 3 }) }).checkQuery(email)).rejects.toMatchObject({ code: 'E_PROTOCOL' });
    await expect(client({ index: async () => ({ ...manifest, keyId: 'ffffffffffffffff' }) }).checkQuery(email)).rejects.toMatchObject({
      code: 'E_PROTOCOL',
    });
  });

  it('sends nothing for invalid input and reports it', async () => {
    let evaluations = 0;
    const counting = client({ evaluate: async (r) => (evaluations++, service.evaluate(r)) });
    const result = await counting.checkQuery({ nir: '12345', email: 'not an e-mail' });
    expect(result.found).toBe(false);
    expect(result.errors.map((e) => e.field).sort()).toEqual(['email', 'nir']);
    expect(evaluations).toBe(0);
  });

  it('the service refuses bad evaluation requests before any scalar work', async () => {
    const manifest = await service.index();
    const identity = b64uEncode(new Uint8Array(32));
    const nonCanonical = b64uEncode(new Uint8Array(32).fill(0xff));
    for (const blinded of [[], [identity], [nonCanonical], Array(9).fill(identity), ['short']]) {
      await expect(service.evaluate({ keyId: manifest.keyId, blinded })).rejects.toMatchObject({ code: 'E_PROTOCOL' });
    }
    await expect(service.evaluate({ keyId: 'other', blinded: [identity] })).rejects.toMatchObject({ code: 'E_PROTOCOL' });
  });
});
