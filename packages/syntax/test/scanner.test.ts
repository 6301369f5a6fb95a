/**
 * The scanner (scanner.ts) against the reference definition of our tokens, chevrotain's lexer
 * (chevrotain-lexer.ts): the same token store — kinds, starts and ends — on generated texts
 * full of the characters that decide where tokens end, on every fixture and example of the
 * repository, and on the shared corpus when it is beside the repo. The reference itself reads
 * large texts a slice at a time; wherever the cuts fall, it must read what the whole text gives.
 */
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSource, scan, type TokenStore } from '@mailconf/syntax';
import { scanWithChevrotain } from '../src/chevrotain-lexer.js';
import { corpusCases, hasShared, noteSkip, repoRoot } from '../../../test/support/shared.js';

const piece = fc.oneof(
  fc.constantFrom(' ', '   ', '\t', '\n', '\r\n', '\r', ';', '{', '}', '#', '# a comment\n', '"', "'", '\\', '\\\\', '$', '${', '${x}', '$${{', ')', 'a#b', 'a}b', '\0', '\u00e9', '\ufeff', '\ud83d\ude00', '\ud800', '\u2028'),
  fc.constantFrom('listen', 'server', '"a b"', "'x y'", '"a\\"b"', '"unterminated', '"line\nbreak"', 'a\\;b', '"{;}"', 'x'.repeat(40), `"${'q '.repeat(30)}"`, 'a"b"', "\\'", '"\\'),
  fc.string({ maxLength: 8 }),
  fc.string({ maxLength: 4, unit: 'binary' }),
);
const text = fc.array(piece, { maxLength: 80 }).map((p) => p.join(''));

const whole = (t: string): TokenStore => scanWithChevrotain(t, Number.MAX_SAFE_INTEGER);
const asList = (s: TokenStore) => Array.from({ length: s.count }, (_, i) => [s.kinds[i], s.starts[i], s.ends[i]]);

/** Every configuration-like file of the repository: fixtures and examples. */
function repoConfigs(): string[] {
  const out: string[] = [];
  const visit = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.name.endsWith('.conf')) out.push(p);
    }
  };
  for (const d of ['fixtures', 'examples']) if (fs.existsSync(path.join(repoRoot, d))) visit(path.join(repoRoot, d));
  return out;
}

describe('the scanner', () => {
  it('gives the token store chevrotain gives, on generated texts', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(asList(scan(t))).toEqual(asList(whole(t)));
      }),
      { numRuns: 5000 },
    );
  });

  it('gives the token store chevrotain gives, on every fixture and example', () => {
    const files = repoConfigs();
    expect(files.length).toBeGreaterThan(200);
    for (const f of files) {
      const t = decodeSource(fs.readFileSync(f)).text;
      expect(asList(scan(t)), f).toEqual(asList(whole(t)));
    }
  });

  it.skipIf(!hasShared)('gives the token store chevrotain gives, on every corpus file', () => {
    for (const c of corpusCases()) {
      const t = decodeSource(fs.readFileSync(c.path)).text;
      expect(asList(scan(t)), c.name).toEqual(asList(whole(t)));
    }
  });

  it('reads tokens longer than its first guess of the store size (a 100 KB quoted string, comment and word)', () => {
    const big = `a "${'x'.repeat(100_000)}";\n# ${'c'.repeat(100_000)}\n${'w'.repeat(100_000)};\n`;
    const s = scan(big);
    expect(asList(s)).toEqual(asList(whole(big)));
    expect(s.ends[s.count - 1]).toBe(big.length);
  });

  it('grows its store past the first guess (a token for every character)', () => {
    const t = ';'.repeat(10_000);
    const s = scan(t);
    expect(s.count).toBe(10_000);
    expect(asList(s)).toEqual(asList(whole(t)));
  });

  it("keeps the store compact: ends are the next token's starts", () => {
    const s = scan('events { worker_connections 10; }\n');
    for (let i = 0; i + 1 < s.count; i++) expect(s.ends[i]).toBe(s.starts[i + 1]);
  });
});
if (!hasShared) noteSkip('scanner on the corpus', '../shared/corpus');

describe('the reference lexer in slices', () => {
  it('gives the same tokens as lexing the whole text, for any slice size', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 64 }), (t, size) => {
        expect(asList(scanWithChevrotain(t, size))).toEqual(asList(whole(t)));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads a token longer than many slices', () => {
    const big = `a "${'x'.repeat(100_000)}";\n# ${'c'.repeat(100_000)}\n${'w'.repeat(100_000)};\n`;
    expect(asList(scanWithChevrotain(big, 1024))).toEqual(asList(whole(big)));
  });
});
