// ByteInput's stream taken into memory (an xlsx from stdin): the same bytes, hashed once, readable at random, and
// bounded.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ByteInput } from './byte-input.js';

const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);
const pieces = (size: number): Uint8Array[] => Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

async function readToEnd(input: ByteInput): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for (let chunk = await input.read(); chunk !== null; chunk = await input.read()) chunks.push(Uint8Array.from(chunk));
  return Buffer.concat(chunks);
}

describe('ByteInput.toMemory', () => {
  it('holds a stream whole after a peek, reads it again from the start, hashes every byte once', async () => {
    const stream = ByteInput.fromStream('-', pieces(33), 16);
    expect(stream.seekable).toBe(false);
    expect([...(await stream.peek(8))]).toEqual([...bytes.subarray(0, 8)]);
    const memory = await stream.toMemory();
    expect(memory.seekable).toBe(true);
    expect(memory.size).toBe(bytes.length);
    expect(memory.name).toBe('stdin');
    expect([...(await memory.readAt(990, 50))]).toEqual([...bytes.subarray(990)]);
    expect(Buffer.from(await readToEnd(memory)).equals(Buffer.from(bytes))).toBe(true);
    expect(memory.bytesRead()).toBe(bytes.length);
    expect(memory.sha256()).toBe(createHash('sha256').update(bytes).digest('hex'));
    // The stream it came from is spent.
    await expect(stream.read()).rejects.toThrow(/closed/);
  });

  it('refuses a stream over the limit with E_SOURCE_OPEN naming stdin, and one already partly consumed', async () => {
    await expect(ByteInput.fromStream('-', pieces(100)).toMemory(999)).rejects.toMatchObject({ code: 'E_SOURCE_OPEN', message: expect.stringContaining('stdin') });
    expect((await ByteInput.fromStream('-', pieces(100)).toMemory(1000)).size).toBe(1000);
    const consumed = ByteInput.fromStream('-', pieces(100));
    await consumed.read();
    await expect(consumed.toMemory()).rejects.toThrow(/nothing has been consumed/);
  });
});
