/**
 * The tokenizer, as a chevrotain lexer. It reads exactly as nginx's ngx_conf_read_token
 * does (see docs/syntax.md): whitespace is only SP, TAB, CR and LF; a word ends only at
 * whitespace, `;` or `{`; `#` starts a comment only where a word could start; `${` keeps
 * the `{` inside the word; a backslash protects the next byte. Nothing is skipped: every
 * byte of the input lands in exactly one token, which is what makes the tree lossless.
 */
import { createToken, Lexer, type IToken, type TokenType } from 'chevrotain';

/**
 * Whitespace is matched but not materialised by chevrotain (half of all tokens): tokenize()
 * rebuilds it from the gaps between the other tokens, so the stream stays total.
 */
export const Whitespace = createToken({ name: 'Whitespace', pattern: /[ \t\r\n]+/, line_breaks: true, group: Lexer.SKIPPED });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n]*/, line_breaks: false });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/ });
export const LCurly = createToken({ name: 'LCurly', pattern: /\{/ });
export const RCurly = createToken({ name: 'RCurly', pattern: /\}/ });
/** A double-quoted word; the closing quote is optional so an unterminated one runs to EOF. */
export const DoubleQuoted = createToken({
  name: 'DoubleQuoted',
  pattern: /"(?:[^"\\]|\\[\s\S]?)*"?/,
  line_breaks: true,
});
export const SingleQuoted = createToken({
  name: 'SingleQuoted',
  pattern: /'(?:[^'\\]|\\[\s\S]?)*'?/,
  line_breaks: true,
});
/**
 * An unquoted word. It may start with anything but whitespace, `;`, `{`, `}`, `#` and
 * quotes; inside it only whitespace, `;` and `{` end it, except a `{` right after `$`.
 */
export const Word = createToken({
  name: 'Word',
  pattern: /(?:[^ \t\r\n;{}#"'\\$]|\\[\s\S]?|\$\{*)(?:[^ \t\r\n;{\\$]|\\[\s\S]?|\$\{*)*/,
  line_breaks: true,
  // chevrotain cannot read the first characters of a complement set by itself; listing them
  // keeps its first-character dispatch on (a several-fold speed-up on large files).
  start_chars_hint: wordStartChars(),
});

/** Every UTF-16 code unit that can start an unquoted word: all but whitespace, ; { } # and quotes. */
function wordStartChars(): number[] {
  const excluded = new Set([' ', '\t', '\r', '\n', ';', '{', '}', '#', '"', "'"].map((c) => c.charCodeAt(0)));
  const out: number[] = [];
  for (let c = 0; c < 0x10000; c++) if (!excluded.has(c)) out.push(c);
  return out;
}

export const allTokens: TokenType[] = [Whitespace, Comment, Semicolon, LCurly, RCurly, DoubleQuoted, SingleQuoted, Word];

export type TokenKind = 'ws' | 'comment' | ';' | '{' | '}' | 'dquote' | 'squote' | 'word';

const kindOf = new Map<TokenType, TokenKind>([
  [Whitespace, 'ws'],
  [Comment, 'comment'],
  [Semicolon, ';'],
  [LCurly, '{'],
  [RCurly, '}'],
  [DoubleQuoted, 'dquote'],
  [SingleQuoted, 'squote'],
  [Word, 'word'],
]);

export interface Token {
  kind: TokenKind;
  text: string;
  /** UTF-16 offset of the first character. */
  start: number;
  /** UTF-16 offset just past the last character. */
  end: number;
}

/** Token kinds as small numbers, for the compact token store. */
export const KINDS: readonly TokenKind[] = ['ws', 'comment', ';', '{', '}', 'dquote', 'squote', 'word'];
export const K_WS = 0;
export const K_COMMENT = 1;
export const K_SEMI = 2;
export const K_OPEN = 3;
export const K_CLOSE = 4;
export const K_DQUOTE = 5;
export const K_SQUOTE = 6;
export const K_WORD = 7;

/**
 * All tokens of a text as three parallel arrays (kind, start, end): a large file has hundreds
 * of thousands of tokens, and objects for each would cost more memory than the text itself.
 * `Token` objects are made from it only when asked for (`materialize`).
 */
export interface TokenStore {
  count: number;
  kinds: Uint8Array;
  starts: Uint32Array;
  ends: Uint32Array;
}

let lexer: Lexer | undefined;
let codeOfType: Uint8Array | undefined;

function getLexer(): Lexer {
  // Built lazily: chevrotain analyses the patterns once, which costs a few milliseconds.
  if (!lexer) {
    lexer = new Lexer(allTokens, {
      positionTracking: 'onlyOffset',
      ensureOptimizations: true,
      skipValidations: true,
    });
    codeOfType = new Uint8Array(Math.max(...allTokens.map((t) => t.tokenTypeIdx ?? 0)) + 1);
    for (const t of allTokens) codeOfType[t.tokenTypeIdx!] = KINDS.indexOf(kindOf.get(t)!);
  }
  return lexer;
}

/** Splits text into tokens. Total: every character of `text` belongs to exactly one token. */
export function scan(text: string): TokenStore {
  const result = getLexer().tokenize(text);
  const codes = codeOfType!;
  const n = result.tokens.length;
  // Each chevrotain token may be preceded by a whitespace gap, and one may trail.
  const kinds = new Uint8Array(2 * n + 1);
  const starts = new Uint32Array(2 * n + 1);
  const ends = new Uint32Array(2 * n + 1);
  let count = 0;
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const t: IToken = result.tokens[i]!;
    const start = t.startOffset;
    // A gap is skipped whitespace. (Anything else cannot happen with this token set — Word
    // accepts every other character — but the stream must stay total whatever the lexer does.)
    if (start > pos) {
      kinds[count] = gapKind(text, pos, start);
      starts[count] = pos;
      ends[count++] = start;
    }
    pos = start + t.image.length;
    kinds[count] = codes[t.tokenTypeIdx]!;
    starts[count] = start;
    ends[count++] = pos;
  }
  if (pos < text.length) {
    kinds[count] = gapKind(text, pos, text.length);
    starts[count] = pos;
    ends[count++] = text.length;
  }
  return { count, kinds: kinds.subarray(0, count), starts: starts.subarray(0, count), ends: ends.subarray(0, count) };
}

export function tokenAt(store: TokenStore, text: string, i: number): Token {
  const start = store.starts[i]!;
  const end = store.ends[i]!;
  return { kind: KINDS[store.kinds[i]!]!, text: text.slice(start, end), start, end };
}

export function materialize(store: TokenStore, text: string): Token[] {
  const out: Token[] = new Array(store.count);
  for (let i = 0; i < store.count; i++) out[i] = tokenAt(store, text, i);
  return out;
}

export function tokenize(text: string): Token[] {
  return materialize(scan(text), text);
}

const WS = /^[ \t\r\n]+$/;

function gapKind(text: string, start: number, end: number): number {
  return WS.test(text.slice(start, end)) ? K_WS : K_WORD;
}
