// The private index end to end: ingest synthetic leaks, then check every person through the private protocol.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVoprfServer } from '../src/crypto/voprf-server.js';
import { createEvaluatorPool, type EvaluatorPool } from '../src/index/evaluator-pool.js';
import { ingest, type IngestSummary, type RejectRecord } from '../src/index/ingest.js';
import { createLookupService } from '../src/index/lookup-service.js';
import { SqliteStore } from '../src/index/sqlite-store.js';
import { createLookupClient, mergeMatches, type LookupClient } from '../src/lookup/client.js';
import { canonicalizeQuery, normalizeEmail, normalizeNir, normalizePhone } from '../src/identifiers/index.js';
import type { SynthSummary } from '../src/synth/index.js';
import { createWorkspace, synthLeak, type TruthPerson, type Workspace } from './helpers.js';

const ROWS = 4000;

describe('ingest and check a dirty synthetic leak', () => {
  let ws: Workspace;
  let store: SqliteStore;
  let pool: EvaluatorPool;
  let client: LookupClient;
  let truth: TruthPerson[];
  let file: string;
  let synth: SynthSummary;
  let summary: IngestSummary;
  const rejects: RejectRecord[] = [];

  beforeAll(async () => {
    ws = createWorkspace();
    ({ file, truth, synth } = await synthLeak(ws.dir, 'dirty', ROWS, 'ingest-test', true));
    store = new SqliteStore(ws.db);
    pool = await createEvaluatorPool({ secretKey: ws.key.secretKey, threads: 2 });
    summary = await ingest({
      store,
      pool,
      keyId: ws.key.keyId,
      breachId: 'labos-2021',
      title: 'Laboratoires 2021',
      files: [file],
      onReject: (r) => rejects.push(r),
    });
    const server = await createVoprfServer(ws.key.secretKey);
    client = createLookupClient({ transport: createLookupService({ store, server, keyId: ws.key.keyId }) });
  });

  afterAll(async () => {
    await pool?.close();
    store?.close();
    ws?.cleanup();
  });

  it('accounts for every row', () => {
    expect(summary.rowsRead).toBe(ROWS);
    expect(summary.rowsIndexed + summary.rowsRejected).toBe(summary.rowsRead);
    // The only rows without any usable identifier are the ones synth makes unusable on purpose.
    expect(summary.rowsRejected).toBe(synth.unusableRows);
    expect(rejects.filter((r) => r.action === 'row rejected')).toHaveLength(summary.rowsRejected);
    // Reject reasons never carry a value from the file.
    for (const r of rejects) expect(r.reason).not.toMatch(/\d{5,}|@/);
  });

  it('publishes uniform buckets: entriesPerBucket entries each, in byte order, none twice, dummies included', () => {
    const m = summary.manifest;
    let total = 0;
    const seen = new Set<string>();
    for (let b = 0; b < 2 ** m.bucketBits; b++) {
      const data = store.bucket(m.indexId, b)!;
      expect(data.length).toBe(m.entriesPerBucket * m.entrySize);
      for (let i = 0; i < m.entriesPerBucket; i++) {
        const entry = Buffer.from(data.subarray(i * m.entrySize, (i + 1) * m.entrySize));
        if (i > 0) expect(Buffer.compare(Buffer.from(data.subarray((i - 1) * m.entrySize, i * m.entrySize)), entry)).toBe(-1);
        seen.add(entry.toString('hex'));
        total++;
      }
    }
    expect(seen.size).toBe(total);
    expect(total).toBeGreaterThan(summary.identifiers.nir + summary.identifiers.email + summary.identifiers.phone + summary.identifiers.person);
  });

  it('counts NIRs without a valid key apart, and persons once across labs', () => {
    // Counted per row, as synth writes them (a person in two labs has two rows).
    expect(summary.nirKeyWrong).toBe(synth.nirKeyWrong);
    expect(summary.nirKeyMissing).toBe(synth.nirKeyMissing);
    expect(synth.nirKeyWrong).toBeGreaterThan(0);
    expect(summary.persons).toBe(truth.filter((p) => !p.unusable).length);
    expect(summary.identifiers.nir).toBe(truth.filter((p) => !p.unusable).length);
  });

  it('finds every person by NIR as typed, with exactly the categories of their rows', async () => {
    const people = truth.filter((p) => !p.unusable).slice(0, 150);
    for (const person of people) {
      const result = await client.checkQuery({ nir: person.nir });
      expect(result.found, `person ${truth.indexOf(person)}`).toBe(true);
      const merged = mergeMatches(result.matches);
      expect(merged.map((b) => b.id)).toEqual(['labos-2021']);
      expect([...merged[0]!.categories].sort()).toEqual([...person.categories].sort());
    }
  });

  it('finds people by e-mail, phone and name with other spellings', async () => {
    const withEmail = truth.filter((p) => !p.unusable && p.email !== null).slice(0, 20);
    for (const p of withEmail) expect((await client.checkQuery({ email: `  ${p.email!.toUpperCase()} ` })).found).toBe(true);
    const withPhone = truth.filter((p) => !p.unusable && p.phone !== null).slice(0, 20);
    for (const p of withPhone) expect((await client.checkQuery({ phone: p.phone! })).found).toBe(true);
    const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/-/g, ' ');
    for (const p of truth.filter((t) => !t.unusable).slice(0, 20)) {
      const result = await client.checkQuery({ lastName: fold(p.lastName), firstName: fold(p.firstName), birthDate: p.birthDate });
      expect(result.found).toBe(true);
    }
  });

  it('does not find strangers', async () => {
    const known = new Set(truth.map((p) => normalizeNir(p.nir)).filter((r) => r.ok).map((r) => (r.ok ? r.value.body : '')));
    let checked = 0;
    for (const p of truth.slice(0, 60)) {
      const n = normalizeNir(p.nir);
      if (!n.ok) continue;
      // Same birth date and place, another order number: the neighbourhood an attacker would try.
      const order = (Number(n.value.body.slice(10, 13)) % 999) + 1;
      const body = `${n.value.body.slice(0, 10)}${String(order).padStart(3, '0')}`;
      if (known.has(body)) continue;
      expect((await client.checkQuery({ nir: body })).found).toBe(false);
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
    expect((await client.checkQuery({ email: 'nobody.here@example.org', phone: '06 00 00 00 01' })).found).toBe(false);
  });

  it('keeps nothing readable at rest, WAL included', () => {
    store.db.pragma('wal_checkpoint(PASSIVE)');
    const files = readdirSync(ws.dir).filter((f) => f.startsWith('vigie.db'));
    expect(files.length).toBeGreaterThan(0);
    // Text in a database file lives in runs of printable bytes; random bytes (y, sealed entries) rarely make runs of
    // five or more. Searching those runs only keeps the test fast; a value cut by a page boundary would still be
    // found by its longer neighbours (names, e-mails and NIRs are checked in several spellings).
    const bytes = Buffer.concat(files.map((f) => readFileSync(join(ws.dir, f))));
    const runs: string[] = [];
    let start = -1;
    for (let i = 0; i <= bytes.length; i++) {
      const b = i < bytes.length ? bytes[i]! : 0;
      // ASCII printable, or a two-byte UTF-8 sequence (accented letters).
      const pair = b >= 0xc2 && b <= 0xdf && i + 1 < bytes.length && bytes[i + 1]! >= 0x80 && bytes[i + 1]! <= 0xbf;
      if ((b >= 0x20 && b < 0x7f) || pair) {
        if (start === -1) start = i;
        if (pair) i++;
        continue;
      }
      if (start !== -1 && i - start >= 5) runs.push(bytes.subarray(start, i).toString('utf8'));
      start = -1;
    }
    const haystack = runs.join('\n');
    expect(haystack).toContain('labos-2021'); // the search does see text that is there
    const needles = new Set<string>();
    for (const p of truth) {
      const nir = normalizeNir(p.nir);
      if (nir.ok) {
        needles.add(nir.value.body);
        needles.add(p.nir.replace(/\s/g, ''));
      }
      if (p.email !== null) {
        needles.add(p.email);
        const e = normalizeEmail(p.email);
        if (e.ok) needles.add(e.value);
      }
      if (p.phone !== null) {
        const e164 = normalizePhone(p.phone);
        if (e164.ok) {
          needles.add(e164.value);
          needles.add(e164.value.slice(1));
        }
        needles.add(p.phone.replace(/\D/g, ''));
      }
      for (const name of [p.lastName, p.firstName, p.birthName]) {
        if (name !== null && name.length >= 6) {
          needles.add(name);
          needles.add(name.toUpperCase());
        }
      }
      const q = canonicalizeQuery({ lastName: p.lastName, firstName: p.firstName, birthDate: p.birthDate });
      for (const id of q.identifiers) needles.add(id.canonical);
    }
    for (const word of ['grossesse', 'Levothyrox', 'diabète', 'chimiothérapie']) needles.add(word);
    const leaks = [...needles].filter(
(n) => n.length >= 6 && haystack.includes(n));
    expect(leaks).toEqual([]);
  });
});
