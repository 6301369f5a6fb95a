/**
 * The tokens of a configuration text: eight kinds, kept as a compact store of parallel arrays.
 * scanner.ts produces them; chevrotain-lexer.ts defines the same token set as chevrotain token
 * types (the reference the scanner is tested against).
 */
export type TokenKind = 'ws' | 'comment' | ';' | '{' | '}' | 'dquote' | 'squote' | 'word';

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
