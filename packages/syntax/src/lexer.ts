/**
 * The tokenizer, as a chevrotain lexer. It reads exactly as nginx's ngx_conf_read_token
 * does (see docs/syntax.md): whitespace is only SP, TAB, CR and LF; a word ends only at
 * whitespace, `;` or `{`; `#` starts a comment only where a word could start; `${` keeps
 * the `{` inside the word; a backslash protects the next byte. Nothing is skipped: every
 * byte of the input lands in exactly one token, which is what makes the tree lossless.
 */
import { createToken, Lexer, type IToken, type TokenType } from 'chevrotain';

export const Whitespace = createToken({ name: 'Whitespace', pattern: /[ \t\r\n]+/, line_breaks: true });
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
});

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

let lexer: Lexer | undefined;

function getLexer(): Lexer {
  // Built lazily: chevrotain analyses the patterns once, which costs a few milliseconds.
  lexer ??= new Lexer(allTokens, {
    positionTracking: 'onlyOffset',
    ensureOptimizations: false,
    skipValidations: true,
  });
  return lexer;
}

/** Splits text into tokens. Total: every character of `text` belongs to exactly one token. */
export function tokenize(text: string): Token[] {
  const result = getLexer().tokenize(text);
  const out: Token[] = [];
  let pos = 0;
  for (let i = 0; i < result.tokens.length; i++) {
    const t: IToken = result.tokens[i]!;
    const start = t.startOffset;
    // A gap cannot happen with this token set (Word accepts every other character), but the
    // token stream must stay total whatever the lexer does: a gap becomes a word.
    if (start > pos) out.push({ kind: 'word', text: text.slice(pos, start), start: pos, end: start });
    out.push({ kind: kindOf.get(t.tokenType)!, text: t.image, start, end: start + t.image.length });
    pos = start + t.image.length;
  }
  if (pos < text.length) out.push({ kind: 'word', text: text.slice(pos), start: pos, end: text.length });
  return out;
}
