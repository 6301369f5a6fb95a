/**
 * The formatter's entry points: the whole text (`format`), or the edits that turn the
 * original into it (`formatEdits`, `formatRange`) for an editor. A file with syntax errors
 * is never reformatted: `format` gives its text back and the edit functions give no edits.
 */
import { parse, type ParsedFile, type Range, type SyntaxIssue } from '@mailconf/syntax';
import { layout } from './layout.js';
import { resolveOptions, type FormatOptions } from './options.js';

/** Replace `source.slice(start, end)` (UTF-16 offsets into the original text) with `newText`. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface OffsetRange {
  start: number;
  end: number;
}

export function format(file: ParsedFile, options: FormatOptions = {}): string {
  if (file.errors.length) return file.source;
  const parts: string[] = [];
  layout(file, resolveOptions(file.source, options, file.store), {
    token(_index, _gapStart, _gapEnd, gap, text) {
      if (gap) parts.push(gap);
      parts.push(text);
    },
    end(_gapStart, gap) {
      parts.push(gap);
    },
  });
  return parts.join('');
}

export interface FormatTextResult {
  /** The formatted text, or the input unchanged when it has syntax errors. */
  text: string;
  changed: boolean;
  errors: SyntaxIssue[];
}

/** Parses and formats a text in one call. */
export function formatText(source: string, options: FormatOptions = {}, path = '-'): FormatTextResult {
  const file = parse(source, { path });
  const text = format(file, options);
  return { text, changed: text !== source, errors: file.errors };
}

/**
 * Small edits turning the document into its formatted form: one per whitespace gap that
 * changes, cut down to the characters that actually differ. Applied from last to first (or
 * all at once, as LSP clients do) they give exactly `format(file, options)`.
 */
export function formatEdits(file: ParsedFile, options: FormatOptions = {}): TextEdit[] {
  if (file.errors.length) return [];
  const source = file.source;
  const edits: TextEdit[] = [];
  layout(file, resolveOptions(source, options, file.store), {
    token(_index, gapStart, gapEnd, gap) {
      pushEdit(edits, source, gapStart, gapEnd, gap);
    },
    end(gapStart, gap) {
      pushEdit(edits, source, gapStart, source.length, gap);
    },
  });
  return edits;
}

/**
 * Edits for the statements overlapping a range (offsets, or a syntax `Range`): each
 * directive up to its `;` or `{`, each `}`, each own-line comment that the range touches is
 * formatted whole, with the line breaks and indentation before it. An empty range (a cursor)
 * formats the statement it is in. The end of the file is fixed when the range reaches the
 * last statement or the whitespace after it.
 */
export function formatRange(file: ParsedFile, range: OffsetRange | Range, options: FormatOptions = {}): TextEdit[] {
  if (file.errors.length) return [];
  const source = file.source;
  const start = typeof range.start === 'number' ? range.start : range.start.offset;
  const end = typeof range.end === 'number' ? range.end : range.end.offset;
  const lo = Math.min(start, end);
  const hi = Math.max(start, end);
  // A statement's extent is known only once it is complete: keep each edit with its
  // statement, and choose afterwards.
  const candidates: { edit: TextEdit; unit: number }[] = [];
  let endGapStart = source.length;
  const units = layout(file, resolveOptions(source, options, file.store), {
    token(_index, gapStart, gapEnd, gap, _text, unit) {
      const edits: TextEdit[] = [];
      pushEdit(edits, source, gapStart, gapEnd, gap);
      if (edits.length) candidates.push({ edit: edits[0]!, unit });
    },
    end(gapStart, gap) {
      endGapStart = gapStart;
      const edits: TextEdit[] = [];
      pushEdit(edits, source, gapStart, source.length, gap);
      if (edits.length) candidates.push({ edit: edits[0]!, unit: -1 });
    },
  });
  const touched = (unit: number): boolean => {
    const us = units.start[unit]!;
    const ue = units.end[unit]!;
    return lo === hi ? us <= lo && lo <= ue : us < hi && ue > lo;
  };
  const last = units.start.length - 1;
  const includeEnd = hi >= endGapStart || (last >= 0 && touched(last));
  return candidates.filter((c) => (c.unit < 0 ? includeEnd : touched(c.unit))).map((c) => c.edit);
}

/** Adds the edit replacing `source[start, end)` by `text`, minus the common prefix and suffix. */
function pushEdit(edits: TextEdit[], source: string, start: number, end: number, text: string): void {
  const len = end - start;
  if (len === text.length && source.startsWith(text, start)) return;
  let pre = 0;
  const max = Math.min(len, text.length);
  while (pre < max && source.charCodeAt(start + pre) === text.charCodeAt(pre)) pre++;
  let suf = 0;
  while (suf < max - pre && source.charCodeAt(end - 1 - suf) === text.charCodeAt(text.length - 1 - suf)) suf++;
  edits.push({ start: start + pre, end: end - suf, newText: text.slice(pre, text.length - suf) });
}

/** Applies non-overlapping edits (in any order) to a text. */
export function applyEdits(source: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const parts: string[] = [];
  let pos = 0;
  for (const e of sorted) {
    parts.push(source.slice(pos, e.start), e.newText);
    pos = e.end;
  }
  parts.push(source.slice(pos));
  return parts.join('');
}
