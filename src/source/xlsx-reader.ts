// Reads the first worksheet of an xlsx leak file as rows, streaming its XML: the file is read once,
// front to back (and hashed), and the sheet is inflated and parsed as its bytes go by.
//
// The sheet needs the shared strings and the styles before its first cell, but writers put them
// anywhere: Excel and exceljs write the worksheets before sharedStrings.xml and styles.xml (exceljs
// even writes workbook.xml last). Two ways through:
// - a regular file: its central directory (at the end) says where each part is; the small parts and
//   the shared strings are read first by random access, then the sequential pass streams the
//   sheet. Memory: the shared-string table only, as any xlsx reader needs.
//   An xlsx from stdin is first held in memory by the source (source.ts), then read this way too.
// - a package whose directory uses ZIP64: fflate's streaming `Unzip` from the first
//   byte. A worksheet met before its workbook, rels, shared strings or styles is kept *compressed*
//   (every worksheet, until the workbook says which comes first) and inflated after the end of the
//   package. Memory then grows with the compressed sheet.
//   Unzip finds the end of an entry written with a data descriptor by looking for a signature,
//   which compressed bytes can contain by chance; the directory path above does not have that risk.

import { Unzip, type UnzipDecoder, type UnzipDecoderConstructor, type UnzipFile } from 'fflate';
import { VigieError } from '../errors.js';
import type { ByteInput } from './byte-input.js';
import { alignRow, type RowReader } from './row-reader.js';
import type { SourceRow } from './types.js';
import {
  PartError,
  SharedStringsParser,
  SheetParser,
  parseRelationships,
  parseStyles,
  parseWorkbook,
  relationshipOfType,
  relationshipsPath,
  type SheetContext,
  type WorkbookInfo,
} from './xlsx-parts.js';
import {
  ZipError,
  entryDataOffset,
  inflater,
  isFflateError,
  readCentralDirectory,
  readEntry,
  type ZipEntry,
} from './zip.js';

type Sink = (bytes: Uint8Array, final: boolean) => void;

interface Driver {
  /** Advances the reading by one step; false once nothing more will come. */
  step(): Promise<boolean>;
}

export class XlsxReader implements RowReader {
  readonly encoding = null;
  readonly delimiter = null;
  private headerRow: SourceRow | null = null;
  private width = 0;
  private queue: SourceRow[] = [];
  private exhausted = false;
  private driver: Driver | null = null;

  private constructor(private readonly input: ByteInput) {}

  /** Reads up to the header row of the first worksheet. E_SOURCE_FORMAT for a bad package. */
  static async open(input: ByteInput): Promise<XlsxReader> {
    const reader = new XlsxReader(input);
    const onRow = (row: SourceRow): void => {
      reader.queue.push(row);
    };
    await reader.guard(async () => {
      reader.driver = (input.seekable ? await DirectoryDriver.create(input, onRow) : null) ?? new StreamDriver(input, onRow);
      while (reader.headerRow === null && !reader.exhausted) {
        reader.exhausted = !(await (reader.driver as Driver).step());
        reader.takeHeader();
      }
    });
    const header = reader.headerRow;
    if (header === null) {
      throw new VigieError('E_SOURCE_HEADER', `${input.name} has no header row: its first worksheet is empty`);
    }
    if (header.error !== undefined) {
      throw new VigieError('E_SOURCE_HEADER', `${input.name} row ${header.line}: header row: ${header.error}`);
    }
    return reader;
  }

  get header(): SourceRow {
    return this.headerRow as SourceRow;
  }

  async next(): Promise<SourceRow[] | null> {
    for (;;) {
      if (this.queue.length > 0) {
        const rows: SourceRow[] = [];
        for (const row of this.queue) if (row.error !== undefined || !isBlank(row)) rows.push(alignRow(row, this.width));
        this.queue = [];
        return rows;
      }
      if (this.exhausted) return null;
      this.exhausted = !(await this.guard(() => (this.driver as Driver).step()));
    }
  }

  private takeHeader(): void {
    while (this.headerRow === null && this.queue.length > 0) {
      const row = this.queue.shift() as SourceRow;
      if (isBlank(row)) continue;
      let width = row.cells.length;
      while (width > 0 && row.cells[width - 1] === '') width--;
      row.cells.length = width;
      this.headerRow = row;
      this.width = width;
    }
  }

  /** Runs a step of reading, turning a bad package into E_SOURCE_FORMAT naming the file. */
  private async guard<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof ZipError || error instanceof PartError || isFflateError(error)) {
        throw new VigieError('E_SOURCE_FORMAT', `${this.input.name} is not a readable xlsx file: ${error.message}`, {
          cause: error,
        });
      }
      throw error;
    }
  }
}

function isBlank(row: SourceRow): boolean {
  for (const cell of row.cells) if (cell !== '') return false;
  return true;
}

/** Where the parts that matter are, from the workbook and its relationships. */
interface Layout {
  workbook: WorkbookInfo;
  sheet: string;
  sharedStrings: string | null;
  styles: string | null;
}

function layoutOf(workbookPath: string, workbookXml: string, relsXml: string): Layout {
  const workbook = parseWorkbook(workbookPath, workbookXml);
  const rels = parseRelationships(relationshipsPath(workbookPath), workbookPath, relsXml);
  const worksheets = new Map(rels.filter((r) => r.type.endsWith('/worksheet')).map((r) => [r.id, r.target]));
  const first = workbook.sheets.find((id) => worksheets.has(id));
  if (first === undefined) throw new ZipError('the workbook has no worksheet');
  return {
    workbook,
    sheet: worksheets.get(first) as string,
    sharedStrings: relationshipOfType(rels, 'sharedStrings')?.target ?? null,
    styles: relationshipOfType(rels, 'styles')?.target ?? null,
  };
}

function officeDocumentOf(rootRelsXml: string | null): string {
  if (rootRelsXml === null) return 'xl/workbook.xml';
  const rels = parseRelationships('_rels/.rels', '', rootRelsXml);
  return relationshipOfType(rels, 'officeDocument')?.target ?? 'xl/workbook.xml';
}

/**
 * Largest part read whole (workbook, relationships, styles: a few KB in real packages). A zip bomb of 600 KB whose
 * workbook.xml inflates to 576 MiB otherwise ran into V8's string limit, a RangeError instead of E_SOURCE_FORMAT
 * (found while fuzzing, test/attack/fuzz-source; the worksheet and the shared strings are streamed, not collected).
 */
export const MAX_WHOLE_PART_CHARS = 32 << 20;

function textCollector(name: string, onText: (text: string) => void): Sink {
  const decoder = new TextDecoder('utf-8');
  let text = '';
  return (bytes, final) => {
    text += decoder.decode(bytes, { stream: !final });
    if (text.length > MAX_WHOLE_PART_CHARS) throw new ZipError(`${name} is larger than ${MAX_WHOLE_PART_CHARS >> 20} MiB (a zip bomb?)`);
    if (final) onText(text);
  };
}

/** A regular file: parts located by the central directory, the sheet streamed in one pass. */
class DirectoryDriver implements Driver {
  private offset = 0;
  private finished = false;

  private constructor(
    private readonly input: ByteInput,
    private readonly sink: Sink,
    private readonly dataStart: number,
    private readonly dataEnd: number,
  ) {}

  /** Null when the file has no central directory this reader handles (the stream driver takes over). */
  static async create(input: ByteInput, onRow: (row: SourceRow) => void): Promise<DirectoryDriver | null> {
    const directory = await readCentralDirectory(input);
    if (directory === null) return null;
    const read = async (path: string): Promise<string | null> => {
      const entry = directory.get(path);
      if (entry === undefined) return null;
      let text: string | null = null;
      await readEntry(input, entry, textCollector(path, (t) => (text = t)));
      return text;
    };
    const workbookPath = officeDocumentOf(await read('_rels/.rels'));
    const workbookXml = await read(workbookPath);
    const relsXml = await read(relationshipsPath(workbookPath));
    if (workbookXml === null || relsXml === null) throw new ZipError(`no ${workbookPath} or its relationships`);
    const layout = layoutOf(workbookPath, workbookXml, relsXml);
    const context: SheetContext = { sharedStrings: [], numberKinds: new Uint8Array(0), date1904: layout.workbook.date1904 };
    if (layout.sharedStrings !== null) {
      const entry = directory.get(layout.sharedStrings);
      if (entry === undefined) throw new ZipError(`${layout.sharedStrings} is missing`);
      const parser = new SharedStringsParser(layout.sharedStrings);
      await readEntry(input, entry, (bytes, final) => parser.write(bytes, final));
      context.sharedStrings = parser.strings;
    }
    if (layout.styles !== null) {
      const styles = await read(layout.styles);
      if (styles !== null) context.numberKinds = parseStyles(layout.styles, styles);
    }
    const entry: ZipEntry | undefined = directory.get(layout.sheet);
    if (entry === undefined) throw new ZipError(`the first worksheet ${layout.sheet} is missing`);
    const parser = new SheetParser(layout.sheet, context, onRow);
    const sink = inflater(entry.name, entry.method, entry.flags, (bytes, final) => parser.write(bytes, final));
    const dataStart = await entryDataOffset(input, entry);
    return new DirectoryDriver(input, sink, dataStart, dataStart + entry.compressedSize);
  }

  async step(): Promise<boolean> {
    const chunk = await this.input.read();
    if (chunk === null) {
      if (!this.finished) throw new ZipError('the file ends inside the worksheet (truncated?)');
      return false;
    }
    const start = this.offset;
    const end = start + chunk.length;
    this.offset = end;
    if (!this.finished && end >= this.dataStart && start <= this.dataEnd) {
      const last = end >= this.dataEnd;
      const from = Math.max(this.dataStart, start) - start;
      const to = Math.min(this.dataEnd, end) - start;
      this.finished = last;
      this.sink(chunk.subarray(from, to), last);
    }
    return true;
  }
}

interface Buffered {
  method: number;
  chunks: Uint8Array[];
  complete: boolean;
}

/** From the first byte with fflate's Unzip: stdin, or a package without a usable directory. */
class StreamDriver implements Driver {
  private readonly unzip = new Unzip();
  private readonly texts = new Map<string, string>();
  private layout: Layout | null = null;
  private sharedStrings: SharedStringsParser | null = null;
  private sharedStringsDone = false;
  private numberKinds: Uint8Array | null = null;
  private readonly buffered = new Map<string, Buffered>();
  private sheetDone = false;
  private zipDone = false;
  private replay: { chunks: Uint8Array[]; sink: Sink } | null = null;
  private failure: Error | null = null;
  /** Entries compressed with a method other than stored or deflate (never started). */
  private readonly unsupported = new Set<string>();

  constructor(
    private readonly input: ByteInput,
    private readonly onRow: (row: SourceRow) => void,
  ) {
    for (const method of [0, 8]) this.unzip.register(this.decoderFor(method));
    this.unzip.onfile = (file: UnzipFile) => {
      file.ondata = () => {};
      if (file.compression === 0 || file.compression === 8) file.start();
      else this.unsupported.add(file.name.replace(/^\//, ''));
    };
  }

  async step(): Promise<boolean> {
    if (this.failure !== null) throw this.failure;
    if (this.replay !== null) {
      const chunk = this.replay.chunks.shift();
      const final = this.replay.chunks.length === 0;
      this.replay.sink(chunk ?? new Uint8Array(0), final);
      if (final) this.replay = null;
      return !final;
    }
    if (this.zipDone) return false;
    const chunk = await this.input.read();
    if (chunk === null) {
      this.zipDone = true;
      if (this.sheetDone) return false;
      this.push(new Uint8Array(0), true);
      return this.startReplay();
    }
    // Once the sheet is read, the rest of the file is only read for its hash.
    if (!this.sheetDone) this.push(chunk, false);
    return true;
  }

  private push(chunk: Uint8Array, final: boolean): void {
    try {
      this.unzip.push(chunk, final);
    } catch (error) {
      if (isFflateError(error)) throw new ZipError(`corrupt or truncated zip (${error.message})`);
      throw error;
    }
    if (this.failure !== null) throw this.failure;
  }

  /** After the end of the package: the first worksheet was kept compressed, or is missing. */
  private startReplay(): boolean {
    const layout = this.layout;
    if (layout === null) throw new ZipError('not an xlsx package (no workbook and relationships found)');
    const sheet = this.buffered.get(layout.sheet);
    if (sheet === undefined || !sheet.complete) throw this.missing(layout.sheet);
    if (layout.sharedStrings !== null && !this.sharedStringsDone) throw this.missing(layout.sharedStrings);
    const parser = new SheetParser(layout.sheet, this.context(layout), this.onRow);
    this.replay = { chunks: sheet.chunks, sink: inflater(layout.sheet, sheet.method, 0, (b, f) => parser.write(b, f)) };
    this.buffered.clear();
    return true;
  }

  private missing(part: string): ZipError {
    return new ZipError(
      this.unsupported.has(part) ? `${part} uses a compression method other than deflate` : `${part} is missing`,
    );
  }

  private context(layout: Layout): SheetContext {
    return {
      sharedStrings: this.sharedStrings?.strings ?? [],
      numberKinds: this.numberKinds ?? new Uint8Array(0),
      date1904: layout.workbook.date1904,
    };
  }

  private ready(layout: Layout): boolean {
    return (
      (layout.sharedStrings === null || this.sharedStringsDone) &&
      (layout.styles === null || this.numberKinds !== null)
    );
  }

  /** What to do with an entry's bytes, decided when its local header is met. */
  private route(name: string, method: number): Sink {
    const workbookPath = officeDocumentOf(this.texts.get('_rels/.rels') ?? null);
    const sharedStringsPath = this.layout?.sharedStrings ?? 'xl/sharedStrings.xml';
    const stylesPath = this.layout?.styles ?? 'xl/styles.xml';
    if (name === '_rels/.rels' || name === workbookPath || name === relationshipsPath(workbookPath)) {
      return inflater(name, method, 0, textCollector(name, (text) => this.partRead(name, text, workbookPath)));
    }
    if (name === stylesPath) {
      return inflater(name, method, 0, textCollector(name, (text) => (this.numberKinds = parseStyles(name, text))));
    }
    if (name === sharedStringsPath) {
      const parser = new SharedStringsParser(name);
      this.sharedStrings = parser;
      return inflater(name, method, 0, (bytes, final) => {
        parser.write(bytes, final);
        if (final) this.sharedStringsDone = true;
      });
    }
    const layout = this.layout;
    if (layout !== null ? name === layout.sheet : /(^|\/)worksheets\/[^/]+\.xml$/.test(name)) {
      if (layout !== null && this.ready(layout)) {
        const parser = new SheetParser(name, this.context(layout), this.onRow);
        return inflater(name, method, 0, (bytes, final) => {
          parser.write(bytes, final);
          if (final) this.sheetDone = true;
        });
      }
      const kept: Buffered = { method, chunks: [], complete: false };
      this.buffered.set(name, kept);
      return (bytes, final) => {
        if (bytes.length > 0) kept.chunks.push(bytes);
        if (final) kept.complete = true;
      };
    }
    return () => {};
  }

  private partRead(name: string, text: string, workbookPath: string): void {
    this.texts.set(name, text);
    const workbook = this.texts.get(workbookPath);
    const rels = this.texts.get(relationshipsPath(workbookPath));
    if (this.layout !== null || workbook === undefined || rels === undefined) return;
    const layout = layoutOf(workbookPath, workbook, rels);
    this.layout = layout;
    // Other worksheets kept so far are not needed.
    for (const key of [...this.buffered.keys()]) if (key !== layout.sheet) this.buffered.delete(key);
  }

  private decoderFor(method: number): UnzipDecoderConstructor {
    const driver = this;
    return class implements UnzipDecoder {
      static readonly compression = method;
      ondata: UnzipDecoder['ondata'] = () => {};
      private readonly sink: Sink;
      constructor(name: string) {
        let sink: Sink;
        try {
          sink = driver.route(name.replace(/^\//, ''), method);
        } catch (error) {
          driver.failure ??= error as Error;
          sink = () => {};
        }
        this.sink = sink;
      }
      push(chunk: Uint8Array, final: boolean): void {
        if (driver.failure !== null) return;
        try {
          this.sink(chunk, final);
        } catch (error) {
          driver.failure = error as Error;
        }
      }
    };
  }
}
