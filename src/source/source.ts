// Opens a leak file (CSV/TSV or XLSX, or stdin with '-') as a Source: its columns, mapped to fields
// and categories, then its data rows in batches, read once and never copied.

import { VigieError } from '../errors.js';
import { ByteInput, DEFAULT_CHUNK_SIZE } from './byte-input.js';
import { CsvReader } from './csv-reader.js';
import { columnLabel, resolveColumns, type MappingTarget } from './headers.js';
import { validateMapping } from './mapping.js';
import type { RowReader } from './row-reader.js';
import type { OpenSourceOptions, Source, SourceInfo, SourceRow } from './types.js';
import { XlsxReader } from './xlsx-reader.js';

/** A Source as openSource returns it: close() is always there. */
export type OpenedSource = Source & Required<Pick<Source, 'close'>>;

/** Rows per batch yielded by rows(). */
export const BATCH_SIZE = 1000;

/**
 * Opens `path` ('-' for stdin). The format is `options.format`, else an xlsx if the file is a zip
 * package, else CSV. Reads the file up to its header row before returning.
 * Errors (VigieError): E_SOURCE_OPEN, E_SOURCE_FORMAT, E_SOURCE_ENCODING, E_SOURCE_HEADER, E_MAPPING.
 */
export async function openSource(path: string, options: OpenSourceOptions = {}): Promise<OpenedSource> {
  const mapping = options.mapping === undefined ? null : validateMapping(options.mapping, 'the mapping');
  const input = await ByteInput.open(path, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  return openInput(input, options, mapping);
}

/** openSource on a stream, for tests and for callers that already hold one. */
export async function openSourceStream(
  name: string,
  stream: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: OpenSourceOptions = {},
): Promise<OpenedSource> {
  const mapping = options.mapping === undefined ? null : validateMapping(options.mapping, 'the mapping');
  return openInput(ByteInput.fromStream(name, stream, options.chunkSize ?? DEFAULT_CHUNK_SIZE), options, mapping);
}

async function openInput(
  input: ByteInput,
  options: OpenSourceOptions,
  mapping: ReadonlyMap<string, MappingTarget> | null,
): Promise<OpenedSource> {
  let reader: RowReader;
  let detected: 'csv' | 'xlsx';
  try {
    detected = detectFormat(await input.peek(8), input, options.format);
    // A zip is read from its end (the central directory says where each part is): an xlsx from stdin is held in
    // memory, never written to disk (DESIGN §1.1). Streaming it from its first byte instead would have to find the
    // end of each entry by searching for a signature, which compressed bytes can contain by chance.
    if (detected === 'xlsx' && options.streamXlsx !== true) input = await input.toMemory();
    reader = detected === 'xlsx' ? await XlsxReader.open(input) : await CsvReader.open(input);
  } catch (error) {
    await input.close();
    throw error;
  }
  const header = reader.header;
  const columns = resolveColumns(header.cells, mapping);
  // Without a mapping, a header where nothing is recognised is most likely a first data row: fail
  // rather than report its cells (personal data) as unmapped column names.
  if (mapping === null && columns.every((c) => c.mappedBy === null)) {
    await input.close();
    throw new VigieError(
      'E_SOURCE_HEADER',
      `${input.name} ${detected === 'xlsx' ? 'row' : 'line'} ${header.line}: none of the ${columns.length} header ` +
        'cells is a known column name; ' +
        'the file may have no header row: give a column mapping',
    );
  }
  const info: SourceInfo = {
    path: input.name,
    format: detected,
    encoding: reader.encoding,
    delimiter: reader.delimiter,
    columns,
    unmapped: columns.filter((c) => c.mappedBy === null).map(columnLabel),
  };
  let started = false;
  let finished = false;
  return {
    info,
    size: input.size,
    bytesRead: () => input.bytesRead(),
    sha256: () => {
      const digest = finished ? input.sha256() : null;
      if (digest === null) throw new Error('sha256() is available once rows() has been read to the end');
      return digest;
    },
    close: () => input.close(),
    rows: () => {
      if (started) throw new Error('rows() can be read only once: the file is streamed, not kept');
      started = true;
      return batches(reader, input, info, () => (finished = true));
    },
  };
}

async function* batches(
  reader: RowReader,
  input: ByteInput,
  info: SourceInfo,
  onEnd: () => void,
): AsyncGenerator<SourceRow[]> {
  try {
    let batch: SourceRow[] = [];
    for (;;) {
      let rows: SourceRow[] | null;
      try {
        rows = await reader.next();
      } catch (error) {
        // The rows read before a failure are delivered first, so that counts stay exact.
        if (batch.length > 0) yield batch;
        throw error;
      }
      info.encoding = reader.encoding;
      if (rows === null) break;
      for (const row of rows) {
        batch.push(row);
        if (batch.length === BATCH_SIZE) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length > 0) yield batch;
    onEnd();
  } finally {
    await input.close();
  }
}

function detectFormat(head: Uint8Array, input: ByteInput, requested: 'csv' | 'xlsx' | undefined): 'csv' | 'xlsx' {
  const zip = head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6);
  const ole = head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0;
  if (ole) {
    throw new VigieError(
      'E_SOURCE_FORMAT',
      `${input.name} is a legacy .xls workbook or a password-protected one, which is not supported: save it as .xlsx or CSV`,
    );
  }
  if (requested === 'csv' && zip) {
    throw new VigieError('E_SOURCE_FORMAT', `${input.name} is a zip package (xlsx?), not CSV text`);
  }
  if (requested === 'xlsx' || (requested === undefined && /\.xls[xm]$/i.test(input.path))) {
    if (!zip) throw new VigieError('E_SOURCE_FORMAT', `${input.name} is not an xlsx file (not a zip package)`);
    return 'xlsx';
  }
  return zip ? 'xlsx' : 'csv';
}
