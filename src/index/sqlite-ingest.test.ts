// The SQLite session's read of identifiers for the index build: packed chunks, read page by page after the last
// (y, breach), must give every row exactly once in key order, including a y whose rows straddle two pages.

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkOrder, beginSqliteIngest } from './sqlite-ingest.js';
import { SqliteStore } from './sqlite-store.js';
import { identifierChunk, type IdentifierChunk } from './store.js';

interface Row {
  y: Buffer;
  breach: number;
  prefix: number;
  cats: number;
}

async function readAll(chunks: AsyncIterable<IdentifierChunk>): Promise<{ rows: Row[]; sizes: number[] }> {
  const rows: Row[] = [];
  const sizes: number[] = [];
  for await (const chunk of chunks) {
    sizes.push(chunk.count);
    for (let i = 0; i < chunk.count; i++) {
      rows.push({ y: Buffer.from(chunk.ys.subarray(i * 64, (i + 1) * 64)), breach: chunk.breaches[i]!, prefix: chunk.prefixes[i]!, cats: chunk.cats[i]! });
    }
  }
  return { rows, sizes };
}

describe('identifiersByY on SQLite', () => {
  it('gives every row once, in (y, breach) order, across pages, with a y in several breaches at page boundaries', async () => {
    const store = new SqliteStore(':memory:');
    const session = beginSqliteIngest(store, 'probe', 'Probe', '2026-12-07T00:00:00Z');
    const insert = store.db.prepare('INSERT INTO identifiers (y, breach, prefix, cats) VALUES (?, ?, ?, ?)');
    const expected: Row[] = [];
    // 9,000 distinct y (more than two pages of 4,096 rows), a third of them in two or three breaches; prefixes cover
    // the whole unsigned 32-bit range (0 and 2^32 - 1 included).
    for (let n = 0; n < 9000; n++) {
      // y in the order of n (its first four bytes), the rest random: the layout of pages is known in advance.
      const y = randomBytes(64);
      y.writeUInt32BE(n, 0);
      const breaches = n % 3 === 0 ? [2, 5, 9].slice(0, 2 + (n % 2)) : [5];
      for (const breach of breaches) {
        const row = { y, breach, prefix: n === 0 ? 0 : n === 1 ? 0xffffffff : (n * 2654435761) >>> 0, cats: (n * 7 + breach) & 0xfff };
        insert.run(row.y, row.breach, row.prefix, row.cats);
        expected.push(row);
      }
    }
    expected.sort((a, b) => Buffer.compare(a.y, b.y) || a.breach - b.breach);
    const straddling = [4096, 8192, 12288].filter((b) => b < expected.length && expected[b - 1]!.y.equals(expected[b]!.y));
    expect(straddling.length).toBeGreaterThan(0);
    const { rows, sizes } = await readAll(session.identifiersByY());
    expect(sizes.length).toBeGreaterThan(2);
    expect(sizes.slice(0, -1).every((size) => size === 4096)).toBe(true);
    expect(rows.length).toBe(expected.length);
    for (let i = 0; i < rows.length; i++) expect(rows[i]).toEqual(expected[i]);
    await session.rollback();
    store.close();
  });

  it('gives nothing for an empty table', async () => {
    const store = new SqliteStore(':memory:');
    const session = beginSqliteIngest(store, 'probe', 'Probe', '2026-12-07T00:00:00Z');
    expect((await readAll(session.identifiersByY())).rows).toEqual([]);
    await session.rollback();
    store.close();
  });

  it('refuses a y of the wrong size instead of shifting every later row', async () => {
    const store = new SqliteStore(':memory:');
    const session = beginSqliteIngest(store, 'probe', 'Probe', '2026-12-07T00:00:00Z');
    const insert = store.db.prepare('INSERT INTO identifiers (y, breach, prefix, cats) VALUES (?, ?, ?, ?)');
    // 63 + 65 bytes: the page's total length is right, each y is not.
    insert.run(Buffer.alloc(63, 1), 5, 0, 1);
    insert.run(Buffer.alloc(65, 2), 5, 0, 1);
    await expect(readAll(session.identifiersByY())).rejects.toThrow(/wrong size/);
    await session.rollback();
    store.close();
  });

  it('refuses rows out of key order, repeated, or not after the previous chunk', () => {
    const chunk = identifierChunk(3);
    chunk.ys.fill(1, 0, 64);
    chunk.ys.fill(2, 64, 128);
    chunk.ys.fill(2, 128, 192);
    chunk.breaches.set([1, 1, 2]);
    expect(() => checkOrder(chunk, null)).not.toThrow();
    expect(() => checkOrder(chunk, { y: Buffer.alloc(64, 1), breach: 1 })).toThrow(/out of key order/);
    expect(() => checkOrder(chunk, { y: Buffer.alloc(64, 0), breach: 7 })).not.toThrow();
    chunk.breaches.set([1, 2, 2]);
    expect(() => checkOrder(chunk, null)).toThrow(/out of key order/);
    chunk.breaches.set([1, 1, 2]);
    chunk.ys.fill(0, 64, 128);
    expect(() => checkOrder(chunk, null)).toThrow(/out of key order/);
  });
});
