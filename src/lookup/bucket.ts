// Buckets of the lookup protocol (DESIGN §4): the first b bits of SHA-256("vigie/v1/bucket" || canonical).
// Pure arithmetic on a 32-bit prefix, shared by the index builder, the store and the lookup client.

export const BUCKET_DOMAIN = 'vigie/v1/bucket';
export const MIN_BUCKET_BITS = 4;
export const MAX_BUCKET_BITS = 24;
/** Mean real entries per bucket the builder aims at: with ~200-byte entries, padded buckets stay around 20 KB. */
export const TARGET_MEAN_ENTRIES = 64;

/** Bits of bucket for an index of `distinct` identifiers: as few as possible (a larger crowd per bucket) while the mean stays near the target. */
export function chooseBucketBits(distinct: number): number {
  let bits = MIN_BUCKET_BITS;
  while (bits < MAX_BUCKET_BITS && distinct / 2 ** bits > TARGET_MEAN_ENTRIES) bits++;
  return bits;
}

/** The bucket number (0 .. 2^bits-1) from the first 32 bits of the bucket hash, read big-endian. */
export function bucketOfPrefix(prefix32: number, bits: number): number {
  if (!Number.isInteger(bits) || bits < 1 || bits > 32) throw new RangeError(`"bits" expected 1..32, got ${bits}`);
  return Math.floor((prefix32 >>> 0) / 2 ** (32 - bits));
}

/** Lower-case hex of ceil(bits/4) digits, the unused low bits zero (DESIGN §4). */
export function bucketHex(bucket: number, bits: number): string {
  const digits = Math.ceil(bits / 4);
  const shifted = bucket * 2 ** (digits * 4 - bits);
  return shifted.toString(16).padStart(digits, '0');
}

/** Inverse of bucketHex; null when the hex is not a bucket of an index with `bits` bits. */
export function parseBucketHex(hex: string, bits: number): number | null {
  const digits = Math.ceil(bits / 4);
  if (hex.length !== digits || !/^[0-9a-f]+$/.test(hex)) return null;
  const value = parseInt(hex, 16);
  const unused = digits * 4 - bits;
  if (value % 2 ** unused !== 0) return null;
  return value / 2 ** unused;
}

/** First 32 bits (big-endian) of a digest. */
export function prefix32(digest: Uint8Array): number {
  if (digest.length < 4) throw new RangeError(`"digest" expected at least 4 bytes, got ${digest.length}`);
  return ((digest[0]! << 24) | (digest[1]! << 16) | (digest[2]! << 8) | digest[3]!) >>> 0;
}
