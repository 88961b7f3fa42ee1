// Red team, offline (DESIGN §1.3 "No offline enumeration"; docs/threat-model.md, parties "CDN" and "database
// thief"): an attacker downloads every bucket of the index through the public API, or steals the SQLite file, and
// knows the identifiers of every person of the leak (the worst case: he holds the leaked file itself). Without the
// OPRF key he must not be able to confirm a single one. The same attacks run with the key as a positive control, so
// that a test which cannot fail would show up here as zero confirmations on both sides.

import { createDecipheriv, createHash, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVoprfServer, generateSecretKey, type VoprfServer } from '../../src/crypto/voprf-server.js';
import { buildTarget, canonicalsOf, portOf, type Target } from './harness.js';

const encoder = new TextEncoder();

let target: Target;
/** Every identifier of every person of the leak, canonical (DESIGN §4): what the attacker wants to confirm. */
let members: string[];
let base: string;
/** The attacker's dump: every bucket of the current index, by number. */
const dump = new Map<number, Buffer>();
let manifest: { indexId: string; bucketBits: number; entrySize: number; entriesPerBucket: number };
/** Tag (hex) of every entry of the dump, real or dummy. */
const tags = new Set<string>();

beforeAll(async () => {
  target = await buildTarget({ synthRows: 1000, seed: 'attack-offline' });
  members = [...new Set(target.truth.filter((p) => !p.unusable).flatMap(canonicalsOf))];
  const app = target.app({ rateLimit: null });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${portOf(app)}`;
  // The dump, through the public API only: what a CDN, a cache or anyone patient holds (DESIGN §4 "Wire").
  manifest = (await (await fetch(`${base}/v1/index`)).json()) as typeof manifest;
  const digits = Math.ceil(manifest.bucketBits / 4);
  for (let b = 0; b < 2 ** manifest.bucketBits; b++) {
    const hex = (b * 2 ** (digits * 4 - manifest.bucketBits)).toString(16).padStart(digits, '0');
    const response = await fetch(`${base}/v1/indexes/${manifest.indexId}/buckets/${hex}`);
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    dump.set(b, bytes);
    for (let offset = 0; offset < bytes.length; offset += manifest.entrySize) tags.add(bytes.subarray(offset, offset + 16).toString('hex'));
  }
}, 120_000);

afterAll(async () => {
  await target?.close();
});

/** DESIGN §4: tag = HKDF-SHA256(ikm = y, salt = indexId, info = "vigie/v1/tag", 16 bytes), written from the spec. */
function tagOf(y: Uint8Array): string {
  return Buffer.from(hkdfSync('sha256', y, encoder.encode(manifest.indexId), 'vigie/v1/tag', 16)).toString('hex');
}

/** How many members a way of guessing y confirms against the dump. */
function confirmations(guessY: (canonical: string) => Uint8Array): number {
  return members.filter((c) => tags.has(tagOf(guessY(c)))).length;
}

/** A secret key as a 32-byte little-endian scalar. */
function scalar(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}

describe('a full bucket dump, without the key', () => {
  let honest: VoprfServer;
  beforeAll(async () => {
    honest = await createVoprfServer(target.key.secretKey);
  });

  it('is the whole index: every bucket, all of one size, for a leak of known persons', () => {
    expect(members.length).toBeGreaterThan(2500);
    expect(dump.size).toBe(2 ** manifest.bucketBits);
    expect(manifest.bucketBits).toBeGreaterThanOrEqual(5);
    for (const bytes of dump.values()) expect(bytes.length).toBe(manifest.entrySize * manifest.entriesPerBucket);
  });

  it('positive control: with the key, every member is confirmed', () => {
    expect(confirmations((c) => honest.evaluate(encoder.encode(c)))).toBe(members.length);
  });

  it('confirms no member with the y of other keys (a fresh key, the scalar 1, the public key read as a scalar)', async () => {
    const publicAsScalar = Uint8Array.from(target.key.publicKey);
    publicAsScalar[31]! &= 0x0f; // reduced below the group order, as a careless attacker would
    const keys = [generateSecretKey(), scalar(1n), publicAsScalar];
    for (const secretKey of keys) {
      const wrong = await createVoprfServer(secretKey);
      expect(confirmations((c) => wrong.evaluate(encoder.encode(c)))).toBe(0);
    }
  });

  it('confirms no member with keyless hashes of the identifier taken as y', () => {
    const guesses: ((c: string) => Uint8Array)[] = [
      (c) => createHash('sha512').update(c).digest(),
      (c) => createHash('sha256').update(c).digest(),
      (c) => createHash('sha512').update(`vigie/v1/${c}`).digest(),
      (c) => createHash('sha256').update('vigie/v1/bucket').update(c).digest(),
      (c) => encoder.encode(c),
    ];
    for (const guess of guesses) expect(confirmations(guess)).toBe(0);
  });

  it('opens no entry of a member\'s own bucket with seal keys derived from guessed y', async () => {
    const wrong = await createVoprfServer(generateSecretKey());
    const salt = encoder.encode(manifest.indexId);
    let opened = 0;
    let tried = 0;
    for (const c of members.slice(0, 120)) {
      const digest = createHash('sha256').update('vigie/v1/bucket').update(c).digest();
      const bucket = dump.get(digest.readUInt32BE(0) >>> (32 - manifest.bucketBits))!;
      for (const y of [wrong.evaluate(encoder.encode(c)), createHash('sha512').update(c).digest()]) {
        const sealKey = Buffer.from(hkdfSync('sha256', y, salt, 'vigie/v1/seal', 32));
        for (let offset = 0; offset < bucket.length; offset += manifest.entrySize) {
          const sealed = bucket.subarray(offset + 16, offset + manifest.entrySize);
          const decipher = createDecipheriv('aes-256-gcm', sealKey, Buffer.alloc(12));
          decipher.setAuthTag(sealed.subarray(sealed.length - 16));
          decipher.update(sealed.subarray(0, sealed.length - 16));
          tried++;
          try {
            decipher.final();
            opened++;
          } catch {
            // AES-GCM refuses: the key is wrong.
          }
        }
      }
    }
    expect(tried).toBeGreaterThan(10_000);
    expect(opened).toBe(0);
  });

  it('learns nothing from where entries sit or what their bytes look like: real entries and dummies are alike', () => {
    // With the key (the test's privilege, not the attacker's), tell the real entries from the dummies.
    const real = new Set(members.map((c) => tagOf(honest.evaluate(encoder.encode(c)))));
    const counts = { real: new Array<number>(256).fill(0), dummy: new Array<number>(256).fill(0) };
    let realEntries = 0;
    let dummyEntries = 0;
    for (const bytes of dump.values()) {
      let previous: Buffer | null = null;
      for (let offset = 0; offset < bytes.length; offset += manifest.entrySize) {
        const entry = bytes.subarray(offset, offset + manifest.entrySize);
        // Entries sit in byte order, so a position says nothing about which are real (index-builder.ts).
        if (previous !== null) expect(Buffer.compare(previous, entry)).toBeLessThanOrEqual(0);
        previous = entry;
        const isReal = real.has(entry.subarray(0, 16).toString('hex'));
        if (isReal) realEntries++;
        else dummyEntries++;
        const histogram = isReal ? counts.real : counts.dummy;
        for (const byte of entry) histogram[byte]!++;
      }
    }
    expect(realEntries).toBeGreaterThan(1000);
    expect(dummyEntries).toBeGreaterThan(100);
    // Pearson's chi-square against uniform bytes, 255 degrees of freedom: mean 255, sd 22.6; 400 is 6.4 sd out.
    // Padded JSON under AES-256-GCM and HKDF tags must look as uniform as the dummies' random bytes.
    for (const histogram of [counts.real, counts.dummy]) {
      const total = histogram.reduce((a, b) => a + b, 0);
      const expected = total / 256;
      const chi2 = histogram.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
      expect(chi2).toBeLessThan(400);
    }
  });

  it('gives a member and a stranger of the same bucket the same view: a bucket id is all the dump tells about anyone', () => {
    // Bucket-only information: the attacker can compute anyone's bucket, but every bucket is full and alike.
    const bucketOf = (c: string) => createHash('sha256').update('vigie/v1/bucket').update(c).digest().readUInt32BE(0) >>> (32 - manifest.bucketBits);
    const memberSet = new Set(members);
    const strangers: string[] = [];
    for (let order = 1; strangers.length < 200 && order < 999; order++) {
      const c = `nir:1850775056${String(order).padStart(3, '0')}`;
      if (!memberSet.has(c)) strangers.push(c);
    }
    const sizes = new Set([...members, ...strangers].map((c) => dump.get(bucketOf(c))!.length));
    expect(sizes.size).toBe(1);
  });
});

describe('the stolen database file, without the key file', () => {
  it('holds no identifier or value of the leak in readable form', () => {
    const bytes = Buffer.concat([readFileSync(target.dbPath), ...['-wal', '-shm'].flatMap((s) => {
      try {
        return [readFileSync(`${target.dbPath}${s}`)];
      } catch {
        return [];
      }
    })]);
    // Every personal cell of the leak file (what the thief would love to read), in the spellings of the file and
    // canonical. Short values (sex, blood group, postcodes) are left out: six bytes or more cannot occur by chance.
    const rows = target.sourceText.trim().split('\n').map((line) => line.split(';'));
    const header = rows[0]!;
    const personal = ['NOM', 'PRENOM', 'DATE_NAISSANCE', 'NOM_NAISSANCE', 'NIR', 'NOM_ASSURE', 'ADRESSE1', 'ADRESSE2', 'TEL_DOMICILE', 'TEL_PORTABLE', 'EMAIL', 'COMMENTAIRE_1', 'COMMENTAIRE_2', 'LOGIN_WEB', 'MDP_WEB'];
    const columns = personal.map((name) => header.indexOf(name)).filter((i) => i >= 0);
    expect(columns.length).toBe(personal.length);
    const needles = new Set<string>();
    for (const row of rows.slice(1)) for (const i of columns) if ((row[i] ?? '').length >= 6) needles.add(row[i]!);
    for (const c of members) needles.add(c).add(c.slice(c.indexOf(':') + 1));
    for (const p of target.truth) needles.add(p.nir.slice(0, 13)).add(p.birthDate.split('/').reverse().join('-'));
    expect(needles.size).toBeGreaterThan(5000);
    // Every 6-byte window of the file in a set first, so that only a needle whose start occurs is searched in full.
    const text = bytes.toString('latin1');
    const windows = new Set<string>();
    for (let i = 0; i + 6 <= text.length; i++) windows.add(text.slice(i, i + 6));
    const occurs = (needle: string) => windows.has(needle.slice(0, 6)) && text.includes(needle);
    const found = [...needles].filter(
      (n) => n.length >= 6 && (occurs(Buffer.from(n, 'utf8').toString('latin1')) || (/^[\u0000-\u00ff]*$/.test(n) && occurs(n))),
    );
    expect(found).toEqual([]);
    // The search does find what is there: the breach's title, written in clear on purpose.
    expect(occurs('Laboratoires 2021')).toBe(true);
  });

  it('holds y values that no keyless derivation gives, and bucket prefixes that are noise without the key', async () => {
    const db = new Database(target.dbPath, { readonly: true, fileMustExist: true });
    let rows: { y: Buffer; prefix: number }[];
    try {
      rows = db.prepare('SELECT y, prefix FROM identifiers').all() as { y: Buffer; prefix: number }[];
    } finally {
      db.close();
    }
    const stored = new Set(rows.map((r) => r.y.toString('hex')));
    const storedPrefixes = new Set(rows.map((r) => r.prefix >>> 0));
    const honest = await createVoprfServer(target.key.secretKey);
    const others = await Promise.all([generateSecretKey(), scalar(1n)].map((k) => createVoprfServer(k)));
    let withKey = 0;
    let keyless = 0;
    let prefixHits = 0;
    for (const c of members) {
      const input = encoder.encode(c);
      if (stored.has(Buffer.from(honest.evaluate(input)).toString('hex'))) withKey++;
      const guesses = [createHash('sha512').update(c).digest(), ...others.map((s) => Buffer.from(s.evaluate(input)))];
      for (const g of guesses) if (stored.has(g.toString('hex'))) keyless++;
      // The store keeps each y's bucket prefix XOR a keyed mask (evaluator-core.ts): the plain prefix must not be there.
      if (storedPrefixes.has(createHash('sha256').update('vigie/v1/bucket').update(c).digest().readUInt32BE(0))) prefixHits++;
    }
    expect(withKey).toBe(members.length);
    expect(keyless).toBe(0);
    // Chance alone: members × rows / 2^32, about 0.003 here.
    expect(prefixHits).toBe(0);
  });
});
