/**
 * The parser on the shared corpus: every file round-trips byte for byte; every file nginx
 * reads without a syntax error parses with none, and its payload's words are the words the
 * reference tokenizer reads; every mutant whose nginx verdict is a syntax error gets that
 * error, in nginx's wording, on nginx's line.
 */
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeSource, loadConfigFile, parse, print, toCrossplane } from '@mailconf/syntax';
import { corpusCases, hasShared, noteSkip } from '../../../test/support/shared.js';
import { referenceTokens } from './reference-tokenizer.js';
import { treeTokens } from './helpers.js';

const SYNTAX = /^(unexpected |too long parameter)/;
const cases = corpusCases();
if (!hasShared) noteSkip('syntax corpus', '../shared/corpus');

describe.skipIf(!hasShared)('parser on the corpus', () => {
  it(`round-trips all ${cases.length} files byte for byte`, () => {
    for (const c of cases) {
      const bytes = fs.readFileSync(c.path);
      const { text } = decodeSource(bytes);
      expect(Buffer.from(print(parse(text))).equals(bytes), c.name).toBe(true);
    }
  });

  it('parses files without nginx syntax errors cleanly, reading nginx\'s words', () => {
    let n = 0;
    for (const c of cases) {
      // nginx stops at its first error, so only files it read to the end are known to be clean.
      if (!c.verdict.ok && !(c.verdict as { syntax_ok?: boolean }).syntax_ok) continue;
      const text = decodeSource(fs.readFileSync(c.path)).text;
      const f = parse(text);
      expect(f.errors, c.name).toEqual([]);
      expect(treeTokens(f), c.name).toEqual(referenceTokens(text));
      const payload = toCrossplane(loadConfigFile(c.path, { followIncludes: false }));
      expect(payload.status, c.name).toBe('ok');
      n++;
    }
    expect(n).toBeGreaterThan(40);
  });

  it('finds nginx\'s syntax error, in its wording, on its line', () => {
    const syntaxCases = cases.filter((c) => !c.verdict.ok && SYNTAX.test(c.verdict.message ?? ''));
    expect(syntaxCases.length).toBeGreaterThan(5);
    for (const c of syntaxCases) {
      const f = parse(decodeSource(fs.readFileSync(c.path)).text);
      expect(f.errors.length, c.name).toBeGreaterThan(0);
      const first = f.errors[0]!;
      expect(`${first.line}: ${first.message}`, c.name).toBe(`${c.verdict.line}: ${c.verdict.message}`);
    }
  });
});
