// Aggregate statistics of a breach, kept for the regulator dossier (GDPR art. 33(3), DATA.md §4): counts only,
// never a value, never a per-person record.

import type { Category } from '../identifiers/categories.js';
import type { IdentifierType } from '../identifiers/index.js';

export interface SourceFileStats {
  /** File name without its directory (the operator's paths stay on the operator's machine). */
  name: string;
  sha256: string;
  bytes: number;
  format: 'csv' | 'xlsx';
  encoding: string | null;
  delimiter: string | null;
  rowsRead: number;
}

export interface ColumnStats {
  file: string;
  header: string;
  field: string | null;
  category: Category | null;
  mappedBy: 'header' | 'mapping' | 'ignore' | null;
  /** Non-empty cells among the rows read. */
  filled: number;
}

export interface BreachStats {
  schema: 1;
  ingestedAt: string;
  files: SourceFileStats[];
  rowsRead: number;
  rowsIndexed: number;
  rowsRejected: number;
  /** Rows read minus rows rejected, by reason of rejection. */
  rejectReasons: Record<string, number>;
  /** Field-level problems in rows that were kept (the bad field was ignored). */
  fieldIssues: Record<string, number>;
  persons: number;
  minors: number;
  minorsAsOf: string;
  /** Distinct identifiers per type in this breach. */
  identifiers: Record<IdentifierType, number>;
  /** Rows whose NIR was indexed by its 13-character body without a valid key. */
  nirKeyMissing: number;
  nirKeyWrong: number;
  /** Rows and persons per data category (a row's categories are those of its non-empty columns). */
  categories: Record<Category, { rows: number; persons: number }>;
  columns: ColumnStats[];
  unmappedColumns: string[];
  /** Persons by department of their postal address ('unknown' when none). */
  departments: Record<string, number>;
}
