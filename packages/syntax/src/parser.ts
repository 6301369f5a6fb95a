/**
 * Builds the lossless tree from the token stream, the way nginx's ngx_conf_parse reads
 * statements, but without stopping at the first error: every syntax error is recorded
 * with nginx's own wording and line, then the parser recovers and carries on.
 *
 * Iterative (an explicit stack of open blocks), so nesting depth cannot overflow the call
 * stack, and linear in the number of tokens. It never throws on any input. It reads the
 * compact token store and creates objects only for what the tree keeps.
 */
import { K_CLOSE, K_COMMENT, K_DQUOTE, K_OPEN, K_SEMI, K_SQUOTE, K_WS, materialize, scan, type Token, type TokenStore } from './lexer.js';
import { LineIndex, SourceRange, type Range } from './positions.js';
import type { BlankLines, Block, Comment, Directive, Node, ParsedFile, SyntaxErrorCode, SyntaxIssue, Word } from './tree.js';
import { byteLength, unescapeWord } from './words.js';

/** nginx reads words into a 4096-byte buffer (config-language.md §3.6). */
const BUFFER = 4096;

export interface ParseOptions {
  /** The path to report; `-` for standard input. */
  path?: string;
}

interface Frame {
  children: Node[];
  directive: Directive | null;
}

const NO_COMMENTS: Comment[] = [];

/** A word of the tree. Its range is made when read: most words' ranges never are. */
class SyntaxWord implements Word {
  readonly #lines: LineIndex;
  constructor(
    lines: LineIndex,
    readonly raw: string,
    readonly value: string,
    readonly quote: Word['quote'],
    readonly token: number,
    readonly start: number,
  ) {
    this.#lines = lines;
  }
  get range(): Range {
    return new SourceRange(this.#lines, this.start, this.start + this.raw.length);
  }
  toJSON() {
    return { raw: this.raw, value: this.value, quote: this.quote, range: this.range, token: this.token };
  }
}

/**
 * A statement of the tree. Its ranges are made when read, from the token store: a large
 * file has tens of thousands of statements and few of their ranges are ever asked for.
 */
class SyntaxDirective implements Directive {
  readonly type = 'directive' as const;
  block: Block | null = null;
  readonly #store: TokenStore;
  readonly #lines: LineIndex;
  constructor(
    store: TokenStore,
    lines: LineIndex,
    readonly name: string,
    readonly nameWord: Word | null,
    readonly args: Word[],
    readonly terminator: Directive['terminator'],
    /** Index of the `;` or `{` token, or -1. */
    readonly terminatorToken: number,
    readonly line: number,
    readonly innerComments: Comment[],
    readonly firstToken: number,
    public lastToken: number,
  ) {
    this.#store = store;
    this.#lines = lines;
  }
  get range(): Range {
    const { starts, ends } = this.#store;
    return new SourceRange(this.#lines, starts[this.firstToken]!, ends[this.lastToken]!);
  }
  get terminatorRange(): Range | null {
    const t = this.terminatorToken;
    return t < 0 ? null : new SourceRange(this.#lines, this.#store.starts[t]!, this.#store.ends[t]!);
  }
  toJSON() {
    const { type, name, nameWord, args, terminator, block, line, innerComments, firstToken, lastToken } = this;
    return { type, name, nameWord, args, terminator, terminatorRange: this.terminatorRange, block, range: this.range, line, innerComments, firstToken, lastToken };
  }
}

/** The parse result; `tokens` is made from the store the first time it is read. */
class SyntaxFile implements ParsedFile {
  #tokens: Token[] | undefined;
  constructor(
    readonly path: string,
    readonly source: string,
    readonly store: TokenStore,
    readonly children: Node[],
    readonly errors: SyntaxIssue[],
    readonly lines: LineIndex,
  ) {}
  get tokens(): Token[] {
    this.#tokens ??= materialize(this.store, this.source);
    return this.#tokens;
  }
}

export function parse(source: string, options: ParseOptions = {}): ParsedFile {
  const store = scan(source);
  const { kinds, starts, ends, count } = store;
  const lines = new LineIndex(source);
  const errors: SyntaxIssue[] = [];
  const root: Node[] = [];
  const stack: Frame[] = [{ children: root, directive: null }];
  let pending: SyntaxWord[] = [];
  let pendingComments: Comment[] = NO_COMMENTS;
  let pendingFirst = -1;
  /** Whether a line break was seen since the last non-whitespace token (or the file start). */
  let freshLine = true;

  const range = (start: number, end: number): Range => new SourceRange(lines, start, end);
  const text = (i: number) => source.slice(starts[i]!, ends[i]!);
  const isQuote = (i: number) => i >= 0 && (kinds[i] === K_DQUOTE || kinds[i] === K_SQUOTE);
  /** A quoted token is closed when it ends with its (unescaped) quote character. */
  const closed = (i: number): boolean => {
    const s = starts[i]!;
    const e = ends[i]!;
    if (e - s < 2) return false;
    const q = source.charCodeAt(s);
    if (source.charCodeAt(e - 1) !== q) return false;
    let n = 0;
    for (let k = e - 2; k > s && source.charCodeAt(k) === 92; k--) n++;
    return n % 2 === 0;
  };
  const error = (code: SyntaxErrorCode, message: string, at: number, end: number, line?: number, hint?: string) => {
    const r = range(at, end);
    const issue: SyntaxIssue = { code, message, line: line ?? r.start.line, range: r };
    if (hint) issue.hint = hint;
    errors.push(issue);
  };
  const current = (): Frame => stack[stack.length - 1]!;
  const lineAt = (offset: number): number => lines.position(offset).line;

  const makeDirective = (terminator: Directive['terminator'], term: number, lastToken: number): Directive => {
    const nameWord = pending[0] ?? null;
    const hasTerm = term >= 0;
    const last = pending[pending.length - 1];
    const lineOffset = hasTerm ? starts[term]! : last!.start + last!.raw.length;
    const d = new SyntaxDirective(
      store,
      lines,
      nameWord ? nameWord.value : '',
      nameWord,
      pending.slice(1),
      terminator,
      term,
      lineAt(lineOffset),
      pendingComments,
      pendingFirst >= 0 ? pendingFirst : lastToken,
      lastToken,
    );
    pending = [];
    pendingComments = NO_COMMENTS;
    pendingFirst = -1;
    return d;
  };

  /** A statement cut short (by `}` or end of file): kept in the tree, without terminator. */
  const flushUnterminated = (lastToken: number) => {
    if (pending.length === 0) return;
    let last = lastToken;
    while (last > 0 && kinds[last] === K_WS) last--;
    current().children.push(makeDirective(null, -1, last));
  };

  for (let i = 0; i < count; i++) {
    const kind = kinds[i]!;
    const ts = starts[i]!;
    const te = ends[i]!;
    switch (kind) {
      case K_WS: {
        let lf = 0;
        for (let k = source.indexOf('\n', ts); k !== -1 && k < te; k = source.indexOf('\n', k + 1)) lf++;
        if (lf > 0) {
          if (pending.length === 0) {
            const blank = lf - (i === 0 ? 0 : 1);
            if (blank > 0) {
              const b: BlankLines = { type: 'blank', count: blank, range: range(ts, te) };
              current().children.push(b);
            }
          }
          freshLine = true;
        }
        break;
      }
      case K_COMMENT: {
        if (isQuote(i - 1) && closed(i - 1)) error('unexpected-after-quote', 'unexpected "#"', ts, ts + 1);
        const raw = text(i);
        const c: Comment = { type: 'comment', text: raw.slice(1), raw, range: range(ts, te), trailing: !freshLine, token: i };
        if (pending.length) {
          if (pendingComments === NO_COMMENTS) pendingComments = [];
          pendingComments.push(c);
        } else current().children.push(c);
        freshLine = false;
        break;
      }
      case K_SEMI: {
        if (pending.length === 0) error('unexpected-semicolon', 'unexpected ";"', ts, te);
        else current().children.push(makeDirective(';', i, i));
        freshLine = false;
        break;
      }
      case K_OPEN: {
        if (pending.length === 0) {
          error('unexpected-open', 'unexpected "{"', ts, te);
          pendingFirst = i;
        }
        const d = makeDirective('{', i, i);
        const block: Block = { children: [], open: range(ts, te), close: null, closeToken: null };
        d.block = block;
        current().children.push(d);
        stack.push({ children: block.children, directive: d });
        freshLine = false;
        break;
      }
      case K_CLOSE: {
        const hadPending = pending.length > 0;
        if (hadPending) {
          error('unexpected-close', 'unexpected "}"', ts, te, undefined, missingSemicolonHint(pending, lineAt));
          flushUnterminated(i - 1);
        }
        if (stack.length === 1) {
          if (!hadPending) error('unexpected-close', 'unexpected "}"', ts, te);
        } else {
          const frame = stack.pop()!;
          const d = frame.directive!;
          d.block!.close = range(ts, te);
          d.block!.closeToken = i;
          d.lastToken = i;
        }
        freshLine = false;
        break;
      }
      default: {
        // A word, quoted or not.
        const raw = text(i);
        if (isQuote(i - 1) && closed(i - 1) && raw.charCodeAt(0) !== 41 /* ) */) {
          // After a closing quote only whitespace, `;`, `{` or `)` may follow.
          const c = String.fromCodePoint(raw.codePointAt(0)!);
          error('unexpected-after-quote', `unexpected "${c}"`, ts, ts + c.length);
        }
        let quote: Word['quote'] = null;
        let inner = raw;
        const isClosed = kind !== K_DQUOTE && kind !== K_SQUOTE ? true : closed(i);
        if (kind === K_DQUOTE || kind === K_SQUOTE) {
          quote = kind === K_DQUOTE ? '"' : "'";
          inner = isClosed ? raw.slice(1, -1) : raw.slice(1);
        }
        const word = new SyntaxWord(lines, raw, unescapeWord(inner), quote, i, ts);
        if (inner.length >= BUFFER / 4) checkLength(word, inner, isClosed);
        if (pending.length === 0) pendingFirst = i;
        pending.push(word);
        freshLine = false;
        break;
      }
    }
  }

  const eofLine = lines.lineCount;
  const eof = source.length;
  if (pending.length) {
    const last = pending[pending.length - 1]!;
    const hint =
      last.quote && !closed(last.token)
        ? `the ${last.quote === '"' ? 'double' : 'single'} quote opened on line ${lineAt(last.start)} is never closed`
        : missingSemicolonHint(pending, lineAt);
    error('eof-expecting-semicolon', 'unexpected end of file, expecting ";" or "}"', eof, eof, eofLine, hint);
    flushUnterminated(count - 1);
  }
  if (stack.length > 1) {
    const open = stack[stack.length - 1]!.directive!;
    const what = open.name ? `"${open.name}"` : 'a block';
    error('eof-expecting-close', 'unexpected end of file, expecting "}"', eof, eof, eofLine, `the block of ${what} opened on line ${open.line} is never closed`);
    while (stack.length > 1) stack.pop();
  }

  return new SyntaxFile(options.path ?? '-', source, store, root, errors, lines);

  function checkLength(word: SyntaxWord, inner: string, isClosed: boolean) {
    const len = byteLength(inner);
    const line = lineAt(word.start);
    const end = word.start + word.raw.length;
    if (word.quote) {
      if (len >= BUFFER) {
        error('too-long-quoted', `too long parameter, probably missing terminating "${word.quote}" character`, word.start, end, line);
      } else if (len >= BUFFER - 1 && isClosed) {
        error('too-long-parameter', `too long parameter "${firstBytes(inner, 10)}..." started`, word.start, end, line);
      }
    } else if (len >= BUFFER) {
      error('too-long-parameter', `too long parameter "${firstBytes(inner, 10)}..." started`, word.start, end, line);
    }
  }
}

function firstBytes(s: string, n: number): string {
  const bytes = new TextEncoder().encode(s.slice(0, n));
  return new TextDecoder().decode(bytes.slice(0, n));
}

/** When a statement is cut short, a missing `;` is the usual cause: say where it belongs. */
function missingSemicolonHint(words: SyntaxWord[], lineAt: (offset: number) => number): string | undefined {
  if (words.length === 0) return undefined;
  const last = words[words.length - 1]!;
  return `missing ";" after "${last.raw}" on line ${lineAt(last.start + last.raw.length)}?`;
}

