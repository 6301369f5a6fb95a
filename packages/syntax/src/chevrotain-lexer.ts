/**
 * The token set as chevrotain token types: the reference definition of how a text splits into
 * tokens, read exactly as nginx's ngx_conf_read_token does: whitespace is only SP, TAB, CR and
 * LF; a word ends only at whitespace, `;` or `{`; `#` starts a comment only where a word could
 * start; `${` keeps the `{` inside the word; a backslash protects the next byte. Nothing is
 * skipped: every byte of the input lands in exactly one token, which is what makes the tree
 * lossless.
 *
 * The parser reads tokens from scanner.ts, a character loop that produces the same token store
 * several times faster (docs/performance.md); the test suite checks the two agree on every
 * fixture, every corpus file and on generated texts. This module is for that comparison and for
 * users who build chevrotain grammars on our tokens (`@mailconf/syntax/chevrotain-lexer`); the
 * `mailconf` command never loads it.
 */
import { createToken, Lexer, type IToken, type TokenType } from 'chevrotain';
import { K_WORD, K_WS, KINDS, type TokenKind, type TokenStore } from './tokens.js';

/**
 * Whitespace is matched but not materialised by chevrotain (half of all tokens): scanWithChevrotain()
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

/**
 * The characters that can start an unquoted word: all but whitespace, ; { } # and quotes.
 * chevrotain files characters from 256 up in buckets of 255 (charCodeToOptimizedIndex), so
 * one character per bucket stands for all of them: listing all 65,526 would make building
 * the lexer several milliseconds and megabytes dearer on every run.
 */
function wordStartChars(): number[] {
  const excluded = new Set([' ', '\t', '\r', '\n', ';', '{', '}', '#', '"', "'"].map((c) => c.charCodeAt(0)));
  const out: number[] = [];
  for (let c = 0; c < 256; c++) if (!excluded.has(c)) out.push(c);
  for (let bucket = Math.floor(256 / 255); bucket <= Math.floor(0xffff / 255); bucket++) out.push(Math.max(256, bucket * 255));
  return out;
}

export const allTokens: TokenType[] = [Whitespace, Comment, Semicolon, LCurly, RCurly, DoubleQuoted, SingleQuoted, Word];

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

/**
 * How much text chevrotain is given at a time. chevrotain makes an object for every token
 * (and for every whitespace run it skips); lexing a large file in one call keeps all of them
 * alive at once, hundreds of thousands, which costs more memory and garbage-collection time
 * than the rest of the parse. Lexed a slice at a time, they are copied into the compact store
 * and die young.
 */
const CHUNK = 8192;

/**
 * Splits text into tokens with chevrotain. Total: every character of `text` belongs to exactly one token.
 * `sliceSize` is how much chevrotain reads at a time (tests vary it; the result never depends on it).
 */
export function scanWithChevrotain(text: string, sliceSize = CHUNK): TokenStore {
  const lexer = getLexer();
  const codes = codeOfType!;
  const out = new StoreBuilder(text.length);
  let pos = 0;
  let size = sliceSize;
  while (pos < text.length) {
    const last = pos + size >= text.length;
    const end = last ? text.length : pos + size;
    const result = lexer.tokenize(pos === 0 && last ? text : text.slice(pos, end));
    const tokens = result.tokens;
    // chevrotain reports every character no pattern matched. Without such a report every gap
    // between tokens is whitespace it skipped, and need not be looked at again.
    out.gapsAreWhitespace = result.errors.length === 0;
    // A token that reaches the end of a slice may go on past it (a word, a quoted string or a
    // comment cut in two): it is left for the next slice, which starts where it starts. Every
    // pattern stops at a character it can see, so a token that ends before the cut is the same
    // token the whole text would give.
    let kept = pos;
    for (let i = 0; i < tokens.length; i++) {
      const t: IToken = tokens[i]!;
      const start = pos + t.startOffset;
      const stop = start + t.image.length;
      if (!last && stop >= end) break;
      out.push(codes[t.tokenTypeIdx]!, start, stop, text);
      kept = stop;
    }
    // The last slice is read whole; whitespace after its last token is filled in by finish().
    if (last) break;
    if (kept === pos) {
      // One token longer than the slice: read a longer slice (doubling keeps this linear).
      size *= 2;
      continue;
    }
    pos = kept;
    size = sliceSize;
  }
  out.finish(text);
  return out.store();
}

/** Grows the store's arrays as tokens come, and fills in the whitespace chevrotain skipped. */
class StoreBuilder {
  count = 0;
  /** End of the last token pushed. */
  pos = 0;
  kinds: Uint8Array;
  /** Token starts, plus one entry past the last token: `ends` is a view shifted by one. */
  starts: Uint32Array;

  constructor(length: number) {
    // A typical configuration has a token (whitespace included) for every five characters.
    const capacity = Math.max(16, length >>> 2);
    this.kinds = new Uint8Array(capacity);
    this.starts = new Uint32Array(capacity + 1);
  }

  /** Whether the gaps of the slice being copied are known to be whitespace (see scan). */
  gapsAreWhitespace = false;

  push(kind: number, start: number, end: number, text: string): void {
    // A gap before the token is skipped whitespace. (Anything else cannot happen with this
    // token set — Word accepts every other character — but the stream must stay total.)
    if (start > this.pos) this.add(this.gapsAreWhitespace ? K_WS : gapKind(text, this.pos, start), this.pos);
    this.add(kind, start);
    this.pos = end;
  }

  finish(text: string): void {
    if (this.pos < text.length) this.add(gapKind(text, this.pos, text.length), this.pos);
    this.starts[this.count] = text.length;
  }

  store(): TokenStore {
    const n = this.count;
    return { count: n, kinds: this.kinds.subarray(0, n), starts: this.starts.subarray(0, n), ends: this.starts.subarray(1, n + 1) };
  }

  private add(kind: number, start: number): void {
    if (this.count === this.kinds.length) this.grow();
    this.kinds[this.count] = kind;
    this.starts[this.count++] = start;
  }

  private grow(): void {
    const capacity = this.kinds.length * 2;
    const kinds = new Uint8Array(capacity);
    kinds.set(this.kinds);
    const starts = new Uint32Array(capacity + 1);
    starts.set(this.starts.subarray(0, this.count));
    this.kinds = kinds;
    this.starts = starts;
  }
}

function gapKind(text: string, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return K_WORD;
  }
  return K_WS;
}
