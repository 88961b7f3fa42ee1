// Sniffs a CSV's delimiter among ';', ',' and tab: candidates come from the header line (outside
// quotes) and are confirmed on the lines that follow.

export type Delimiter = ',' | ';' | '\t';

const CANDIDATES: readonly Delimiter[] = [';', ',', '\t'];
const SAMPLE_LINES = 50;

/**
 * Picks the delimiter for `text` (the beginning of the file). A candidate scores one point per
 * sample line with as many fields as the header; ties go to the `hint` (tab for a .tsv file), then
 * to the candidate giving more header fields, then to ';' (French exports), ',' and tab.
 * Returns null when the header holds none of them (a single-column file).
 */
export function sniffDelimiter(text: string, hint: Delimiter | null = null): Delimiter | null {
  const declared = sepLineDelimiter(text);
  if (declared !== null) return declared;
  const lines = logicalLines(text, SAMPLE_LINES + 1);
  const header = lines[0];
  if (header === undefined) return hint;
  let best: Scored | null = null;
  for (const [order, delimiter] of CANDIDATES.entries()) {
    const fields = countFields(header, delimiter);
    if (fields < 2) continue;
    let score = 0;
    for (let i = 1; i < lines.length; i++) if (countFields(lines[i] as string, delimiter) === fields) score++;
    const candidate: Scored = { delimiter, score, fields, hinted: delimiter === hint ? 1 : 0, order };
    if (best === null || better(candidate, best)) best = candidate;
  }
  return best === null ? null : best.delimiter;
}

/**
 * The delimiter declared by Excel's `sep=;` first line, if the text starts with one (the reader
 * then skips that line).
 */
export function sepLineDelimiter(text: string): Delimiter | null {
  const m = /^\uFEFF?sep=([;,\t])[ ]*(\r\n|\r|\n|$)/i.exec(text);
  return m === null ? null : (m[1] as Delimiter);
}

interface Scored {
  delimiter: Delimiter;
  score: number;
  fields: number;
  hinted: number;
  order: number;
}

function better(a: Scored, b: Scored): boolean {
  if (a.score !== b.score) return a.score > b.score;
  if (a.hinted !== b.hinted) return a.hinted > b.hinted;
  if (a.fields !== b.fields) return a.fields > b.fields;
  return a.order < b.order;
}

/** Fields in one record when split on `delimiter` outside double quotes. */
function countFields(line: string, delimiter: Delimiter): number {
  let fields = 1;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === delimiter && !quoted) fields++;
  }
  return fields;
}

/**
 * The first `max` non-blank records of `text`, split on line breaks outside quotes (a quote toggles
 * the state whatever the delimiter, which is what we are trying to find). A last line without a
 * line break is included: it is either the end of the file or cut by the sample, and one cut line
 * barely moves a score.
 */
function logicalLines(text: string, max: number): string[] {
  const lines: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length && lines.length < max; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (!quoted && (c === 10 || c === 13)) {
      if (text.slice(start, i).trim() !== '') lines.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (lines.length < max && start < text.length && text.slice(start).trim() !== '') lines.push(text.slice(start));
  return lines;
}
