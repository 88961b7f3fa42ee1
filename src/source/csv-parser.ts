// An incremental RFC 4180 parser: text goes in by pieces of any size, records come out with the
// physical line they start on. It keeps only the unfinished record between pieces.
//
// Beyond RFC 4180, as real exports need:
// - line breaks CRLF, LF or CR, inside quotes too; a last line without a line break;
// - blank records (only whitespace and delimiters) are skipped, and counted in line numbers;
// - cells are trimmed; missing trailing cells are ''; extra trailing cells that are empty are dropped
//   (a trailing delimiter); extra cells with content make an error row ('expected 32 fields, got 35');
// - text after a closing quote on the same line (`"Dupont" Jean`) is kept, as spreadsheets do;
// - a stray quote must not swallow the rest of the file: a quoted field still open at the end of the
//   file or after `maxRecordChars`, or a record spanning several lines that comes out wrong (too
//   many fields, text after a closing quote), is reported as an error row on its first line and
//   parsing resumes on the next physical line, so that the records after it are still read.

import type { Delimiter } from './dialect.js';
import type { SourceRow } from './types.js';

const LF = 10;
const CR = 13;
const QUOTE = 34;
const SPACE = 32;
const TAB = 9;

/** Longest record kept in memory while looking for its end (characters). */
export const MAX_RECORD_CHARS = 1 << 20;

type Parsed =
  | { kind: 'need' }
  | { kind: 'done'; end: number; fields: string[]; breaks: number; quoteError: string | undefined }
  | { kind: 'open'; fields: string[] };

const NEED: Parsed = { kind: 'need' };

export class CsvParser {
  /** The first non-blank record, once parsed (its trailing empty cells removed). */
  header: SourceRow | null = null;
  private width = 0;
  private buf = '';
  private line = 1;
  /** Discarding the rest of an over-long line already reported. */
  private skipping = false;
  private readonly delimiter: string;
  private readonly delimiterCode: number;

  constructor(
    delimiter: Delimiter | null,
    private readonly maxRecordChars = MAX_RECORD_CHARS,
    /** The text starts with Excel's `sep=;` line, which is not the header: skip it. */
    private sepLine = false,
  ) {
    this.delimiter = delimiter ?? '';
    this.delimiterCode = delimiter === null ? -1 : delimiter.charCodeAt(0);
  }

  /** Parses `text` (the next piece); complete data records are appended to `out`. */
  push(text: string, final: boolean, out: SourceRow[]): void {
    const buf = this.buf.length === 0 ? text : this.buf + text;
    const len = buf.length;
    let pos = 0;
    let line = this.line;
    if (this.skipping) {
      const end = firstBreak(buf, 0);
      if (end < 0) {
        this.buf = '';
        return;
      }
      this.skipping = false;
      pos = end; // the break itself is consumed below, as an empty line, which counts the line
    }
    // Next LF, CR, quote and delimiter at or after pos (len when none): searched once, not per
    // record, so that a character absent from the rest of the text is not looked for again.
    let nextLF = -1;
    let nextCR = -1;
    let nextQuote = -1;
    let nextDelimiter = this.delimiterCode < 0 ? len : -1;
    while (pos < len) {
      if (nextLF < pos) nextLF = indexOrEnd(buf, '\n', pos);
      if (nextCR < pos) nextCR = indexOrEnd(buf, '\r', pos);
      if (nextQuote < pos) nextQuote = indexOrEnd(buf, '"', pos);
      const eol = nextLF < nextCR ? nextLF : nextCR;
      if (nextQuote >= eol) {
        // Fast path: a record on one physical line with no quote.
        if (eol === len && !final) {
          if (len - pos > this.maxRecordChars) {
            this.reject(line, `line longer than ${this.maxRecordChars} characters`, [], out);
            this.skipping = true;
            pos = len;
          }
          break;
        }
        let next = eol + 1;
        if (eol < len && buf.charCodeAt(eol) === CR) {
          if (eol + 1 < len) {
            if (buf.charCodeAt(eol + 1) === LF) next = eol + 2;
          } else if (!final) break; // an LF may follow in the next piece
        }
        if (eol - pos > this.maxRecordChars) {
          // Held to the limit also when the whole line came in one read, so that the verdict does not depend on
          // where reads happen to cut the file (a file and the same bytes piped through stdin give the same rows).
          this.reject(line, `line longer than ${this.maxRecordChars} characters`, [], out);
        } else if (eol > pos) {
          // Cut on the delimiter in place (faster than slice + split, and no quote to care for).
          const cells: string[] = [];
          let from = pos;
          for (;;) {
            if (nextDelimiter < from) nextDelimiter = indexOrEnd(buf, this.delimiter, from);
            const end = nextDelimiter < eol ? nextDelimiter : eol;
            cells.push(buf.slice(from, end));
            if (end === eol) break;
            from = end + 1;
          }
          this.accept(cells, line, false, undefined, out);
        }
        line++;
        pos = next;
        continue;
      }
      let parsed = parseRecord(buf, pos, final, this.delimiterCode);
      if (parsed.kind === 'need') {
        if (len - pos <= this.maxRecordChars) break;
        parsed = parseRecord(buf, pos, true, this.delimiterCode);
        if (parsed.kind === 'done') {
          pos = this.recover(buf, pos, line, `record longer than ${this.maxRecordChars} characters`, parsed.fields, out);
          continue;
        }
      }
      if (parsed.kind === 'open') {
        pos = this.recover(buf, pos, line, 'unterminated quoted field', parsed.fields, out);
        continue;
      }
      if (parsed.kind === 'need') break; // unreachable: a forced parse always ends
      if (parsed.end - pos > this.maxRecordChars) {
        // As above: a long record is an error whether or not one read held it whole.
        pos = this.recover(buf, pos, line, `record longer than ${this.maxRecordChars} characters`, parsed.fields, out);
        continue;
      }
      const error = this.accept(parsed.fields, line, parsed.breaks > 0, parsed.quoteError, out);
      if (error !== undefined) {
        pos = this.recover(buf, pos, line, error, parsed.fields, out);
        continue;
      }
      line += 1 + parsed.breaks;
      pos = parsed.end;
    }
    this.buf = pos >= len ? '' : buf.slice(pos);
    this.line = line;
  }

  /** The physical line the next character pushed would be on (for error messages). */
  lineAtEnd(): number {
    return this.line + countBreaks(this.buf, 0, this.buf.length);
  }

  /**
   * Trims and checks a record and appends it to `out` (or keeps it as the header). Returns an error
   * instead when the record spans several lines and came out wrong: the caller then recovers.
   */
  private accept(
    fields: string[],
    line: number,
    multiline: boolean,
    quoteError: string | undefined,
    out: SourceRow[],
  ): string | undefined {
    let filled = false;
    for (let i = 0; i < fields.length; i++) {
      let cell = fields[i] as string;
      const n = cell.length;
      if (n === 0) continue;
      // trim() only when an end may be whitespace: most cells have none, and trim() costs.
      if (mayBeSpace(cell.charCodeAt(0)) || mayBeSpace(cell.charCodeAt(n - 1))) {
        cell = cell.trim();
        fields[i] = cell;
      }
      if (cell.length > 0) filled = true;
    }
    if (!filled && quoteError === undefined) return undefined; // a blank record
    if (this.sepLine) {
      this.sepLine = false;
      if (fields[0]?.toLowerCase() === 'sep=' && !multiline) return undefined;
    }
    if (this.header === null) {
      let width = fields.length;
      while (width > 0 && fields[width - 1] === '') width--;
      fields.length = width;
      this.header = quoteError === undefined ? { line, cells: fields } : { line, cells: fields, error: quoteError };
      this.width = width;
      return undefined;
    }
    const width = this.width;
    let error = quoteError;
    if (fields.length > width) {
      let extra = false;
      for (let i = width; i < fields.length; i++) {
        if (fields[i] !== '') {
          extra = true;
          break;
        }
      }
      if (extra) error ??= `expected ${width} fields, got ${fields.length}`;
      else fields.length = width;
    } else {
      while (fields.length < width) fields.push('');
    }
    if (error !== undefined && multiline) return error;
    out.push(error === undefined ? { line, cells: fields } : { line, cells: fields, error });
    return undefined;
  }

  /**
   * Reports the record starting at `start` as an error row on its first line, and returns where to
   * resume: the line break ending that first line (consumed by the caller as a blank line).
   */
  private recover(buf: string, start: number, line: number, error: string, cells: string[], out: SourceRow[]): number {
    this.reject(line, error, cells, out);
    const end = firstBreak(buf, start);
    if (end >= 0) return end;
    this.skipping = true;
    return buf.length;
  }

  private reject(line: number, error: string, cells: string[], out: SourceRow[]): void {
    const trimmed = cells.map((cell) => cell.trim());
    if (this.header === null) {
      this.header = { line, cells: trimmed, error };
      this.width = trimmed.length;
      return;
    }
    while (trimmed.length < this.width) trimmed.push('');
    out.push({ line, cells: trimmed, error });
  }
}

/** False only for characters that String.prototype.trim() certainly keeps. */
function mayBeSpace(c: number): boolean {
  return c <= 32 || (c >= 127 && c <= 160) || c >= 0x1680;
}

function indexOrEnd(buf: string, search: string, from: number): number {
  const i = buf.indexOf(search, from);
  return i < 0 ? buf.length : i;
}

function firstBreak(buf: string, from: number): number {
  const lf = buf.indexOf('\n', from);
  const cr = buf.indexOf('\r', from);
  if (lf < 0) return cr;
  if (cr < 0) return lf;
  return lf < cr ? lf : cr;
}

/** Line breaks (CRLF, LF or CR) in buf[from, to). */
function countBreaks(buf: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = buf.charCodeAt(i);
    if (c === LF) n++;
    else if (c === CR) {
      n++;
      if (i + 1 < to && buf.charCodeAt(i + 1) === LF) i++;
    }
  }
  return n;
}

/**
 * Parses one record that holds a quote, from `start`. 'need': the record may continue in the next
 * piece. 'open': a quoted field is still open at the end (with `final`), with the fields read so
 * far and the open field's text up to the end of its line.
 */
function parseRecord(buf: string, start: number, final: boolean, delimiter: number): Parsed {
  const len = buf.length;
  const fields: string[] = [];
  let p = start;
  let breaks = 0;
  let quoteError: string | undefined;
  for (;;) {
    let q = p;
    let c = q < len ? buf.charCodeAt(q) : -1;
    while ((c === SPACE || c === TAB) && c !== delimiter) c = ++q < len ? buf.charCodeAt(q) : -1;
    if (c === QUOTE) {
      let value = '';
      let from = q + 1;
      let fieldBreaks = 0;
      for (;;) {
        const close = buf.indexOf('"', from);
        if (close < 0 || (close + 1 >= len && !final)) {
          if (!final) return NEED;
          if (close < 0) {
            const lineEnd = firstBreak(buf, q + 1);
            fields.push(buf.slice(q + 1, lineEnd < 0 ? len : lineEnd));
            return { kind: 'open', fields };
          }
        }
        fieldBreaks += countBreaks(buf, from, close);
        if (close + 1 < len && buf.charCodeAt(close + 1) === QUOTE) {
          value += buf.slice(from, close + 1);
          from = close + 2;
          continue;
        }
        value += buf.slice(from, close);
        p = close + 1;
        break;
      }
      breaks += fieldBreaks;
      let k = p;
      while (k < len) {
        const d = buf.charCodeAt(k);
        if (d === delimiter || d === LF || d === CR) break;
        k++;
      }
      if (k > p) {
        const after = buf.slice(p, k);
        if (after.trim() !== '') {
          value += after;
          if (fieldBreaks > 0) quoteError = 'unexpected text after a closing quote';
        }
        p = k;
      }
      fields.push(value);
    } else {
      let k = p;
      while (k < len) {
        const d = buf.charCodeAt(k);
        if (d === delimiter || d === LF || d === CR) break;
        k++;
      }
      fields.push(buf.slice(p, k));
      p = k;
    }
    if (p >= len) {
      if (!final) return NEED;
      return { kind: 'done', end: len, fields, breaks, quoteError };
    }
    const t = buf.charCodeAt(p);
    if (t === delimiter) {
      p++;
      continue;
    }
    // t is CR or LF: the record ends.
    if (t === CR) {
      if (p + 1 >= len && !final) return NEED;
      return { kind: 'done', end: buf.charCodeAt(p + 1) === LF ? p + 2 : p + 1, fields, breaks, quoteError };
    }
    return { kind: 'done', end: p + 1, fields, breaks, quoteError };
  }
}
