// Just enough of the ZIP format (APPNOTE.TXT 6.3) to find an xlsx's parts by their central
// directory on a regular file, and to inflate one part's bytes as they stream by.

import { Inflate } from 'fflate';
import type { ByteInput } from './byte-input.js';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  flags: number;
  compressedSize: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;

/** A bad package; `ZipError`s become E_SOURCE_FORMAT naming the file. */
export class ZipError extends Error {}

function u16(b: Uint8Array, i: number): number {
  return (b[i] as number) | ((b[i + 1] as number) << 8);
}

function u32(b: Uint8Array, i: number): number {
  return ((b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24)) >>> 0;
}

/**
 * Reads the central directory at the end of a regular file. Null when the file has none that this
 * reader handles (ZIP64 sizes or offsets, a directory out of bounds): the caller then streams the
 * package from its start instead.
 */
export async function readCentralDirectory(input: ByteInput): Promise<Map<string, ZipEntry> | null> {
  const size = input.size;
  if (size === null || size < 22) return null;
  const tailLength = Math.min(size, 22 + MAX_COMMENT);
  const tail = await input.readAt(size - tailLength, tailLength);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (u32(tail, i) === EOCD && i + 22 + u16(tail, i + 20) === tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) return null;
  const count = u16(tail, at + 10);
  const directorySize = u32(tail, at + 12);
  const directoryOffset = u32(tail, at + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff || directoryOffset + directorySize > size) return null;
  const directory = await input.readAt(directoryOffset, directorySize);
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > directory.length || u32(directory, p) !== CENTRAL) return null;
    const nameLength = u16(directory, p + 28);
    const entry: ZipEntry = {
      flags: u16(directory, p + 8),
      method: u16(directory, p + 10),
      compressedSize: u32(directory, p + 20),
      localHeaderOffset: u32(directory, p + 42),
      name: new TextDecoder().decode(directory.subarray(p + 46, p + 46 + nameLength)),
    };
    if (entry.compressedSize === 0xffffffff || entry.localHeaderOffset === 0xffffffff) return null;
    entries.set(entry.name.replace(/^\//, ''), entry);
    p += 46 + nameLength + u16(directory, p + 30) + u16(directory, p + 32);
  }
  return entries;
}

/** Offset of an entry's (compressed) data: after its local header, whose lengths may differ. */
export async function entryDataOffset(input: ByteInput, entry: ZipEntry): Promise<number> {
  const header = await input.readAt(entry.localHeaderOffset, 30);
  if (header.length < 30 || u32(header, 0) !== LOCAL) throw new ZipError(`${entry.name}: bad local header`);
  return entry.localHeaderOffset + 30 + u16(header, 26) + u16(header, 28);
}

/** Reads a whole entry by random access, handing its uncompressed bytes to `onData`. */
export async function readEntry(
  input: ByteInput,
  entry: ZipEntry,
  onData: (bytes: Uint8Array, final: boolean) => void,
): Promise<void> {
  const sink = inflater(entry.name, entry.method, entry.flags, onData);
  const start = await entryDataOffset(input, entry);
  const step = 256 * 1024;
  let done = 0;
  if (entry.compressedSize === 0) sink(new Uint8Array(0), true);
  while (done < entry.compressedSize) {
    const length = Math.min(step, entry.compressedSize - done);
    const bytes = await input.readAt(start + done, length);
    if (bytes.length < length) throw new ZipError(`${entry.name}: truncated`);
    done += length;
    sink(bytes, done === entry.compressedSize);
  }
}

/**
 * A push function for an entry's compressed bytes that hands on its uncompressed bytes. Deflate
 * errors (corrupt data) are thrown as ZipError.
 */
export function inflater(
  name: string,
  method: number,
  flags: number,
  onData: (bytes: Uint8Array, final: boolean) => void,
): (bytes: Uint8Array, final: boolean) => void {
  if ((flags & 1) !== 0) throw new ZipError(`${name} is encrypted`);
  if (method === 0) return onData;
  if (method !== 8) throw new ZipError(`${name} uses compression method ${method}, which is not supported`);
  let ended = false;
  const inflate = new Inflate((data, final) => {
    if (ended) return;
    ended = final;
    onData(data, final);
  });
  return (bytes, final) => {
    try {
      inflate.push(bytes, final);
    } catch (error) {
      // fflate's own errors carry a numeric code; errors from onData pass through unchanged.
      if (isFflateError(error)) throw new ZipError(`${name}: corrupt compressed data (${error.message})`);
      throw error;
    }
    if (final && !ended) {
      ended = true;
      onData(new Uint8Array(0), true);
    }
  };
}

export function isFflateError(error: unknown): error is Error {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'number';
}
