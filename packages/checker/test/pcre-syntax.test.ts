/**
 * The PCRE2 syntax reader never throws, whatever the pattern: a checker that crashes on a
 * strange regex would hide every other problem of the file. Its answers are compared with real
 * nginx on fixtures (fixtures/rules/regex-syntax) and random patterns (generated-oracle.test.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pcreCaptureCount, pcreSyntaxError } from '../src/regex/pcre-syntax.js';

const piece = fc.oneof(
  fc.constantFrom('(', ')', '[', ']', '{', '}', '\\', '*', '+', '?', '|', '^', '$', '-', ':', '<', '>', "'", '=', '!', '#', '(?', '(*', '[:', ':]', '\\Q', '\\E', '\\x{', '\\o{', '\\g', '\\k<', '\\p', '\\N{', 'P<', '(?<', '(?P', '(?(', '{2,1}', '{99999}', '\\1', '\\99'),
  fc.string({ maxLength: 4 }),
  fc.string({ maxLength: 3, unit: 'binary' }),
);
const pattern = fc.array(piece, { maxLength: 24 }).map((p) => p.join(''));

describe('pcreSyntaxError', () => {
  it('never throws, and an error it reports lies within the pattern', () => {
    fc.assert(
      fc.property(pattern, (p) => {
        const e = pcreSyntaxError(p);
        if (e) {
          expect(e.offset).toBeGreaterThanOrEqual(0);
          expect(e.offset).toBeLessThanOrEqual(p.length);
          expect(pcreCaptureCount(p)).toBeNull();
        }
      }),
      { numRuns: 20000 },
    );
  });

  it('counts the captures PCRE2 counts', () => {
    expect(pcreCaptureCount('^(.+\\.php)(/.*)$')).toBe(2);
    expect(pcreCaptureCount('^(?<script>.+\\.php)(?:/.*)$')).toBe(1);
    expect(pcreCaptureCount('(a)(?=b)(?<n>c)(?P<m>d)')).toBe(3);
    expect(pcreCaptureCount('(?n)(a)')).toBeNull();
  });
});
