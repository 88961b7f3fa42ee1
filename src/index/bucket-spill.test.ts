// The index build's distribution of sealed entries by bucket (bucket-spill.ts) and the making of buckets from a
// group (EvaluatorCore.assemble): every entry lands in its bucket once, buckets are padded and in byte order, and
// nothing is left on disk.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSecretKey } from '../crypto/voprf-server.js';
import { createBucketSpill, RECORD_HEADER } from './bucket-spill.js';
import { createEvaluatorCore } from './evaluator-core.js';

const ENTRY = 48;
let dir: string | null = null;
afterEach(() => {
  if (dir !== null) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

/** n random entries with random buckets below `bucketCount`. */
function entriesFor(n: number, bucketCount: number): { buckets: Uint32Array; entries: Uint8Array } {
  const buckets = Uint32Array.from({ length: n }, () => Math.floor(Math.random() * bucketCount));
  return { buckets, entries: randomBytes(n * ENTRY) };
}

describe('bucket spill', () => {
  it('gives back every entry in the group of its bucket, with per-bucket counts, and leaves no file behind', () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-spill-test-'));
    const bucketCount = 1024; // 256 groups of 4 buckets
    const spill = createBucketSpill(bucketCount, ENTRY, dir);
    expect(readdirSync(dir)).toEqual([]); // unlinked at once: a crash leaves nothing
    expect(spill.groups).toBe(256);
    expect(spill.bucketsPerGroup).toBe(4);
    const batches = [entriesFor(3000, bucketCount), entriesFor(5000, bucketCount), entriesFor(1, bucketCount)];
    for (const b of batches) spill.add(b.buckets, b.entries);
    spill.finish();
    const expected = new Map<string, number>();
    for (const { buckets, entries } of batches) {
      buckets.forEach((bucket, i) => {
        const key = `${bucket}:${Buffer.from(entries.subarray(i * ENTRY, (i + 1) * ENTRY)).toString('hex')}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      });
    }
    let seen = 0;
    for (let g = 0; g < spill.groups; g++) {
      const records = spill.readGroup(g);
      expect(records.length % (RECORD_HEADER + ENTRY)).toBe(0);
      const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
      for (let at = 0; at < records.length; at += RECORD_HEADER + ENTRY) {
        const bucket = view.getUint32(at, true);
        expect(Math.floor(bucket / spill.bucketsPerGroup)).toBe(g);
        const key = `${bucket}:${Buffer.from(records.subarray(at + RECORD_HEADER, at + RECORD_HEADER + ENTRY)).toString('hex')}`;
        expect(expected.get(key)).toBeGreaterThan(0);
        expected.set(key, expected.get(key)! - 1);
        seen++;
      }
    }
    expect(seen).toBe(8001);
    expect(spill.counts.reduce((n, c) => n + c, 0)).toBe(8001);
    spill.close();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a bucket out of range, mismatched sizes, and adding after the end', () => {
    const spill = createBucketSpill(16, ENTRY);
    try {
      expect(() => spill.add(Uint32Array.of(16), randomBytes(ENTRY))).toThrow(/out of range/);
      expect(() => spill.add(Uint32Array.of(1, 2), randomBytes(ENTRY))).toThrow(/disagree/);
      expect(() => spill.readGroup(0)).toThrow(/before finish/);
      spill.finish();
      expect(() => spill.add(Uint32Array.of(1), randomBytes(ENTRY))).toThrow(/after finish/);
      expect(spill.groups).toBe(16);
    } finally {
      spill.close();
    }
  });
});

describe('making the buckets of a group', () => {
  it('pads each bucket with dummies to the same size and orders its entries by bytes', async () => {
    const core = await createEvaluatorCore(generateSecretKey());
    const firstBucket = 8;
    const perBucket = [3, 0, 5];
    const real: Uint8Array[][] = perBucket.map((n) => Array.from({ length: n }, () => randomBytes(ENTRY)));
    const records: number[] = [];
    // Interleaved, as they come from the workers.
    for (let k = 0; k < 5; k++) {
      real.forEach((entries, b) => {
        const entry = entries[k];
        if (entry === undefined) return;
        const header = Buffer.alloc(RECORD_HEADER);
        header.writeUInt32LE(firstBucket + b);
        records.push(...header, ...entry);
      });
    }
    const out = core.assemble({ kind: 'assemble', records: Uint8Array.from(records), firstBucket, buckets: 3, entriesPerBucket: 6, entrySize: ENTRY });
    expect(out.length).toBe(3 * 6 * ENTRY);
    for (let b = 0; b < 3; b++) {
      const bucket = Buffer.from(out.subarray(b * 6 * ENTRY, (b + 1) * 6 * ENTRY));
      const entries = Array.from({ length: 6 }, (_, e) => bucket.subarray(e * ENTRY, (e + 1) * ENTRY));
      for (let e = 1; e < 6; e++) expect(Buffer.compare(entries[e - 1]!, entries[e]!)).toBeLessThan(0);
      const hex = new Set(entries.map((e) => e.toString('hex')));
      for (const entry of real[b]!) expect(hex.has(Buffer.from(entry).toString('hex'))).toBe(true);
      expect(hex.size).toBe(6); // the dummies are random: none repeats an entry
    }
  });

  it('refuses a bucket fuller than the padding and a record of another group', async () => {
    const core = await createEvaluatorCore(generateSecretKey());
    const record = (bucket: number): number[] => {
      const header = Buffer.alloc(RECORD_HEADER);
      header.writeUInt32LE(bucket);
      return [...header, ...randomBytes(ENTRY)];
    };
    const job = { kind: 'assemble' as const, firstBucket: 4, buckets: 2, entriesPerBucket: 1, entrySize: ENTRY };
    expect(() => core.assemble({ ...job, records: Uint8Array.from([...record(4), ...record(4)]) })).toThrow(/more than 1/);
    expect(() => core.assemble({ ...job, records: Uint8Array.from(record(6)) })).toThrow(/another group/);
    expect(() => core.assemble({ ...job, records: new Uint8Array(7) })).toThrow(/not whole/);
  });
});

describe('evaluation jobs', () => {
  it('take canonical forms joined by line feeds, give what one evaluation each gives, and refuse a miscount', async () => {
    const secretKey = generateSecretKey();
    const core = await createEvaluatorCore(secretKey);
    const forms = ['nir:1850575123456', 'email:jeanne@example.fr', 'person:MARTIN|JEANNE|1985-05-01'];
    const all = core.evaluate({ kind: 'evaluate', canonicals: forms.join('\n'), count: 3 });
    forms.forEach((form, i) => {
      const one = core.evaluate({ kind: 'evaluate', canonicals: form, count: 1 });
      expect(Buffer.from(all.ys.subarray(i * 64, (i + 1) * 64)).equals(Buffer.from(one.ys))).toBe(true);
      expect(all.maskedPrefixes[i]).toBe(one.maskedPrefixes[0]);
    });
    expect(() => core.evaluate({ kind: 'evaluate', canonicals: forms.join('\n'), count: 2 })).toThrow(/more canonical forms/);
    expect(() => core.evaluate({ kind: 'evaluate', canonicals: forms.join('\n'), count: 4 })).toThrow(/fewer canonical forms/);
  });
});
