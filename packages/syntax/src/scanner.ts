/**
 * The scanner: one loop over the characters that writes the token store directly. It reads
 * exactly the token set of chevrotain-lexer.ts (the reference definition of our tokens, which
 * the test suite compares it with on every fixture, corpus file and on generated texts):
 *   whitespace  SP, TAB, CR, LF runs (nginx's only whitespace)
 *   comment     `#` to the end of the line, where a word could start
 *   ; { }       one character each
 *   quoted      `"…"` or `'…'`, a backslash protecting the next character; unterminated runs to EOF
 *   word        anything else, up to whitespace, `;` or `{` (a `{` right after `$` stays in it),
 *               a backslash protecting the next character
 *
 * Why not chevrotain on this path: chevrotain makes a token object and a regular-expression
 * match for each of a file's tokens (240,000 on the 54,000-line benchmark), which cost 20 ms and
 * most of the garbage of a parse; this loop makes none and reads the same file in about 4 ms.
 * docs/performance.md has the measurements.
 */
import { K_CLOSE, K_COMMENT, K_DQUOTE, K_OPEN, K_SEMI, K_SQUOTE, K_WORD, K_WS, materialize, type Token, type TokenStore } from './tokens.js';

/** A table over the first 128 characters: `value` for each of `chars`, `fill` for the rest. */
function table(fill: number, entries: [chars: string, value: number][]): Uint8Array {
  const t = new Uint8Array(128).fill(fill);
  for (const [chars, value] of entries) for (const c of chars) t[c.charCodeAt(0)] = value;
  return t;
}

/** What a character starts (every character from 128 on starts a word). */
const START = table(K_WORD, [[' \t\r\n', K_WS], ['#', K_COMMENT], [';', K_SEMI], ['{', K_OPEN], ['}', K_CLOSE], ['"', K_DQUOTE], ["'", K_SQUOTE]]);

/** Characters that end a word (whitespace, `;`, `{`), and the two that need a look: `\` and `$`. */
const WORD_STOP = 1;
const WORD_SPECIAL = 2;
const IN_WORD = table(0, [[' \t\r\n;{', WORD_STOP], ['\\$', WORD_SPECIAL]]);

const BACKSLASH = 92;
const OPEN = 123;

/** Splits a text into tokens. Total: every character belongs to exactly one token. */
export function scan(text: string): TokenStore {
  const n = text.length;
  // A typical configuration has a token (whitespace included) for every five characters.
  let capacity = Math.max(16, n >>> 2);
  let kinds = new Uint8Array(capacity);
  // Token starts, plus one entry past the last token: `ends` is the same array shifted by one.
  let starts = new Uint32Array(capacity + 1);
  let count = 0;
  let p = 0;
  while (p < n) {
    if (count === capacity) {
      capacity *= 2;
      const k = new Uint8Array(capacity);
      k.set(kinds);
      kinds = k;
      const s = new Uint32Array(capacity + 1);
      s.set(starts.subarray(0, count));
      starts = s;
    }
    const start = p;
    const c = text.charCodeAt(p);
    const kind = c < 128 ? START[c]! : K_WORD;
    switch (kind) {
      case K_WS: {
        p++;
        for (; p < n; p++) {
          const d = text.charCodeAt(p);
          if (d >= 128 || START[d] !== K_WS) break;
        }
        break;
      }
      case K_COMMENT: {
        const lf = text.indexOf('\n', p);
        p = lf === -1 ? n : lf;
        break;
      }
      case K_SEMI:
      case K_OPEN:
      case K_CLOSE:
        p++;
        break;
      case K_DQUOTE:
      case K_SQUOTE: {
        p++;
        while (p < n) {
          const d = text.charCodeAt(p++);
          if (d === c) break;
          // A backslash takes the next character with it, whatever it is (if there is one).
          if (d === BACKSLASH && p < n) p++;
        }
        break;
      }
      default:
        p = wordEnd(text, p, n);
    }
    kinds[count] = kind;
    starts[count++] = start;
  }
  starts[count] = n;
  return { count, kinds: kinds.subarray(0, count), starts: starts.subarray(0, count), ends: starts.subarray(1, count + 1) };
}

/**
 * Where a word starting at `p` ends. Its first character is one that starts a word; after it
 * `}`, `#` and quotes are ordinary characters (config-language.md §3).
 */
function wordEnd(text: string, p: number, n: number): number {
  while (p < n) {
    const d = text.charCodeAt(p);
    const what = d < 128 ? IN_WORD[d]! : 0;
    if (what === 0) {
      p++;
    } else if (what === WORD_STOP) {
      return p;
    } else if (d === BACKSLASH) {
      p += p + 1 < n ? 2 : 1;
    } else {
      // `$` keeps the `{`s right after it: `${name}` is one word.
      p++;
      while (p < n && text.charCodeAt(p) === OPEN) p++;
    }
  }
  return p;
}

/** The tokens of a text as objects (for tools and tests; the parser reads the store). */
export function tokenize(text: string): Token[] {
  return materialize(scan(text), text);
}
