/**
 * Builds the lossless tree from the token stream, the way nginx's ngx_conf_parse reads
 * statements, but without stopping at the first error: every syntax error is recorded
 * with nginx's own wording and line, then the parser recovers and carries on.
 *
 * Iterative (an explicit stack of open blocks), so nesting depth cannot overflow the call
 * stack, and linear in the number of tokens. It never throws on any input. It reads the
 * compact token store and creates objects only for what the tree keeps.
 */
import { scan } from './scanner.js';
import { K_CLOSE, K_COMMENT, K_DQUOTE, K_OPEN, K_SEMI, K_SQUOTE, K_WORD, K_WS, materialize, type Token, type TokenStore } from './tokens.js';
import { LineIndex, SourceRange, type Range } from './positions.js';
import type { BlankLines, Block, Comment, Directive, Node, ParsedFile, SyntaxErrorCode, SyntaxIssue, Terminator, Word } from './tree.js';
import { byteLength, unescapeWord } from './words.js';
import type { SourceEncoding } from './source.js';

/** nginx reads words into a 4096-byte buffer (config-language.md §3.6). */
const BUFFER = 4096;
/**
 * Tokens shorter than this (in characters, up to 4 bytes each) cannot fill the buffer: the
 * parser and the formatter's check of its result look at longer ones only.
 */
export const MIN_LONG_CHARS = (BUFFER - 2) / 4;

export interface ParseOptions {
  /** The path to report; `-` for standard input. */
  path?: string;
  /**
   * `eager` (default): the tree is built in the same pass that finds the errors. `lazy`: only
   * the errors now; the tree on the first read of `children` (a second pass), for callers
   * that usually want the errors alone (`mailconf parse`).
   */
  tree?: 'eager' | 'lazy';
  /**
   * How the file's bytes became this text (default utf8): nginx counts a word's length in
   * bytes, which for a Latin-1 file are its characters.
   */
  encoding?: SourceEncoding;
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
 * The words of a file's statements, as token indexes in one growing array that the
 * statements share. A large file has a hundred thousand words and the checker needs the
 * values of most of them once and the objects of few: a word object, with its two strings,
 * is made only when a statement's `args` or `nameWord` is read, and a value is read from
 * the text without one (`argValue`).
 */
class StatementWords {
  tokens = new Int32Array(1024);
  length = 0;
  constructor(
    readonly store: TokenStore,
    readonly source: string,
    readonly lines: LineIndex,
  ) {}

  /** Appends a statement's word tokens; returns where they start. */
  add(words: readonly number[]): number {
    const at = this.length;
    if (at + words.length > this.tokens.length) {
      const grown = new Int32Array(Math.max(this.tokens.length * 2, at + words.length));
      grown.set(this.tokens.subarray(0, at));
      this.tokens = grown;
    }
    for (let k = 0; k < words.length; k++) this.tokens[at + k] = words[k]!;
    this.length = at + words.length;
    return at;
  }

  /** wordParts() inlined: this runs for every word read and should not allocate a parts object each time. */
  word(k: number): SyntaxWord {
    const i = this.tokens[k]!;
    const kind = this.store.kinds[i]!;
    const s = this.store.starts[i]!;
    const e = this.store.ends[i]!;
    const raw = this.source.slice(s, e);
    if (kind !== K_DQUOTE && kind !== K_SQUOTE) return new SyntaxWord(this.lines, raw, unescapeWord(raw), null, i, s);
    const inner = closedQuote(this.source, s, e) ? raw.slice(1, -1) : raw.slice(1);
    return new SyntaxWord(this.lines, raw, unescapeWord(inner), kind === K_DQUOTE ? '"' : "'", i, s);
  }

  /** The value of word `k` (what `word(k).value` is), with no word object. */
  value(k: number): string {
    const i = this.tokens[k]!;
    const kind = this.store.kinds[i]!;
    const s = this.store.starts[i]!;
    const e = this.store.ends[i]!;
    if (kind !== K_DQUOTE && kind !== K_SQUOTE) return unescapeWord(this.source.slice(s, e));
    return unescapeWord(this.source.slice(s + 1, closedQuote(this.source, s, e) ? e - 1 : e));
  }
}

/** A comment of the tree; its text and range are read from the token store when asked for. */
class SyntaxComment implements Comment {
  readonly type = 'comment' as const;
  readonly #words: StatementWords;
  constructor(
    words: StatementWords,
    readonly token: number,
    readonly trailing: boolean,
  ) {
    this.#words = words;
  }
  get raw(): string {
    const { starts, ends } = this.#words.store;
    return this.#words.source.slice(starts[this.token]!, ends[this.token]!);
  }
  get text(): string {
    return this.raw.slice(1);
  }
  get range(): Range {
    const { starts, ends } = this.#words.store;
    return new SourceRange(this.#words.lines, starts[this.token]!, ends[this.token]!);
  }
  toJSON() {
    return { type: this.type, text: this.text, raw: this.raw, range: this.range, trailing: this.trailing, token: this.token };
  }
}

/**
 * A statement of the tree. Its ranges and word objects are made when read, from the token
 * store: a large file has tens of thousands of statements and few of their ranges and words
 * are ever asked for. Kept objects are what garbage collection copies, so the fewer the
 * faster a large file is checked.
 */
class SyntaxDirective implements Directive {
  readonly type = 'directive' as const;
  block: Block | null = null;
  readonly #words: StatementWords;
  /** Where this statement's words start in `#words`, and how many there are (name included). */
  readonly #at: number;
  readonly #count: number;
  #nameWord: Word | null | undefined;
  #args: Word[] | undefined;
  /** A plain field, not a getter: the checker reads it for every statement, many times. */
  readonly argCount: number;
  constructor(
    words: StatementWords,
    at: number,
    count: number,
    readonly name: string,
    readonly terminator: Directive['terminator'],
    /** Index of the `;` or `{` token, or -1. */
    readonly terminatorToken: number,
    readonly line: number,
    readonly innerComments: Comment[],
    readonly firstToken: number,
    public lastToken: number,
  ) {
    this.#words = words;
    this.#at = at;
    this.#count = count;
    this.argCount = count > 0 ? count - 1 : 0;
  }
  get nameWord(): Word | null {
    if (this.#nameWord === undefined) this.#nameWord = this.#count ? this.#words.word(this.#at) : null;
    return this.#nameWord;
  }
  get args(): Word[] {
    if (!this.#args) {
      const n = this.argCount;
      const args: Word[] = new Array(n);
      for (let k = 0; k < n; k++) args[k] = this.#words.word(this.#at + 1 + k);
      this.#args = args;
    }
    return this.#args;
  }
  argValue(i: number): string {
    // A missing argument reads as empty: a statement with too few arguments is reported
    // (argument-count) and still reaches the checks that read it, which must never stop on it.
    if (i < 0 || i >= this.argCount) return '';
    if (this.#args) return this.#args[i]!.value;
    return this.#words.value(this.#at + 1 + i);
  }
  get range(): Range {
    const { starts, ends } = this.#words.store;
    return new SourceRange(this.#words.lines, starts[this.firstToken]!, ends[this.lastToken]!);
  }
  get terminatorRange(): Range | null {
    const t = this.terminatorToken;
    const store = this.#words.store;
    return t < 0 ? null : new SourceRange(this.#words.lines, store.starts[t]!, store.ends[t]!);
  }
  toJSON() {
    const { type, name, nameWord, args, terminator, block, line, innerComments, firstToken, lastToken } = this;
    return { type, name, nameWord, args, terminator, terminatorRange: this.terminatorRange, block, range: this.range, line, innerComments, firstToken, lastToken };
  }
}

/**
 * Parses a text: every syntax error, and the tree (now, or with `tree: 'lazy'` on first use,
 * so a caller that only wants the errors never pays for one object per statement and word).
 */
export function parse(source: string, options: ParseOptions = {}): ParsedFile {
  const store = scan(source);
  const file = new SyntaxFile(options.path ?? '-', source, store, options.encoding ?? 'utf8');
  const builder = options.tree === 'lazy' ? null : file.treeBuilder();
  file.mayInclude = read(store, source, () => file.lines, file.errors, builder, file.encoding);
  if (builder) file.adoptTree(builder.root);
  return file;
}

/** The parse result; `children`, `tokens` and `lines` are made the first time they are read. */
class SyntaxFile implements ParsedFile {
  errors: SyntaxIssue[] = [];
  mayInclude = true;
  #children: Node[] | undefined;
  #tokens: Token[] | undefined;
  #lines: LineIndex | undefined;
  constructor(
    readonly path: string,
    readonly source: string,
    readonly store: TokenStore,
    readonly encoding: SourceEncoding,
  ) {}
  get lines(): LineIndex {
    this.#lines ??= new LineIndex(this.source);
    return this.#lines;
  }
  get children(): Node[] {
    if (!this.#children) {
      const builder = this.treeBuilder();
      read(this.store, this.source, () => this.lines, null, builder, this.encoding);
      this.#children = builder.root;
    }
    return this.#children;
  }
  treeBuilder(): TreeBuilder {
    return new TreeBuilder(this.store, this.source, this.lines);
  }
  adoptTree(root: Node[]): void {
    this.#children = root;
  }
  get tokens(): Token[] {
    this.#tokens ??= materialize(this.store, this.source);
    return this.#tokens;
  }
}

/**
 * Reads the statements of a token stream the way ngx_conf_parse does: records every syntax
 * error (when `errors` is given) and reports each statement to `builder` (when given).
 * Words, comments and open blocks are tracked as token indexes, so with no builder nothing
 * is allocated per statement. Returns whether any statement is named `include`.
 */
function read(store: TokenStore, source: string, lines: () => LineIndex, errors: SyntaxIssue[] | null, builder: TreeBuilder | null, encoding: SourceEncoding): boolean {
  const { kinds, starts, ends, count } = store;
  /** Token indexes of the words of the statement being read. */
  const pending: number[] = [];
  /** Token indexes of comments written between those words, and whether each followed a word on its line. */
  const pendingComments: number[] = [];
  const pendingTrailing: boolean[] = [];
  let pendingFirst = -1;
  /** The `{` token of each open block. */
  const open: number[] = [];
  /** Whether a line break was seen since the last non-whitespace token (or the file start). */
  let freshLine = true;
  let mayInclude = false;

  const isQuote = (i: number) => i >= 0 && (kinds[i] === K_DQUOTE || kinds[i] === K_SQUOTE);
  const closed = (i: number) => closedQuote(source, starts[i]!, ends[i]!);
  const lineAt = (offset: number): number => lines().position(offset).line;
  const error = (code: SyntaxErrorCode, message: string, at: number, end: number, line?: number, hint?: string) => {
    if (!errors) return;
    const r = new SourceRange(lines(), at, end);
    const issue: SyntaxIssue = { code, message, line: line ?? r.start.line, range: r };
    if (hint) issue.hint = hint;
    errors.push(issue);
  };
  /** When a statement is cut short, a missing `;` is the usual cause: say where it belongs. */
  const missingSemicolonHint = (): string | undefined => {
    if (pending.length === 0) return undefined;
    const last = pending[pending.length - 1]!;
    return `missing ";" after "${source.slice(starts[last]!, ends[last]!)}" on line ${lineAt(ends[last]!)}?`;
  };
  const endStatement = (terminator: Terminator, term: number, lastToken: number) => {
    if (pending.length && isIncludeWord(source, kinds[pending[0]!]!, starts[pending[0]!]!, ends[pending[0]!]!)) mayInclude = true;
    builder?.statement(pending, pendingComments, pendingTrailing, terminator, term, pendingFirst >= 0 ? pendingFirst : lastToken, lastToken);
    pending.length = 0;
    pendingComments.length = 0;
    pendingTrailing.length = 0;
    pendingFirst = -1;
  };
  /** A statement cut short (by `}` or end of file): kept in the tree, without terminator. */
  const flushUnterminated = (lastToken: number) => {
    if (pending.length === 0) return;
    let last = lastToken;
    while (last > 0 && kinds[last] === K_WS) last--;
    endStatement(null, -1, last);
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
            if (blank > 0) builder?.blank(blank, ts, te);
          }
          freshLine = true;
        }
        break;
      }
      case K_COMMENT: {
        if (isQuote(i - 1) && closed(i - 1)) error('unexpected-after-quote', 'unexpected "#"', ts, ts + 1);
        else if (errors && te - ts >= MIN_LONG_CHARS) checkCommentLength(ts);
        if (pending.length) {
          pendingComments.push(i);
          pendingTrailing.push(!freshLine);
        } else builder?.comment(i, !freshLine);
        freshLine = false;
        break;
      }
      case K_SEMI: {
        if (pending.length === 0) error('unexpected-semicolon', 'unexpected ";"', ts, te);
        else endStatement(';', i, i);
        freshLine = false;
        break;
      }
      case K_OPEN: {
        if (pending.length === 0) {
          error('unexpected-open', 'unexpected "{"', ts, te);
          pendingFirst = i;
        }
        endStatement('{', i, i);
        open.push(i);
        freshLine = false;
        break;
      }
      case K_CLOSE: {
        const hadPending = pending.length > 0;
        if (hadPending) {
          error('unexpected-close', 'unexpected "}"', ts, te, undefined, missingSemicolonHint());
          flushUnterminated(i - 1);
        }
        if (open.length === 0) {
          if (!hadPending) error('unexpected-close', 'unexpected "}"', ts, te);
        } else {
          open.pop();
          builder?.close(i);
        }
        freshLine = false;
        break;
      }
      default: {
        // A word, quoted or not.
        if (isQuote(i - 1) && closed(i - 1) && source.charCodeAt(ts) !== 41 /* ) */) {
          // After a closing quote only whitespace, `;`, `{` or `)` may follow.
          const c = String.fromCodePoint(source.codePointAt(ts)!);
          error('unexpected-after-quote', `unexpected "${c}"`, ts, ts + c.length);
        }
        if (errors && te - ts >= MIN_LONG_CHARS) checkLength(i);
        if (pending.length === 0) pendingFirst = i;
        pending.push(i);
        freshLine = false;
        break;
      }
    }
  }

  const eof = source.length;
  if (pending.length) {
    const last = pending[pending.length - 1]!;
    const hint =
      isQuote(last) && !closed(last)
        ? `the ${kinds[last] === K_DQUOTE ? 'double' : 'single'} quote opened on line ${lineAt(starts[last]!)} is never closed`
        : missingSemicolonHint();
    error('eof-expecting-semicolon', 'unexpected end of file, expecting ";" or "}"', eof, eof, errors ? lines().lineCount : 0, hint);
    flushUnterminated(count - 1);
  }
  if (open.length) {
    const brace = open[open.length - 1]!;
    const what = nameBefore(brace);
    error('eof-expecting-close', 'unexpected end of file, expecting "}"', eof, eof, errors ? lines().lineCount : 0, `the block of ${what ? `"${what}"` : 'a block'} opened on line ${errors ? lineAt(starts[brace]!) : 0} is never closed`);
  }
  return mayInclude;

  /** The name of the statement a `{` opened: its first word, found by walking back. */
  function nameBefore(brace: number): string {
    let first = -1;
    for (let k = brace - 1; k >= 0; k--) {
      const kd = kinds[k]!;
      if (kd === K_SEMI || kd === K_OPEN || kd === K_CLOSE) break;
      if (kd !== K_WS && kd !== K_COMMENT) first = k;
    }
    return first < 0 ? '' : wordParts(source, kinds[first]!, starts[first]!, ends[first]!).value;
  }

  /** The first 10 bytes of a text, as nginx prints them (`%*s`). */
  function first10(t: string): string {
    return encoding === 'latin1' ? t.slice(0, 10) : firstBytes(t, 10);
  }

  /** Bytes of the file from offset s to e, as nginx counts them. */
  function bytes(s: number, e: number): number {
    return encoding === 'latin1' ? e - s : byteLength(source.slice(s, e));
  }

  /**
   * nginx reads a file through a 4096-byte buffer and refuses a token whose span no longer fits
   * in it when the buffer must be filled again (ngx_conf_read_token). The span starts at the
   * token (after an opening quote) and ends where nginx next notes a start: a `;` or `{` that
   * ends the statement, or the first character read between tokens. So the whitespace byte that
   * ends a word, or follows a closing quote, counts, and a `;` or `{` right after does not.
   * The check is made only when a byte is left to read, so a token that reaches the end of the
   * file may be one byte longer.
   */
  function checkLength(i: number) {
    const at = starts[i]!;
    const end = ends[i]!;
    const kind = kinds[i]!;
    const line = lineAt(at);
    /** Bytes read after the token before a start is noted: the whitespace byte after it, if more follows. */
    const next = source.charCodeAt(end);
    const trailing = (next === 32 || next === 9 || next === 13 || next === 10) && end + 1 < source.length ? 1 : 0;
    if (kind === K_DQUOTE || kind === K_SQUOTE) {
      const isClosed = closedQuote(source, at, end);
      const inner = bytes(at + 1, isClosed ? end - 1 : end);
      // Still inside the quotes when the buffer is full.
      if (inner >= BUFFER + (isClosed ? 0 : 1)) {
        error('too-long-quoted', `too long parameter, probably missing terminating "${source[at]}" character`, at, end, line);
        return;
      }
      if (!isClosed || end >= source.length) return;
      if (inner + 1 + trailing >= BUFFER) error('too-long-parameter', `too long parameter "${first10(source.slice(at + 1, end))}..." started`, at, end, line);
      return;
    }
    const word = bytes(at, end);
    // To the end of the file: refused only when a byte is left to read with the buffer full.
    if (word + trailing >= BUFFER + (end >= source.length ? 1 : 0)) error('too-long-parameter', `too long parameter "${first10(source.slice(at, end))}..." started`, at, end, line);
  }

  /** A comment's span runs from `#` to the line feed that ends it (spaces and CR included). */
  function checkCommentLength(at: number) {
    const lf = source.indexOf('\n', at);
    // To the end of the file: refused only when a byte is left to read with the buffer full.
    const end = lf === -1 ? source.length : lf;
    if (bytes(at, end) >= BUFFER + (lf === -1 ? 1 : 0)) error('too-long-parameter', `too long parameter "${first10(source.slice(at, end))}..." started`, at, end, lineAt(at));
  }
}

/** A quoted token is closed when it ends with its (unescaped) quote character. */
function closedQuote(source: string, s: number, e: number): boolean {
  if (e - s < 2) return false;
  const q = source.charCodeAt(s);
  if (source.charCodeAt(e - 1) !== q) return false;
  let n = 0;
  for (let k = e - 2; k > s && source.charCodeAt(k) === 92; k--) n++;
  return n % 2 === 0;
}

/** A word token's parts: what is inside the quotes, the quote, and nginx's value. */
function wordParts(source: string, kind: number, s: number, e: number): { raw: string; inner: string; value: string; quote: Word['quote']; closed: boolean } {
  const raw = source.slice(s, e);
  if (kind !== K_DQUOTE && kind !== K_SQUOTE) return { raw, inner: raw, value: unescapeWord(raw), quote: null, closed: true };
  const closed = closedQuote(source, s, e);
  const inner = closed ? raw.slice(1, -1) : raw.slice(1);
  return { raw, inner, value: unescapeWord(inner), quote: kind === K_DQUOTE ? '"' : "'", closed };
}

/** Whether a word reads as `include` (checked by characters: no string is made for other names). */
function isIncludeWord(source: string, kind: number, s: number, e: number): boolean {
  const c = source.charCodeAt(s);
  // `include` as written, or quoted, or with escapes: only these can start like this.
  if (c !== 105 /* i */ && c !== 34 && c !== 39 && c !== 92) return false;
  if (kind === K_WORD && e - s === 7) return source.startsWith('include', s);
  return e - s <= 32 && wordParts(source, kind, s, e).value === 'include';
}

/** Builds the tree's objects from the statements `read` reports. */
class TreeBuilder {
  readonly root: Node[] = [];
  private readonly frames: { children: Node[]; directive: SyntaxDirective | null }[] = [{ children: this.root, directive: null }];
  private line = 1;
  private readonly words: StatementWords;
  private readonly names = new Map<string, string>();

  constructor(
    private readonly store: TokenStore,
    private readonly source: string,
    private readonly lines: LineIndex,
  ) {
    this.words = new StatementWords(store, source, lines);
  }

  private get children(): Node[] {
    return this.frames[this.frames.length - 1]!.children;
  }

  private range(start: number, end: number): Range {
    return new SourceRange(this.lines, start, end);
  }

  blank(count: number, start: number, end: number): void {
    const b: BlankLines = { type: 'blank', count, range: this.range(start, end) };
    this.children.push(b);
  }

  comment(i: number, trailing: boolean): void {
    this.children.push(this.makeComment(i, trailing));
  }

  private makeComment(i: number, trailing: boolean): Comment {
    return new SyntaxComment(this.words, i, trailing);
  }

  /**
   * A statement's name, one string per distinct name: the checker looks names up in maps
   * for every statement, and one kept string per name is less to copy than one per statement.
   */
  private nameOf(i: number): string {
    const kind = this.store.kinds[i]!;
    const s = this.store.starts[i]!;
    const e = this.store.ends[i]!;
    if (kind !== K_WORD || e - s > 64) return wordParts(this.source, kind, s, e).value;
    const raw = this.source.slice(s, e);
    const known = this.names.get(raw);
    if (known !== undefined) return known;
    const value = unescapeWord(raw);
    this.names.set(raw, value);
    return value;
  }

  /**
   * The nginx line of an offset. Statements are reported in order, so the line only moves
   * forward: a cursor instead of a search (and no position object) per statement.
   */
  private lineOf(offset: number): number {
    const lines = this.lines;
    while (this.line < lines.lineCount && lines.lineStart(this.line + 1) <= offset) this.line++;
    return this.line;
  }

  statement(words: readonly number[], comments: readonly number[], trailing: readonly boolean[], terminator: Terminator, term: number, firstToken: number, lastToken: number): void {
    const { starts, ends } = this.store;
    const at = this.words.add(words);
    const name = words.length ? this.nameOf(words[0]!) : '';
    const innerComments = comments.length ? comments.map((c, k) => this.makeComment(c, trailing[k]!)) : NO_COMMENTS;
    const lineOffset = term >= 0 ? starts[term]! : ends[words[words.length - 1]!]!;
    const d = new SyntaxDirective(this.words, at, words.length, name, terminator, term, this.lineOf(lineOffset), innerComments, firstToken, lastToken);
    this.children.push(d);
    if (terminator === '{') {
      const block: Block = { children: [], open: this.range(starts[term]!, ends[term]!), close: null, closeToken: null };
      d.block = block;
      this.frames.push({ children: block.children, directive: d });
    }
  }

  close(i: number): void {
    const frame = this.frames.pop()!;
    const d = frame.directive!;
    d.block!.close = this.range(this.store.starts[i]!, this.store.ends[i]!);
    d.block!.closeToken = i;
    d.lastToken = i;
  }
}

function firstBytes(s: string, n: number): string {
  const bytes = new TextEncoder().encode(s.slice(0, n));
  return new TextDecoder().decode(bytes.slice(0, n));
}
