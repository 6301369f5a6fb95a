/**
 * The lexer reads large texts a slice at a time (to keep chevrotain's token objects short-lived).
 * Whatever the slice size, and wherever the cuts fall — inside words, quoted strings, comments,
 * escapes or whitespace runs — the token stream must equal the one read from the whole text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scan, type TokenStore } from '@mailconf/syntax';

const piece = fc.oneof(
  fc.constantFrom(' ', '   ', '\t', '\n', '\r\n', '\r', ';', '{', '}', '#', '# a comment\n', '"', "'", '\\', '\\\\', '$', '${', '${x}', ')', 'a#b', 'a}b', '\0', '\u00e9', '\ufeff', '\ud83d\ude00'),
  fc.constantFrom('listen', 'server', '"a b"', "'x y'", '"a\\"b"', '"unterminated', '"line\nbreak"', 'a\\;b', '"{;}"', 'x'.repeat(40), `"${'q '.repeat(30)}"`),
  fc.string({ maxLength: 8 }),
);
const text = fc.array(piece, { maxLength: 80 }).map((p) => p.join(''));

const whole = (t: string): TokenStore => scan(t, Number.MAX_SAFE_INTEGER);
const asList = (s: TokenStore) => Array.from({ length: s.count }, (_, i) => [s.kinds[i], s.starts[i], s.ends[i]]);

describe('lexing in slices', () => {
  it('gives the same tokens as lexing the whole text, for any slice size', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 64 }), (t, size) => {
        expect(asList(scan(t, size))).toEqual(asList(whole(t)));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a token longer than many slices (a 100 KB quoted string, comment and word)', () => {
    const big = `a "${'x'.repeat(100_000)}";\n# ${'c'.repeat(100_000)}\n${'w'.repeat(100_000)};\n`;
    const s = scan(big, 1024);
    expect(asList(s)).toEqual(asList(whole(big)));
    expect(s.ends[s.count - 1]).toBe(big.length);
  });

  it('keeps the store compact: ends are the next token\'s starts', () => {
    const s = scan('events { worker_connections 10; }\n', 4);
    for (let i = 0; i + 1 < s.count; i++) expect(s.ends[i]).toBe(s.starts[i + 1]);
  });
});
