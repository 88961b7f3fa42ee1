// The shapes a leak file is read into: columns with what they reveal, rows in batches, and the source handle.
// The ingest pipeline is written against these; keep them stable.

import type { Category } from '../identifiers/categories.js';
import type { Field } from './fields.js';

/** Column header -> a Field, a Category code, or "ignore" (see `loadMapping`). */
export type Mapping = Readonly<Record<string, string>>;

export interface SourceColumn {
  /** 0-based position in the row's `cells`. */
  index: number;
  /** The header cell, trimmed ('' for a column without a header between named ones). */
  header: string;
  /** What the ingest reads from this column, if anything. */
  field: Field | null;
  /** What kind of data its non-empty cells reveal; a field implies FIELD_CATEGORY[field]. */
  category: Category | null;
  /** How it was mapped; null = not recognised and not in the mapping (reported in `unmapped`). */
  mappedBy: 'header' | 'mapping' | 'ignore' | null;
}

export interface SourceRow {
  /** 1-based physical line where the record starts (xlsx: the sheet row number). */
  line: number;
  /**
   * Cells aligned to the columns, trimmed; missing trailing cells are ''. A row with an `error`
   * may carry more cells than there are columns.
   */
  cells: string[];
  /** A structural problem (e.g. 'expected 32 fields, got 35'); the row is still yielded so counts add up. */
  error?: string;
}

export interface SourceInfo {
  /** The path as given; 'stdin' for standard input ('-'), which is how statistics and reject reports name it. */
  path: string;
  format: 'csv' | 'xlsx';
  /**
   * CSV: the detected encoding, null while undecided (every byte read so far is ASCII). It is
   * updated as rows are read and is final once rows() is exhausted. XLSX: null.
   */
  encoding: 'utf-8' | 'windows-1252' | null;
  /** CSV: the sniffed delimiter, null for a single-column file. XLSX: null. */
  delimiter: ',' | ';' | '\t' | null;
  columns: SourceColumn[];
  /** Headers of the columns with `mappedBy === null` ('(column N)' for an empty header), for a warning. */
  unmapped: string[];
}

export interface Source {
  info: SourceInfo;
  /** Data rows after the header, in batches of up to 1000; callable once. */
  rows(): AsyncIterable<SourceRow[]>;
  /** Hex SHA-256 of every byte of the file; throws until rows() has been read to the end. */
  sha256(): string;
  /** Bytes read from the file so far (for progress against `size`). */
  bytesRead(): number;
  /** File size in bytes; null for stdin or a pipe. */
  size: number | null;
  /**
   * Releases the file if rows() is not read to the end (reading to the end, or leaving the
   * for-await loop early, closes it already). Idempotent. Optional in the type so that test
   * doubles written against the original interface still compile; openSource always sets it.
   */
  close?: () => Promise<void>;
}

export interface OpenSourceOptions {
  mapping?: Mapping;
  format?: 'csv' | 'xlsx';
  /** Read size in bytes (default 64 KiB). Tests use tiny values to split characters across reads. */
  chunkSize?: number;
  /**
   * Tests only: read an xlsx that comes as a stream from its first byte (fflate's Unzip, the reader's fallback for a
   * package whose directory it cannot use) instead of holding it in memory and reading its directory.
   */
  streamXlsx?: boolean;
}
