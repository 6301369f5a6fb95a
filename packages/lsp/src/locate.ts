/**
 * What is at a cursor: the token, the blocks around it, the statement it belongs to and
 * which of its words it is on (or would start). Works on any parse, including the broken
 * ones an editor holds while the user types (unclosed blocks, statements without `;`).
 */
import { endOffset, startOffset, tokenAt, type Directive, type Node, type ParsedFile, type Token, type Word } from '@mailconf/syntax';

export interface Located {
  /** Block directives around the cursor, outermost first. */
  ancestors: Directive[];
  /** The statement the cursor is in, if any. */
  directive: Directive | null;
  /** The word under the cursor (the cursor touching its start or end counts). */
  word: Word | null;
  /**
   * Which word of `directive` the cursor is on or would start: 0 the name, 1 the first
   * argument... -1 when there is no statement.
   */
  wordIndex: number;
  /** The token the cursor is in or right after. */
  token: Token | null;
  tokenIndex: number;
}

/**
 * Index of the last token starting before `offset` (the token the cursor is in or just after).
 * Searches the compact token store: `file.tokens` would make an object for every token of
 * the file, on every keystroke.
 */
export function tokenIndexAt(file: ParsedFile, offset: number): number {
  const { starts, count } = file.store;
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Token `i` of the file, made alone (not the whole list). */
export function tokenOf(file: ParsedFile, i: number): Token {
  return tokenAt(file.store, file.source, i);
}

/** End of a statement's own text: its `;` or `{`, or its last word when unterminated. */
export function headerEnd(d: Directive): number {
  if (d.terminatorRange) return endOffset(d.terminatorRange);
  const last = d.args[d.args.length - 1] ?? d.nameWord;
  return last ? endOffset(last.range) : startOffset(d.range);
}

function blockContains(d: Directive, offset: number, sourceLength: number): boolean {
  if (!d.block) return false;
  const open = endOffset(d.block.open);
  const close = d.block.close ? startOffset(d.block.close) : sourceLength;
  return offset >= open && offset <= close;
}

/** The last directive of a list starting at or before `offset` (binary search: blocks can hold thousands). */
function lastDirectiveBefore(nodes: readonly Node[], offset: number): Directive | null {
  let lo = 0;
  let hi = nodes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (startOffset(nodes[mid]!.range) <= offset) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0; i--) {
    const n = nodes[i]!;
    if (n.type === 'directive') return n;
  }
  return null;
}

export function locate(file: ParsedFile, offset: number): Located {
  const ancestors: Directive[] = [];
  let nodes: readonly Node[] = file.children;
  let directive: Directive | null = null;
  const len = file.source.length;
  for (;;) {
    const d = lastDirectiveBefore(nodes, offset);
    if (!d) break;
    if (d.block && blockContains(d, offset, len)) {
      ancestors.push(d);
      nodes = d.block.children;
      continue;
    }
    const start = startOffset(d.range);
    const end = headerEnd(d);
    // Inside the words of the statement, or right before its `;` / `{`.
    const termStart = d.terminatorRange ? startOffset(d.terminatorRange) : end;
    if (offset >= start && offset <= termStart) directive = d;
    else if (!d.terminator && !d.block && offset > end) {
      // After an unterminated statement: still its words while on the same line (nginx
      // would read on; on a new line the user is most likely starting a new statement).
      const gap = file.source.slice(end, offset);
      if (!/[\n\r]/.test(gap) && /^[ \t]*$/.test(gap)) directive = d;
    }
    break;
  }

  const ti = tokenIndexAt(file, offset);
  const token = ti >= 0 ? tokenOf(file, ti) : null;
  let word: Word | null = null;
  let wordIndex = -1;
  if (directive) {
    const words = directive.nameWord ? [directive.nameWord, ...directive.args] : directive.args;
    const base = directive.nameWord ? 0 : 1;
    let before = 0;
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      const ws = startOffset(w.range);
      const we = endOffset(w.range);
      if (offset >= ws && offset <= we) {
        word = w;
        wordIndex = i + base;
        break;
      }
      if (we < offset) before = i + 1;
    }
    if (!word) wordIndex = before + base;
  } else {
    // Between statements: a new statement would start here.
    wordIndex = -1;
  }
  return { ancestors, directive, word, wordIndex, token, tokenIndex: ti };
}

/** The word of a directive at index (0 = name). */
export function wordAt(d: Directive, index: number): Word | null {
  if (index === 0) return d.nameWord;
  return d.args[index - 1] ?? null;
}
