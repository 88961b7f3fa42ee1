// Decodes a CSV's bytes to text read by read, detecting UTF-8 (with or without BOM) or
// Windows-1252, and never holding more than the reader's look-ahead.
//
// The choice: until the first non-ASCII byte both encodings agree, so nothing is decided. The source
// reads up to 1 MiB ahead when it opens the file and decides on all the non-ASCII bytes in it
// (`decideFrom`); if they are all ASCII, the decision is taken on the first read that holds a
// non-ASCII byte, from every byte of that read: all valid strict UTF-8 -> UTF-8, else
// Windows-1252 (where every byte is valid, so that choice is never contradicted). A UTF-8 choice
// contradicted later means a file mixing two encodings: the decoder returns the text up to the bad
// byte and says so, and the source fails with E_SOURCE_ENCODING naming the line, rather than
// silently garbling names that would then never match what a person types.

export type TextEncodingName = 'utf-8' | 'windows-1252';

export interface Decoded {
  text: string;
  /** True when a byte sequence that is not UTF-8 follows `text` in a file decided as UTF-8. */
  invalid: boolean;
}

const EMPTY = new Uint8Array(0);

export class SourceDecoder {
  encoding: TextEncodingName | null = null;
  /** The 0-3 bytes of a UTF-8 sequence split by the end of the previous read. */
  private carry: Uint8Array = EMPTY;
  private atStart = true;
  // ignoreBOM: each decode() call is a whole stream for TextDecoder, which would otherwise drop a
  // U+FEFF found at the start of any read, not only at the start of the file.
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  /**
   * Decides the encoding from the first bytes of the file (all of them, not only the first read),
   * when they say anything: a BOM, or non-ASCII bytes that are or are not all valid UTF-8.
   */
  decideFrom(head: Uint8Array, final: boolean): void {
    if (this.encoding !== null) return;
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
      this.encoding = 'utf-8';
      return;
    }
    const first = firstNonAscii(head);
    if (first < 0) return;
    const { valid, invalid } = utf8Evidence(head, first);
    const cutAtEnd = checkUtf8(head, first).incompleteAt >= 0;
    if (valid === 0 && invalid === 0) {
      if (final && cutAtEnd) this.encoding = 'windows-1252';
      return; // only a sequence cut by the end of the lookahead: let decode() wait for the rest
    }
    // Windows-1252 French text makes an invalid sequence of almost every accented letter, and a
    // valid one only by a rare coincidence (an accented capital followed by a curly quote). A
    // head with both is a coincidence in 1252 text, or a file mixing encodings: then the majority
    // decides, and a UTF-8 decision fails at the first line that contradicts it.
    this.encoding = valid > invalid ? 'utf-8' : 'windows-1252';
  }

  decode(chunk: Uint8Array, final: boolean): Decoded {
    let data = this.carry.length > 0 ? concat(this.carry, chunk) : chunk;
    this.carry = EMPTY;
    if (this.atStart) {
      if (data.length < 3 && !final) {
        this.carry = data.slice();
        return { text: '', invalid: false };
      }
      this.atStart = false;
      if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
        this.encoding = 'utf-8';
        data = data.subarray(3);
      }
    }
    if (this.encoding === null) {
      const first = firstNonAscii(data);
      if (first < 0) return { text: this.utf8.decode(data), invalid: false };
      const { valid, invalid } = utf8Evidence(data, first);
      if (valid === 0 && invalid === 0) {
        // The only non-ASCII bytes are a sequence cut by the end of this read: wait for the rest.
        if (!final) {
          this.carry = data.slice(first);
          return { text: this.utf8.decode(data.subarray(0, first)), invalid: false };
        }
        this.encoding = 'windows-1252';
      } else {
        this.encoding = valid > invalid ? 'utf-8' : 'windows-1252';
      }
    }
    if (this.encoding === 'windows-1252') return { text: decodeWindows1252(data), invalid: false };
    return this.decodeUtf8(data, final);
  }

  private decodeUtf8(data: Uint8Array, final: boolean): Decoded {
    const end = final ? data.length : completeLength(data);
    if (end < data.length) this.carry = data.slice(end);
    const body = end < data.length ? data.subarray(0, end) : data;
    try {
      return { text: this.utf8.decode(body), invalid: false };
    } catch {
      const check = checkUtf8(body, 0);
      const bad = check.invalidAt >= 0 ? check.invalidAt : Math.max(check.incompleteAt, 0);
      this.carry = EMPTY;
      return { text: this.utf8.decode(body.subarray(0, bad)), invalid: true };
    }
  }
}

/**
 * Windows-1252 as the WHATWG Encoding Standard defines it. Not `new TextDecoder('windows-1252')`:
 * Node 20 decodes that label as ISO-8859-1, turning € and œ into C1 control characters.
 */
const CP1252_80_9F =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

export function decodeWindows1252(data: Uint8Array): string {
  const latin1 = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
  return latin1.replace(/[\x80-\x9f]/g, (c) => CP1252_80_9F.charAt(c.charCodeAt(0) - 0x80));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export function firstNonAscii(data: Uint8Array, from = 0): number {
  for (let i = from; i < data.length; i++) if ((data[i] as number) >= 0x80) return i;
  return -1;
}

/** Length of `data` without a UTF-8 sequence cut at its end (checks the last 3 bytes only). */
function completeLength(data: Uint8Array): number {
  const n = data.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = data[n - back] as number;
    if (b < 0x80) return n;
    if (b >= 0xc0) {
      const needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return needed > back ? n - back : n;
    }
  }
  return n;
}

/**
 * Length of the strictly valid UTF-8 sequence at `i` (WHATWG: no overlongs, surrogates or code
 * points above U+10FFFF): 1 for ASCII, 2 to 4, 0 if invalid, -1 if cut by the end of the data.
 */
function sequenceAt(data: Uint8Array, i: number): number {
  const b = data[i] as number;
  if (b < 0x80) return 1;
  let needed: number;
  let lower = 0x80;
  let upper = 0xbf;
  if (b >= 0xc2 && b <= 0xdf) needed = 1;
  else if (b >= 0xe0 && b <= 0xef) {
    needed = 2;
    if (b === 0xe0) lower = 0xa0;
    if (b === 0xed) upper = 0x9f;
  } else if (b >= 0xf0 && b <= 0xf4) {
    needed = 3;
    if (b === 0xf0) lower = 0x90;
    if (b === 0xf4) upper = 0x8f;
  } else return 0;
  for (let k = 1; k <= needed; k++) {
    if (i + k >= data.length) return -1;
    const c = data[i + k] as number;
    if (c < (k === 1 ? lower : 0x80) || c > (k === 1 ? upper : 0xbf)) return 0;
  }
  return needed + 1;
}

/**
 * invalidAt: index of the first invalid sequence from `from`, or -1. incompleteAt: index of a
 * sequence cut by the end of the data (valid so far), or -1.
 */
export function checkUtf8(data: Uint8Array, from: number): { invalidAt: number; incompleteAt: number } {
  for (let i = from; i < data.length; ) {
    const length = sequenceAt(data, i);
    if (length === 0) return { invalidAt: i, incompleteAt: -1 };
    if (length < 0) return { invalidAt: -1, incompleteAt: i };
    i += length;
  }
  return { invalidAt: -1, incompleteAt: -1 };
}

/** Counts valid multi-byte UTF-8 sequences and invalid bytes from `from` (a cut end is not counted). */
export function utf8Evidence(data: Uint8Array, from: number): { valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  for (let i = from; i < data.length; ) {
    if ((data[i] as number) < 0x80) {
      i++;
      continue;
    }
    const length = sequenceAt(data, i);
    if (length < 0) break;
    if (length === 0) {
      invalid++;
      i++;
    } else {
      valid++;
      i += length;
    }
  }
  return { valid, invalid };
}
