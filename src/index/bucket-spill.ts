// The index build's distribution of sealed entries by bucket (DESIGN §4: an index is uniform buckets of sealed
// entries). Entries come back from the workers in the order of y, each with its bucket; they are appended to one of
// up to 256 group files by the high bits of their bucket, then each group is read back on its own (a few MB) to
// make its buckets. A two-pass distribution sort: memory does not grow with the number of entries, and the store
// only has to give its identifiers in key order, which needs no sort.
//
// The files hold sealed entries only (a keyed tag and AES-256-GCM ciphertext, exactly what the published buckets
// hold). Each is unlinked as soon as it is opened, so that a crash leaves nothing behind: the open descriptor keeps
// it until the build closes it.

import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Bytes of each record before its entry: the bucket number, little-endian. */
export const RECORD_HEADER = 4;
const MAX_GROUPS = 256;
const BUFFER_BYTES = 64 * 1024;

export interface BucketSpill {
  readonly groups: number;
  /** Buckets per group (the last group may hold fewer when the bucket count is not a multiple). */
  readonly bucketsPerGroup: number;
  /** Real entries per bucket so far. */
  readonly counts: Uint32Array;
  /** Appends `buckets.length` entries of `entrySize` bytes each, entry i in bucket `buckets[i]`. */
  add(buckets: Uint32Array, entries: Uint8Array): void;
  /** A group's records (header + entry each) in the order they were added; the spill must be finished. */
  readGroup(group: number): Uint8Array;
  /** Writes out what is buffered: no add after this. */
  finish(): void;
  close(): void;
}

export function createBucketSpill(bucketCount: number, entrySize: number, dir: string = tmpdir()): BucketSpill {
  if (!Number.isInteger(bucketCount) || bucketCount < 1) throw new RangeError(`"bucketCount" expected a positive integer, got ${bucketCount}`);
  const groups = Math.min(bucketCount, MAX_GROUPS);
  const bucketsPerGroup = Math.ceil(bucketCount / groups);
  const recordSize = RECORD_HEADER + entrySize;
  const perBuffer = Math.max(1, Math.floor(BUFFER_BYTES / recordSize));
  const counts = new Uint32Array(bucketCount);
  const home = mkdtempSync(join(dir, 'vigie-build-'));
  const fds: number[] = [];
  try {
    for (let g = 0; g < groups; g++) {
      const path = join(home, `group-${g}`);
      fds.push(openSync(path, 'w+', 0o600));
      unlinkSync(path);
    }
  } catch (error) {
    for (const fd of fds) closeSync(fd);
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
  rmSync(home, { recursive: true, force: true });
  const buffers = Array.from({ length: groups }, () => Buffer.allocUnsafe(perBuffer * recordSize));
  const filled = new Uint32Array(groups);
  const sizes = new Array<number>(groups).fill(0);
  let finished = false;
  let closed = false;

  const flush = (g: number): void => {
    const bytes = filled[g]! * recordSize;
    let written = 0;
    while (written < bytes) written += writeSync(fds[g]!, buffers[g]!, written, bytes - written);
    sizes[g]! += bytes;
    filled[g] = 0;
  };

  return {
    groups,
    bucketsPerGroup,
    counts,
    add(buckets, entries) {
      if (finished) throw new Error('bucket spill: add after finish');
      if (entries.length !== buckets.length * entrySize) throw new RangeError('bucket spill: entries and buckets disagree in number');
      for (let i = 0; i < buckets.length; i++) {
        const bucket = buckets[i]!;
        if (bucket >= bucketCount) throw new RangeError(`bucket spill: bucket ${bucket} is out of range`);
        counts[bucket]!++;
        const g = Math.floor(bucket / bucketsPerGroup);
        const buffer = buffers[g]!;
        const at = filled[g]! * recordSize;
        buffer.writeUInt32LE(bucket, at);
        buffer.set(entries.subarray(i * entrySize, (i + 1) * entrySize), at + RECORD_HEADER);
        if (++filled[g]! === perBuffer) flush(g);
      }
    },
    finish() {
      if (finished) return;
      for (let g = 0; g < groups; g++) if (filled[g]! > 0) flush(g);
      finished = true;
    },
    readGroup(group) {
      if (!finished) throw new Error('bucket spill: read before finish');
      const out = new Uint8Array(sizes[group]!);
      let read = 0;
      while (read < out.length) {
        const n = readSync(fds[group]!, out, read, out.length - read, read);
        if (n === 0) throw new Error(`bucket spill: group ${group} ended after ${read} of ${out.length} bytes`);
        read += n;
      }
      return out;
    },
    close() {
      if (closed) return;
      closed = true;
      for (const fd of fds) closeSync(fd);
    },
  };
}
