// Reads a CSV/TSV leak file: bytes -> text (encoding detected) -> records (delimiter sniffed), one
// read at a time, so that memory stays flat whatever the file's size.

import { VigieError } from '../errors.js';
import { concatBytes, type ByteInput } from './byte-input.js';
import { CsvParser, MAX_RECORD_CHARS } from './csv-parser.js';
import { sepLineDelimiter, sniffDelimiter, type Delimiter } from './dialect.js';
import { SourceDecoder, type TextEncodingName } from './encoding.js';
import type { RowReader } from './row-reader.js';
import type { SourceRow } from './types.js';

/** How far the reader looks ahead when it opens a file, to decide the encoding and the delimiter. */
export const LOOKAHEAD_BYTES = 1 << 20;

const EMPTY = new Uint8Array(0);

export class CsvReader implements RowReader {
  private out: SourceRow[] = [];
  private done = false;
  private failure: VigieError | null = null;

  private constructor(
    private readonly input: ByteInput,
    private readonly decoder: SourceDecoder,
    private readonly parser: CsvParser,
    readonly delimiter: Delimiter | null,
  ) {}

  /**
   * Reads up to LOOKAHEAD_BYTES, decides the encoding and the delimiter from them (a .tsv name
   * favours tab), and parses up to the header row. E_SOURCE_ENCODING for UTF-16 or binary content, E_SOURCE_HEADER without a header.
   */
  static async open(input: ByteInput): Promise<CsvReader> {
    const chunks: Uint8Array[] = [];
    let total = 0;
    let eof = false;
    while (total < LOOKAHEAD_BYTES) {
      const chunk = await input.read();
      if (chunk === null) {
        eof = true;
        break;
      }
      chunks.push(chunk);
      total += chunk.length;
    }
    const head = concatBytes(chunks);
    checkText(head, input.name);
    const decoder = new SourceDecoder();
    decoder.decideFrom(head, eof);
    // Chunks are decoded one by one, as later reads are, so that tests with tiny reads exercise
    // characters and line breaks split between reads from the first byte.
    const texts: string[] = [];
    let invalid = false;
    chunks.forEach((chunk, i) => {
      if (invalid) return;
      const decoded = decoder.decode(chunk, eof && i === chunks.length - 1);
      texts.push(decoded.text);
      invalid = decoded.invalid;
    });
    if (eof && chunks.length === 0) texts.push(decoder.decode(EMPTY, true).text);
    const start = texts.join('');
    const delimiter = sniffDelimiter(start, /\.tsv$/i.test(input.path) ? '\t' : null);
    const parser = new CsvParser(delimiter, MAX_RECORD_CHARS, sepLineDelimiter(start) !== null);
    const reader = new CsvReader(input, decoder, parser, delimiter);
    texts.forEach((text, i) => parser.push(text, eof && !invalid && i === texts.length - 1, reader.out));
    if (invalid) reader.fail(parser.lineAtEnd());
    reader.done = eof || invalid;
    while (parser.header === null && !reader.done) reader.out.push(...((await reader.step()) ?? []));
    if (parser.header === null) {
      if (reader.failure !== null) throw reader.failure;
      throw new VigieError('E_SOURCE_HEADER', `${input.name} has no header row: the file is empty or blank`);
    }
    if (parser.header.error !== undefined) {
      throw new VigieError('E_SOURCE_HEADER', `${input.name} line ${parser.header.line}: header row: ${parser.header.error}`);
    }
    return reader;
  }

  get header(): SourceRow {
    return this.parser.header as SourceRow;
  }

  /** The detected encoding; an all-ASCII file is reported as UTF-8 once read to the end. */
  get encoding(): TextEncodingName | null {
    return this.decoder.encoding ?? (this.done && this.failure === null ? 'utf-8' : null);
  }

  async next(): Promise<SourceRow[] | null> {
    if (this.out.length > 0) {
      const rows = this.out;
      this.out = [];
      return rows;
    }
    if (this.failure !== null) throw this.failure;
    if (this.done) return null;
    return this.step();
  }

  /** One read: the rows it completes (possibly none), or null after the end of the file. */
  private async step(): Promise<SourceRow[] | null> {
    if (this.done) return null;
    const chunk = await this.input.read();
    const final = chunk === null;
    const decoded = this.decoder.decode(chunk ?? EMPTY, final);
    const rows: SourceRow[] = [];
    this.parser.push(decoded.text, final && !decoded.invalid, rows);
    if (decoded.invalid) this.fail(this.parser.lineAtEnd());
    if (final || decoded.invalid) this.done = true;
    return rows;
  }

  private fail(line: number): void {
    // The rows before the bad bytes are still delivered; the error comes with the next call.
    this.failure = new VigieError(
      'E_SOURCE_ENCODING',
      `${this.input.name} line ${line}: bytes that are not UTF-8 in a file read as UTF-8 (decided from its ` +
        'first non-ASCII bytes); the file mixes encodings: convert it to a single one and retry',
    );
  }
}

/** Rejects what is not single-byte-or-UTF-8 text, with a message that says what to do. */
function checkText(head: Uint8Array, name: string): void {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new VigieError(
      'E_SOURCE_ENCODING',
      `${name} is UTF-16 text, which is not supported: save it as "CSV UTF-8" or as .xlsx`,
    );
  }
  const nul = head.indexOf(0);
  if (nul >= 0) {
    throw new VigieError(
      'E_SOURCE_ENCODING',
      `${name} holds NUL bytes (at byte ${nul}): it is binary or UTF-16 without a BOM, not CSV text`,
    );
  }
}
