// What a format reader (CSV, XLSX) gives the source: its header row, then data rows as they are
// read, already aligned to the header's width.

import type { SourceRow } from './types.js';

export interface RowReader {
  /** The header row: the first non-blank record, cells trimmed, trailing empty cells removed. */
  readonly header: SourceRow;
  readonly encoding: 'utf-8' | 'windows-1252' | null;
  readonly delimiter: ',' | ';' | '\t' | null;
  /**
   * The rows completed by the next step of reading (possibly none), or null once the whole file has
   * been read, to its last byte.
   */
  next(): Promise<SourceRow[] | null>;
}

/**
 * Aligns a row to `width` cells: pads missing trailing cells with '', drops extra trailing cells
 * that are empty, and marks a row with extra cells holding something as an error.
 */
export function alignRow(row: SourceRow, width: number): SourceRow {
  const cells = row.cells;
  if (cells.length > width) {
    let last = cells.length;
    while (last > width && cells[last - 1] === '') last--;
    if (last > width) {
      return row.error === undefined ? { ...row, error: `expected ${width} fields, got ${last}` } : row;
    }
    cells.length = width;
  } else {
    while (cells.length < width) cells.push('');
  }
  return row;
}
