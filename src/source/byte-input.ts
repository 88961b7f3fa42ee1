// Reads a leak file (or stdin) once, front to back, hashing every byte as it goes; nothing is ever
// written anywhere. Random reads (for an xlsx's central directory) are allowed on regular files, and on a
// stream once it has been taken into memory (an xlsx from stdin: see toMemory).

import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { VigieError } from '../errors.js';

export const DEFAULT_CHUNK_SIZE = 64 * 1024;
/** Largest stream toMemory() holds: an xlsx sheet stops at 1,048,576 rows, tens to a few hundred MB zipped. */
export const MAX_IN_MEMORY_BYTES = 1024 * 1024 * 1024;

export class ByteInput {
  private readonly hash: Hash = createHash('sha256');
  private digest: string | null = null;
  private total = 0;
  /** Next offset of the sequential reading of a file. */
  private position = 0;
  /** The rest of a stream's chunk longer than chunkSize. */
  private pending: Uint8Array | null = null;
  private readonly pushedBack: Uint8Array[] = [];
  private closed = false;
  /** A stream's whole content once toMemory() has read it; null otherwise, and after close(). */
  private memory: Uint8Array | null = null;

  private constructor(
    /** The path as given ('-' for stdin). */
    readonly path: string,
    /** Size of a regular file; null for stdin or a pipe. */
    readonly size: number | null,
    private readonly file: FileHandle | null,
    private readonly stream: AsyncIterator<Uint8Array> | null,
    private readonly chunkSize: number,
  ) {}

  /** Opens a file, or stdin for '-'. E_SOURCE_OPEN names the file and the system's reason. */
  static async open(path: string, chunkSize = DEFAULT_CHUNK_SIZE): Promise<ByteInput> {
    if (path === '-') return ByteInput.fromStream('-', process.stdin, chunkSize);
    let file: FileHandle;
    try {
      file = await open(path, 'r');
    } catch (error) {
      throw new VigieError('E_SOURCE_OPEN', `cannot open ${path}: ${reason(error)}`, { cause: error });
    }
    try {
      const stat = await file.stat();
      if (stat.isDirectory()) throw new VigieError('E_SOURCE_OPEN', `cannot open ${path}: it is a directory`);
      return new ByteInput(path, stat.isFile() ? stat.size : null, file, null, chunkSize);
    } catch (error) {
      await file.close();
      if (error instanceof VigieError) throw error;
      throw new VigieError('E_SOURCE_OPEN', `cannot open ${path}: ${reason(error)}`, { cause: error });
    }
  }

  /** Wraps a stream (stdin, or a test's generator); reads are cut to at most `chunkSize` bytes. */
  static fromStream(
    path: string,
    stream: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
    chunkSize = DEFAULT_CHUNK_SIZE,
  ): ByteInput {
    const iterator: AsyncIterator<Uint8Array | string> | Iterator<Uint8Array | string> =
      Symbol.asyncIterator in stream ? stream[Symbol.asyncIterator]() : stream[Symbol.iterator]();
    const bytes: AsyncIterator<Uint8Array> = {
      async next() {
        const { value, done } = await iterator.next();
        if (done === true) return { value: undefined, done: true };
        return { value: typeof value === 'string' ? Buffer.from(value, 'utf8') : value, done: false };
      },
      async return() {
        await iterator.return?.();
        return { value: undefined, done: true };
      },
    };
    return new ByteInput(path, null, null, bytes, chunkSize);
  }

  /** How the file is named in messages. */
  get name(): string {
    return this.path === '-' ? 'stdin' : this.path;
  }

  /** Random access is possible (a regular file, or a stream taken into memory). */
  get seekable(): boolean {
    return (this.file !== null && this.size !== null) || this.memory !== null;
  }

  /**
   * A stream read whole into memory, as a new seekable input over the same bytes (this one is spent): a zip's
   * directory is at its end, and the stream cannot be read twice. Never written anywhere (DESIGN §1.1). Only
   * before anything has been consumed (peek() is fine: peeked bytes are given back). The new input hashes and
   * counts the bytes as they are read again. E_SOURCE_OPEN beyond `maxBytes`.
   */
  async toMemory(maxBytes = MAX_IN_MEMORY_BYTES): Promise<ByteInput> {
    if (this.seekable) return this;
    let given = 0;
    for (const chunk of this.pushedBack) given += chunk.length;
    if (given !== this.total) throw new Error('toMemory() needs a stream of which nothing has been consumed');
    // pushedBack is a stack: its last element is the next to be read.
    const chunks = [...this.pushedBack].reverse();
    this.pushedBack.length = 0;
    let length = given;
    for (;;) {
      const chunk = await this.readRaw();
      if (chunk === null) break;
      length += chunk.length;
      if (length > maxBytes) {
        await this.close();
        throw new VigieError(
          'E_SOURCE_OPEN',
          `${this.name} holds more than ${Math.floor(maxBytes / 1024 / 1024)} MiB of xlsx, which is read into memory ` +
            '(a zip is read from its end): give the file by its path instead',
        );
      }
      chunks.push(chunk);
    }
    await this.close();
    const whole = new ByteInput(this.path, length, null, null, this.chunkSize);
    whole.memory = concatBytes(chunks);
    return whole;
  }

  /** The next bytes of the file, or null at the end. Every byte is hashed exactly once. */
  async read(): Promise<Uint8Array | null> {
    const back = this.pushedBack.pop();
    if (back !== undefined) return back;
    const chunk = await this.readRaw();
    if (chunk === null) {
      this.digest ??= this.hash.digest('hex');
      return null;
    }
    this.hash.update(chunk);
    this.total += chunk.length;
    return chunk;
  }

  /** Gives bytes back, to be returned by the next read() (already hashed and counted). */
  unread(chunk: Uint8Array): void {
    if (chunk.length > 0) this.pushedBack.push(chunk);
  }

  /** The first `n` bytes to come (fewer at the end of the file), without consuming them. */
  async peek(n: number): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    let total = 0;
    while (total < n) {
      const chunk = await this.read();
      if (chunk === null) break;
      chunks.push(chunk);
      total += chunk.length;
    }
    for (let i = chunks.length - 1; i >= 0; i--) this.unread(chunks[i] as Uint8Array);
    return concatBytes(chunks).subarray(0, n);
  }

  /** Reads `length` bytes at `offset` without moving the sequential reading (regular files only). */
  async readAt(offset: number, length: number): Promise<Uint8Array> {
    if (this.memory !== null) return this.memory.subarray(offset, Math.min(offset + length, this.memory.length));
    if (this.file === null) throw new Error('readAt needs a regular file');
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.file.read(out, done, length - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return out.subarray(0, done);
  }

  bytesRead(): number {
    return this.total;
  }

  /** Hex SHA-256 of the whole file, or null until read() has returned null. */
  sha256(): string | null {
    return this.digest;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.memory = null;
    if (this.file !== null) await this.file.close();
    else if (this.path !== '-') await this.stream?.return?.();
  }

  private async readRaw(): Promise<Uint8Array | null> {
    // Reading on after close() would look like the end of the file and cut the rows short.
    if (this.closed) throw new Error(`${this.name} was closed before being read to the end`);
    if (this.memory !== null) {
      const chunk = this.memory.subarray(this.position, Math.min(this.position + this.chunkSize, this.memory.length));
      this.position += chunk.length;
      return chunk.length === 0 ? null : chunk;
    }
    if (this.file !== null) {
      const buffer = Buffer.allocUnsafe(this.chunkSize);
      // A pipe or FIFO given by path cannot be read at a position: read it where it stands.
      const { bytesRead } = await this.file.read(buffer, 0, this.chunkSize, this.size === null ? null : this.position);
      this.position += bytesRead;
      return bytesRead === 0 ? null : buffer.subarray(0, bytesRead);
    }
    let chunk = this.pending;
    this.pending = null;
    while (chunk === null || chunk.length === 0) {
      const next = await (this.stream as AsyncIterator<Uint8Array>).next();
      if (next.done === true) return null;
      chunk = next.value;
    }
    if (chunk.length > this.chunkSize) {
      this.pending = chunk.subarray(this.chunkSize);
      chunk = chunk.subarray(0, this.chunkSize);
    }
    return chunk;
  }
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return code ?? 'unknown error';
  }
}

export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
