// The current index as static files (DESIGN §1.6: buckets as immutable files behind any CDN or object store):
// v1/keys, v1/index and v1/indexes/{indexId}/buckets/{hex}, byte for byte what the API answers to the same GETs, so
// that a static host can serve every read of the lookup protocol and POST /v1/evaluate stays the only dynamic route.
// The export holds only what the public API already serves: keyed tags, sealed entries and random padding.

import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { VigieError } from '../errors.js';
import { bucketHex } from '../lookup/bucket.js';
import { normalizeBucketBaseUrl, type KeysResponse, type Manifest } from '../lookup/protocol.js';
import { KEEP_PREVIOUS } from './index-builder.js';

/** What the export reads of a store; every call is awaited (SQLite answers at once, PostgreSQL with a promise). */
export interface ExportSource {
  currentIndexId(): string | null | Promise<string | null>;
  manifest(indexId: string): Manifest | null | Promise<Manifest | null>;
  bucket(indexId: string, bucket: number): Uint8Array | null | Promise<Uint8Array | null>;
}

export interface ExportOptions {
  store: ExportSource;
  /** GET /v1/keys as the server answers it (the lookup service's keys()). */
  keys: KeysResponse;
  /** The directory to write into; created if missing. An earlier export there is updated in place. */
  out: string;
  /** Written into the exported manifest: where clients fetch the buckets (see normalizeBucketBaseUrl). */
  bucketBaseUrl?: string | null;
  /** Files written at once (default 16): each is fsynced, so the disk's queue, not the CPU, sets the pace. */
  concurrency?: number;
  onProgress?: (progress: { done: number; total: number; elapsedMs: number }) => void;
}

export interface ExportSummary {
  indexId: string;
  out: string;
  bucketBaseUrl: string | null;
  /** Buckets of the index (2^bucketBits). */
  buckets: number;
  /** Written by this run. */
  bucketsWritten: number;
  /** Already in `out` from an earlier run on the same index (immutable: same id, same bytes). */
  bucketsPresent: number;
  /** Bytes written by this run: bucket files and the two JSON files. */
  bytesWritten: number;
  /** Bytes of the exported index in all: its buckets and the two JSON files. */
  bytesTotal: number;
  /** The index the directory announced before this run, kept for clients in the middle of a check; null if none. */
  previousIndexId: string | null;
  /** Older index versions removed from `out`. */
  pruned: string[];
  durationMs: number;
}

const INDEX_ID = /^[0-9a-f]{32}$/;

/** The relative paths of the export, as the API routes name the same resources. */
export const EXPORT_PATHS = {
  keys: 'v1/keys',
  index: 'v1/index',
  indexes: 'v1/indexes',
  bucket: (indexId: string, hex: string) => `v1/indexes/${indexId}/buckets/${hex}`,
} as const;

/**
 * Writes the current index into `options.out`. Order matters to a client reading the directory while it changes:
 * every bucket first, then v1/keys, then v1/index, each file through a temporary name and a rename (atomic on POSIX
 * file systems), so that a manifest is never visible before its buckets. Then the versions older than the previous
 * manifest's are removed: a client that read the previous manifest a moment ago still finds its buckets.
 */
export async function exportIndex(options: ExportOptions): Promise<ExportSummary> {
  const started = performance.now();
  const { store, out } = options;
  const bucketBaseUrl = options.bucketBaseUrl === undefined || options.bucketBaseUrl === null ? null : checkedBaseUrl(options.bucketBaseUrl);
  const indexId = await store.currentIndexId();
  if (indexId === null) throw new VigieError('E_NO_INDEX', 'no index has been published yet: run "vigie ingest" first');
  const stored = await store.manifest(indexId);
  if (stored === null) throw new VigieError('E_STORE', `the current index ${indexId} has no manifest in the store`);
  if (!options.keys.keys.some((k) => k.keyId === stored.keyId)) {
    throw new VigieError('E_KEY_FILE', `the index was built with key ${stored.keyId}, which the key file does not hold`);
  }
  const manifest: Manifest = bucketBaseUrl === null ? stored : { ...stored, bucketBaseUrl };
  const bucketCount = 2 ** manifest.bucketBits;
  const bucketBytes = manifest.entrySize * manifest.entriesPerBucket;

  const bucketDir = join(out, 'v1', 'indexes', indexId, 'buckets');
  await writable(out, () => mkdir(bucketDir, { recursive: true }));
  const previousIndexId = await announcedIndexId(join(out, EXPORT_PATHS.index));

  let next = 0;
  let done = 0;
  let written = 0;
  let bytesWritten = 0;
  const report = (): void => options.onProgress?.({ done, total: bucketCount, elapsedMs: performance.now() - started });
  const worker = async (): Promise<void> => {
    for (let bucket = next++; bucket < bucketCount; bucket = next++) {
      const path = join(bucketDir, bucketHex(bucket, manifest.bucketBits));
      // A file of the right size at this path was renamed there whole by an earlier run (never written in place), and
      // an index id names immutable bytes: keeping it lets a re-run finish an interrupted export, and leaves the files
      // (and their modification times) of an unchanged index alone for whatever syncs the directory to a host.
      if ((await sizeOf(path)) !== bucketBytes) {
        const data = await store.bucket(indexId, bucket);
        if (data === null) throw new VigieError('E_STORE', `index ${indexId}: bucket ${bucket} is missing from the store`);
        if (data.length !== bucketBytes) {
          throw new VigieError('E_STORE', `index ${indexId}: bucket ${bucket} holds ${data.length} bytes, the manifest says ${bucketBytes}`);
        }
        await writable(out, () => writeFileAtomic(path, data));
        written++;
        bytesWritten += data.length;
      }
      done++;
      if (done % 256 === 0) report();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 16) }, worker));
  report();
  // The renames of the buckets reach the disk before the manifest that points at them.
  await writable(out, () => fsyncDir(bucketDir));

  const keysJson = Buffer.from(JSON.stringify(options.keys));
  const manifestJson = Buffer.from(JSON.stringify(manifest));
  await writable(out, () => writeFileAtomic(join(out, EXPORT_PATHS.keys), keysJson));
  await writable(out, () => writeFileAtomic(join(out, EXPORT_PATHS.index), manifestJson));
  await writable(out, () => fsyncDir(join(out, 'v1')));
  bytesWritten += keysJson.length + manifestJson.length;

  // DIR held no manifest, or one of another index: keep that one (and the new one), remove older ones. A re-export of
  // the index already announced changes nothing that a client could be reading, so it removes nothing.
  const pruned: string[] = [];
  if (previousIndexId !== indexId) {
    const keep = new Set([indexId, ...(previousIndexId === null ? [] : [previousIndexId])].slice(0, 1 + KEEP_PREVIOUS));
    for (const name of await readdir(join(out, EXPORT_PATHS.indexes))) {
      // Only directories named as an index id are ours to remove; anything else in DIR is left as found.
      if (!INDEX_ID.test(name) || keep.has(name)) continue;
      await writable(out, () => rm(join(out, EXPORT_PATHS.indexes, name), { recursive: true, force: true }));
      pruned.push(name);
    }
  }
  return {
    indexId,
    out,
    bucketBaseUrl,
    buckets: bucketCount,
    bucketsWritten: written,
    bucketsPresent: bucketCount - written,
    bytesWritten,
    bytesTotal: bucketCount * bucketBytes + keysJson.length + manifestJson.length,
    previousIndexId,
    pruned: pruned.sort(),
    durationMs: Math.round(performance.now() - started),
  };
}

function checkedBaseUrl(value: string): string {
  try {
    return normalizeBucketBaseUrl(value);
  } catch (error) {
    throw new VigieError('E_USAGE', `--bucket-base-url: ${(error as Error).message} (e.g. https://cdn.example.fr/vigie)`, { cause: error });
  }
}

/** The indexId of the manifest an earlier export left in DIR, or null (none, or not one of ours). */
async function announcedIndexId(path: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const id = (JSON.parse(text) as { indexId?: unknown }).indexId;
    return typeof id === 'string' && INDEX_ID.test(id) ? id : null;
  } catch {
    return null;
  }
}

async function sizeOf(path: string): Promise<number | null> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : null;
  } catch {
    return null;
  }
}

/**
 * Writes `data` to a temporary name beside `path`, flushes it to the disk, then renames it over `path`: a reader sees
 * the old file or the whole new one, never a part, and a crash leaves at most a stray temporary file.
 */
async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const file = await open(temp, 'wx', 0o644);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

async function fsyncDir(path: string): Promise<void> {
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** File-system failures name the directory and the system's reason (a full disk, a read-only mount). */
async function writable<T>(out: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof VigieError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new VigieError('E_CONFIG', `cannot write the export into ${out} (${code})`, { cause: error });
  }
}
