/**
 * The heart of the formatter: it decides the whitespace between every two printed tokens
 * and nothing else. Words, quotes, escapes, `;`, `{`, `}` and comment text are copied as
 * written (a comment loses only its trailing spaces, tabs and CR), so the token stream nginx
 * reads cannot change; the only thing to get right is never to remove whitespace that
 * separates two tokens, and never to put anything after a comment on its line.
 *
 * One pass over the token list, handing each gap to a sink (callers collect parts in an
 * array and join once: no string building in a loop), so the cost is linear in the size of
 * the file.
 */
import { KINDS, type ParsedFile, type TokenKind } from '@mailconf/syntax';
import { alignmentPads } from './align.js';
import type { ResolvedOptions } from './options.js';

/** Receives the layout, token by token, in document order. */
export interface LayoutSink {
  /**
   * One printed token (every token but whitespace): `gap` replaces the original whitespace
   * `[gapStart, gapEnd)` before it, then `text` is printed. `unit` is its statement (see
   * `Units`).
   */
  token(index: number, gapStart: number, gapEnd: number, gap: string, text: string, unit: number): void;
  /** What replaces the whitespace `[gapStart, end of file)` after the last token. */
  end(gapStart: number, gap: string): void;
}

/**
 * Statements, for range formatting: a directive up to its `;` or `{`, a `}`, or an own-line
 * comment. A trailing comment belongs to the statement before it. Original offsets.
 */
export interface Units {
  start: number[];
  end: number[];
}

/** Walks the file once, telling `sink` what to print; returns the statement extents. */
export function layout(file: ParsedFile, opts: ResolvedOptions, sink: LayoutSink): Units {
  // Read the compact token store: no token objects for a whole file.
  const { store, source } = file;
  const pads = opts.align ? alignmentPads(file) : null;
  const eol = opts.eol;
  // Gap strings are built once per depth and shared, so a large file allocates few strings.
  const indents: string[] = [''];
  const lines: string[] = [eol];
  const blanks: string[] = [eol + eol];
  const grow = (depth: number) => {
    while (indents.length <= depth) {
      const next = indents[indents.length - 1]! + opts.indent;
      indents.push(next);
      lines.push(eol + next);
      blanks.push(eol + eol + next);
    }
  };
  /** A line break and the indentation of `depth`; with a blank line before when `blank`. */
  const newline = (depth: number, blank = false): string => {
    grow(depth);
    return blank ? blanks[depth]! : lines[depth]!;
  };
  /** Before a statement or own-line comment: at most one blank line kept, none after `{`. */
  const statementBreak = (prev: TokenKind, lfs: number, depth: number) => newline(depth, prev !== '{' && lfs >= 2);

  const units: Units = { start: [], end: [] };
  let depth = 0;
  /** Words of the current statement have been read, its `;` or `{` not yet. */
  let inStatement = false;
  /** Number of words read in the current statement. */
  let words = 0;
  /** Name token of the current statement, for alignment. */
  let nameToken = -1;
  let prevKind: TokenKind | null = null;
  /** Original offset just past the previous printed token (a comment's trimmed end). */
  let printedEnd = 0;
  let unit = -1;
  const newUnit = (start: number) => {
    unit++;
    units.start.push(start);
    units.end.push(start);
  };

  for (let i = 0; i < store.count; i++) {
    const kind = KINDS[store.kinds[i]!]!;
    if (kind === 'ws') continue;
    const start = store.starts[i]!;
    const first = prevKind === null;
    const lfs = countLF(source, printedEnd, start);
    let text = source.slice(start, store.ends[i]!);
    let gap: string;

    switch (kind) {
      case 'word':
      case 'dquote':
      case 'squote':
        if (!inStatement) {
          gap = first ? '' : statementBreak(prevKind!, lfs, depth);
          inStatement = true;
          words = 1;
          nameToken = i;
          newUnit(start);
        } else {
          words++;
          if (prevKind === 'comment' || lfs > 0) {
            // Arguments the user put on their own lines stay there, one level deeper.
            gap = newline(depth + 1);
          } else if (words === 2 && pads?.has(nameToken)) {
            gap = ' '.repeat(pads.get(nameToken)!);
          } else {
            gap = ' ';
          }
        }
        break;
      case ';':
        // After a comment the `;` must start a new line (the comment runs to the line end).
        gap = prevKind === 'comment' ? newline(depth) : '';
        inStatement = false;
        break;
      case '{':
        gap = prevKind === 'comment' ? newline(depth) : ' ';
        inStatement = false;
        depth++;
        break;
      case '}':
        depth = Math.max(0, depth - 1);
        gap = prevKind === '{' ? '' : newline(depth);
        newUnit(start);
        break;
      case 'comment':
        text = trimCommentEnd(text);
        if (!first && lfs === 0) {
          gap = ' ';
        } else if (inStatement) {
          gap = newline(depth + 1);
        } else {
          gap = first ? '' : statementBreak(prevKind!, lfs, depth);
          newUnit(start);
        }
        break;
    }

    if (unit < 0) newUnit(start);
    sink.token(i, printedEnd, start, gap, text, unit);
    printedEnd = start + text.length;
    units.end[unit] = printedEnd;
    prevKind = kind;
  }

  sink.end(printedEnd, prevKind !== null && opts.finalNewline ? eol : '');
  return units;
}

function countLF(source: string, from: number, to: number): number {
  // A plain loop over the gap: indexOf could run far past `to` on a long line.
  let n = 0;
  for (let k = from; k < to; k++) if (source.charCodeAt(k) === 10) n++;
  return n;
}

/** A comment without its trailing spaces, tabs and CR (which nginx ignores with the comment). */
export function trimCommentEnd(comment: string): string {
  let end = comment.length;
  while (end > 1) {
    const c = comment.charCodeAt(end - 1);
    if (c !== 32 && c !== 9 && c !== 13) break;
    end--;
  }
  return end === comment.length ? comment : comment.slice(0, end);
}
