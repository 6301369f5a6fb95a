/**
 * Positions in a source text.
 *
 * Offsets are UTF-16 code-unit indexes into the JavaScript string (what editors and the
 * language server use). `line` is nginx's line: 1 + the number of LF bytes before the
 * offset (a bare CR never starts a line for nginx). `column` is 1-based, in UTF-16 code
 * units from the last LF.
 */
export interface Position {
  offset: number;
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** An editor position: 0-based line and UTF-16 character, lines split at CR, LF and CRLF. */
export interface EditorPosition {
  line: number;
  character: number;
}

/**
 * Maps offsets to positions for one text. Built once per text in O(n); each lookup is a
 * binary search, so random access stays cheap on very large files.
 */
export class LineIndex {
  /** Offsets at which an nginx line starts (after each LF). */
  private readonly lfStarts: number[];
  /** Offsets at which an editor line starts (after CRLF, LF or a bare CR). */
  private editorStarts: number[] | undefined;

  constructor(readonly text: string) {
    const starts = [0];
    let i = text.indexOf('\n');
    while (i !== -1) {
      starts.push(i + 1);
      i = text.indexOf('\n', i + 1);
    }
    this.lfStarts = starts;
  }

  /** Number of nginx lines: 1 + number of LF. This is the line nginx reports at end of file. */
  get lineCount(): number {
    return this.lfStarts.length;
  }

  position(offset: number): Position {
    const line = upperBound(this.lfStarts, offset);
    return { offset, line, column: offset - this.lfStarts[line - 1]! + 1 };
  }

  /** A range whose positions are computed when read (most ranges of a large file never are). */
  range(start: number, end: number): Range {
    return new SourceRange(this, start, end);
  }

  /** Offset where nginx line `line` (1-based) starts. */
  lineStart(line: number): number {
    return this.lfStarts[Math.min(Math.max(line, 1), this.lfStarts.length) - 1]!;
  }

  editorPosition(offset: number): EditorPosition {
    // Between the CR and the LF of a CRLF is no place in an editor's line: the end of the line.
    const t = this.text;
    const at = offset > 0 && t.charCodeAt(offset) === 10 && t.charCodeAt(offset - 1) === 13 ? offset - 1 : offset;
    const starts = this.getEditorStarts();
    const line = upperBound(starts, at) - 1;
    return { line, character: at - starts[line]! };
  }

  offsetAt(pos: EditorPosition): number {
    const starts = this.getEditorStarts();
    if (pos.line < 0) return 0;
    if (pos.line >= starts.length) return this.text.length;
    const lineStart = starts[pos.line]!;
    let end = this.text.length;
    if (pos.line + 1 < starts.length) {
      // A character past the line's end means its end (LSP), before the CR, LF or CRLF.
      end = starts[pos.line + 1]! - 1;
      if (this.text.charCodeAt(end) === 10 && end > lineStart && this.text.charCodeAt(end - 1) === 13) end--;
    }
    return Math.min(lineStart + Math.max(pos.character, 0), end);
  }

  private getEditorStarts(): number[] {
    if (!this.editorStarts) {
      const starts = [0];
      const t = this.text;
      for (let i = 0; i < t.length; i++) {
        const c = t.charCodeAt(i);
        if (c === 10) starts.push(i + 1);
        else if (c === 13) {
          if (t.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
      this.editorStarts = starts;
    }
    return this.editorStarts;
  }
}

/** Number of elements of the sorted array that are <= value. */
function upperBound(arr: number[], value: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A range that stores only its offsets and computes line and column when asked: a parse of a
 * large file creates hundreds of thousands of ranges and reads few of them.
 */
export class SourceRange implements Range {
  readonly #index: LineIndex;
  constructor(
    index: LineIndex,
    readonly startOffset: number,
    readonly endOffset: number,
  ) {
    this.#index = index;
  }
  get start(): Position {
    return this.#index.position(this.startOffset);
  }
  get end(): Position {
    return this.#index.position(this.endOffset);
  }
  toJSON(): { start: Position; end: Position } {
    return { start: this.start, end: this.end };
  }
  /** From this range's start to the end of `other`, in the same text. */
  through(other: SourceRange): SourceRange {
    return new SourceRange(this.#index, this.startOffset, other.endOffset);
  }
}

/**
 * From the start of `a` to the end of `b` (a statement to its `;`, a block's opening to its
 * `}`). Lazy like SourceRange when both are: a report of thousands of problems makes one such
 * range per problem, and reads the positions of few.
 */
export function spanRange(a: Range, b: Range): Range {
  if (a instanceof SourceRange && b instanceof SourceRange) return a.through(b);
  return { start: a.start, end: b.end };
}

/** The start offset of a range without computing its line and column. */
export function startOffset(r: Range): number {
  return r instanceof SourceRange ? r.startOffset : r.start.offset;
}

/** The end offset of a range without computing its line and column. */
export function endOffset(r: Range): number {
  return r instanceof SourceRange ? r.endOffset : r.end.offset;
}
