// Parsers for the parts of an xlsx package that matter to a reader (ECMA-376 Part 1, SpreadsheetML):
// relationships, workbook (sheet order, date system), styles (which cells hold dates), shared
// strings and the worksheet itself, the last two streamed with saxes so that no part is held whole.

import { SaxesParser, type SaxesTagPlain } from 'saxes';
import {
  MAX_COLUMN,
  NUMBER_KINDS,
  builtinNumberKind,
  columnIndex,
  customNumberKind,
  decodeXString,
  formatIsoDateCell,
  formatNumberCell,
  type NumberKind,
} from './xlsx-cells.js';
import type { SourceRow } from './types.js';

/** A part is not well-formed XML or not what its name says; `part` names it for the message. */
export class PartError extends Error {
  constructor(
    readonly part: string,
    message: string,
  ) {
    super(message);
  }
}

type Attributes = Record<string, string>;

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/**
 * A saxes parser fed text by pieces; errors become PartError without saxes's message, which may
 * quote the document (cell text is personal data).
 */
class XmlStream {
  private readonly sax = new SaxesParser<{ xmlns: false; position: false }>({ xmlns: false, position: false });
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(
    private readonly part: string,
    handlers: {
      open: (name: string, attributes: Attributes, selfClosing: boolean) => void;
      close?: (name: string) => void;
      text?: (text: string) => void;
    },
    private readonly where: () => string = () => '',
  ) {
    this.sax.on('opentag', (tag: SaxesTagPlain) => handlers.open(localName(tag.name), tag.attributes, tag.isSelfClosing));
    const { close, text } = handlers;
    if (close !== undefined) this.sax.on('closetag', (tag: SaxesTagPlain) => close(localName(tag.name)));
    if (text !== undefined) {
      this.sax.on('text', text);
      this.sax.on('cdata', text);
    }
  }

  writeBytes(bytes: Uint8Array, final: boolean): void {
    let text: string;
    try {
      text = this.decoder.decode(bytes, { stream: !final });
    } catch {
      throw new PartError(this.part, `${this.part} is not UTF-8${this.where()}`);
    }
    this.write(text, final);
  }

  write(text: string, final: boolean): void {
    try {
      if (text.length > 0) this.sax.write(text);
      if (final) this.sax.close();
    } catch (error) {
      if (error instanceof PartError) throw error;
      throw new PartError(this.part, `${this.part} is not well-formed XML${this.where()}`);
    }
  }
}

/** Parses a small part given whole. */
function parseWhole(part: string, text: string, open: (name: string, attributes: Attributes) => void): void {
  new XmlStream(part, { open }).write(text, true);
}

export interface Relationship {
  id: string;
  type: string;
  /** Package path of the target, resolved against the source part. */
  target: string;
}

/** The relationships part of `source` (`xl/workbook.xml` -> `xl/_rels/workbook.xml.rels`). */
export function relationshipsPath(source: string): string {
  const slash = source.lastIndexOf('/');
  return `${source.slice(0, slash + 1)}_rels/${source.slice(slash + 1)}.rels`;
}

export function parseRelationships(part: string, source: string, text: string): Relationship[] {
  const relationships: Relationship[] = [];
  parseWhole(part, text, (name, a) => {
    if (name !== 'Relationship' || a.TargetMode === 'External') return;
    if (a.Id !== undefined && a.Type !== undefined && a.Target !== undefined) {
      relationships.push({ id: a.Id, type: a.Type, target: resolveTarget(source, a.Target) });
    }
  });
  return relationships;
}

/** Resolves a relationship target (relative to the source part's folder, or absolute from '/'). */
export function resolveTarget(source: string, target: string): string {
  const base = target.startsWith('/') ? [] : source.split('/').slice(0, -1);
  for (const segment of target.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') base.pop();
    else base.push(segment);
  }
  return base.join('/');
}

/** Relationship types, matched on their last segment (transitional and strict namespaces differ). */
export function relationshipOfType(relationships: readonly Relationship[], type: string): Relationship | undefined {
  return relationships.find((r) => r.type.endsWith(`/${type}`));
}

export interface WorkbookInfo {
  date1904: boolean;
  /** Relationship ids of the sheets, in the workbook's order. */
  sheets: string[];
}

export function parseWorkbook(part: string, text: string): WorkbookInfo {
  const info: WorkbookInfo = { date1904: false, sheets: [] };
  parseWhole(part, text, (name, a) => {
    if (name === 'workbookPr') info.date1904 = a.date1904 === '1' || a.date1904 === 'true';
    else if (name === 'sheet') {
      const id = Object.entries(a).find(([key]) => key.endsWith(':id'))?.[1];
      if (id !== undefined) info.sheets.push(id);
    }
  });
  return info;
}

/** The number kind (plain, date, time) of each cell format (`s` attribute of a cell). */
export function parseStyles(part: string, text: string): Uint8Array {
  const custom = new Map<number, string>();
  const formats: number[] = [];
  let inCellXfs = false;
  new XmlStream(part, {
    open: (name, a, selfClosing) => {
      if (name === 'numFmt' && a.numFmtId !== undefined) custom.set(Number(a.numFmtId), a.formatCode ?? '');
      else if (name === 'cellXfs') inCellXfs = !selfClosing;
      else if (name === 'xf' && inCellXfs) formats.push(Number(a.numFmtId ?? '0'));
    },
    close: (name) => {
      if (name === 'cellXfs') inCellXfs = false;
    },
  }).write(text, true);
  return Uint8Array.from(formats, (id) => {
    const code = custom.get(id);
    return code !== undefined ? customNumberKind(code) : builtinNumberKind(id);
  });
}

/** Streams xl/sharedStrings.xml into a table (rich text runs joined, phonetic runs left out). */
export class SharedStringsParser {
  readonly strings: string[] = [];
  private readonly xml: XmlStream;
  private current = '';
  private inItem = false;
  private inPhonetic = false;
  private collecting = false;

  constructor(part: string) {
    this.xml = new XmlStream(part, {
      open: (name) => {
        if (name === 'si') {
          this.inItem = true;
          this.current = '';
        } else if (name === 't') this.collecting = this.inItem && !this.inPhonetic;
        else if (name === 'rPh') this.inPhonetic = true;
      },
      close: (name) => {
        if (name === 't') this.collecting = false;
        else if (name === 'rPh') this.inPhonetic = false;
        else if (name === 'si') {
          this.inItem = false;
          this.strings.push(detach(decodeXString(this.current).trim()));
        }
      },
      text: (text) => {
        if (this.collecting) this.current += text;
      },
    });
  }

  write(bytes: Uint8Array, final: boolean): void {
    this.xml.writeBytes(bytes, final);
  }
}

/**
 * A copy of `text` that does not keep alive the decoded chunk it was sliced from: the table holds
 * every shared string for the whole reading, and V8's sliced strings would otherwise retain all
 * of sharedStrings.xml's markup too.
 */
function detach(text: string): string {
  return text.length < 13 ? text : (text + ' ').slice(0, -1);
}

export interface SheetContext {
  sharedStrings: readonly string[];
  /** NumberKind per cell format index. */
  numberKinds: Uint8Array;
  date1904: boolean;
}

/**
 * Streams a worksheet into rows: cells placed by their reference (gaps are ''), rows numbered by
 * `<row r>`; values as text (see xlsx-cells.ts). Rows go to `onRow` as they close.
 */
export class SheetParser {
  private readonly xml: XmlStream;
  private rowNumber = 0;
  private cells: string[] = [];
  private rowError: string | undefined;
  private column = 0;
  private cellType = 'n';
  private cellStyle = 0;
  private value = '';
  private collecting = false;
  private inInline = false;
  private inPhonetic = false;

  constructor(
    part: string,
    private readonly context: SheetContext,
    private readonly onRow: (row: SourceRow) => void,
  ) {
    this.xml = new XmlStream(
      part,
      {
        open: (name, a) => this.open(name, a),
        close: (name) => this.close(name),
        text: (text) => {
          if (this.collecting) this.value += text;
        },
      },
      () => (this.rowNumber > 0 ? ` (near row ${this.rowNumber})` : ''),
    );
  }

  write(bytes: Uint8Array, final: boolean): void {
    this.xml.writeBytes(bytes, final);
  }

  private open(name: string, a: Attributes): void {
    switch (name) {
      case 'c': {
        const ref = a.r;
        if (ref !== undefined) {
          const column = columnIndex(ref);
          if (column >= 0) this.column = column;
        }
        this.cellType = a.t ?? 'n';
        this.cellStyle = a.s === undefined ? 0 : Number(a.s);
        this.value = '';
        break;
      }
      case 'v':
        this.collecting = true;
        break;
      case 't':
        if (this.inInline && !this.inPhonetic) this.collecting = true;
        break;
      case 'row': {
        const r = a.r === undefined ? NaN : Number(a.r);
        this.rowNumber = Number.isInteger(r) && r > 0 ? r : this.rowNumber + 1;
        this.cells = [];
        this.rowError = undefined;
        this.column = 0;
        break;
      }
      case 'is':
        this.inInline = true;
        break;
      case 'rPh':
        this.inPhonetic = true;
        break;
    }
  }

  private close(name: string): void {
    switch (name) {
      case 'v':
      case 't':
        this.collecting = false;
        break;
      case 'c':
        if (this.column > MAX_COLUMN) this.rowError ??= 'cell reference beyond the last column (XFD)';
        else {
          const text = this.cellText();
          if (text !== '') this.cells[this.column] = text;
        }
        this.column++;
        break;
      case 'row': {
        const cells = this.cells;
        for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = '';
        this.onRow(this.rowError === undefined ? { line: this.rowNumber, cells } : { line: this.rowNumber, cells, error: this.rowError });
        break;
      }
      case 'is':
        this.inInline = false;
        break;
      case 'rPh':
        this.inPhonetic = false;
        break;
    }
  }

  private cellText(): string {
    const value = this.value;
    switch (this.cellType) {
      case 's': {
        if (value === '') return '';
        const text = this.context.sharedStrings[Number(value)];
        if (text === undefined) {
          this.rowError ??= 'shared string index out of range';
          return '';
        }
        return text;
      }
      case 'n':
        return value === '' ? '' : formatNumberCell(value.trim(), this.numberKind(), this.context.date1904);
      case 'inlineStr':
      case 'str':
        return decodeXString(value).trim();
      case 'b':
        return value === '1' ? 'TRUE' : value === '0' ? 'FALSE' : value.trim();
      case 'd':
        return formatIsoDateCell(value.trim());
      default: // 'e' (an error such as #N/A) and anything unknown: the text as stored
        return value.trim();
    }
  }

  private numberKind(): NumberKind {
    return (this.context.numberKinds[this.cellStyle] ?? NUMBER_KINDS.plain) as NumberKind;
  }
}
