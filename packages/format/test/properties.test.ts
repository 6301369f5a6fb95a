/**
 * Property tests (fast-check) over generated configurations with odd spacing, comments in
 * every possible place, quotes, escapes, `${var}`, multi-line arguments and strings, CRLF
 * and no final newline: the formatter keeps the meaning, is idempotent, never throws, and
 * its edits (whole document or a range) agree with the formatted text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from '@mailconf/syntax';
import { applyEdits, detectLineEnding, format, formatEdits, formatRange, meaningTokens, verifyFormatted, type FormatOptions } from '@mailconf/format';
import { formatChecked } from './support.js';

const ws = fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', ' \n\n ', '\n\n\n', '\t\r\n  ', '\r\n\r\n\r\n', ' \t ');
const optWs = fc.oneof(fc.constant(''), ws);
const commentText = fc.array(fc.constantFrom('a', ' ', '{', '}', ';', '#', '"', "'", '\\', '$', '\t', 'é', '\r'), { maxLength: 8 });
const comment = commentText.map((c) => `#${c.join('')}`);
/** A line break (LF or CRLF) that ends a comment, then maybe more whitespace. */
const commentEnd = fc.tuple(fc.constantFrom('\n', '\r\n', ' \n', '\n\n'), optWs).map(([a, b]) => a + b);

// Unquoted words: characters that stay inside a word (`#`, `}`, quotes, `(`, escapes, `${x}`).
const wordStart = fc.constantFrom('a', 'listen', 'x1', '$v', '${v}', '\\;', '(', ')', 'é', '\\"', '\\{', '\uFEFF', '1');
const wordPart = fc.constantFrom('a', 'b', '1', '#', '}', '"', "'", '(', ')', '$', '${x}', '\\;', '\\ ', '\\{', '\\\\', '\\n', 'é', '\\\n');
const unquoted = fc.tuple(wordStart, fc.array(wordPart, { maxLength: 5 })).map(([s, r]) => s + r.join(''));
const quotedPart = fc.constantFrom('a', ' ', '{', '}', ';', '#', '\n', '\r\n', '${x}', '\t', '\\\\', '\\n', 'é', '  ');
const dquoted = fc.array(fc.oneof(quotedPart, fc.constantFrom("'", '\\"')), { maxLength: 6 }).map((p) => `"${p.join('')}"`);
const squoted = fc.array(fc.oneof(quotedPart, fc.constantFrom('"', "\\'")), { maxLength: 6 }).map((p) => `'${p.join('')}'`);
const word = fc.oneof({ weight: 4, arbitrary: unquoted }, { weight: 1, arbitrary: dquoted }, { weight: 1, arbitrary: squoted });

/** What separates two words: whitespace, maybe with a comment (which needs whitespace before it). */
const wordSep = fc.oneof(
  { weight: 4, arbitrary: ws },
  { weight: 1, arbitrary: fc.tuple(ws, comment, commentEnd).map((p) => p.join('')) },
);
/** What may follow `;`, `{` or `}` on its line: nothing, whitespace, or a comment. */
const afterPunct = fc.oneof(
  { weight: 3, arbitrary: optWs },
  { weight: 1, arbitrary: fc.tuple(optWs, comment, commentEnd).map((p) => p.join('')) },
);

/** Before a `;` or `{`: nothing, whitespace, or a comment (then the terminator starts a line). */
const beforeTerminator = fc.oneof(
  { weight: 3, arbitrary: optWs },
  { weight: 1, arbitrary: fc.tuple(ws, comment, commentEnd).map((p) => p.join('')) },
);

const { statements } = fc.letrec<{ statements: string; statement: string }>((tie) => ({
  statements: fc.array(fc.tuple(tie('statement'), afterPunct), { maxLength: 4 }).map((xs) => xs.map((x) => x.join('')).join('')),
  statement: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(word, fc.array(fc.tuple(wordSep, word), { maxLength: 4 }), beforeTerminator).map(
      ([n, args, w]) => n + args.map((a) => a.join('')).join('') + w + ';',
    ),
    fc.tuple(word, fc.array(fc.tuple(wordSep, word), { maxLength: 2 }), beforeTerminator, afterPunct, tie('statements'), optWs).map(
      ([n, args, w, a, body, w2]) => n + args.map((x) => x.join('')).join('') + w + '{' + a + body + w2 + '}',
    ),
  ),
}));

/** A whole file: leading whitespace and comments, statements, and an end with or without a line break. */
const config = fc
  .tuple(optWs, fc.option(fc.tuple(comment, commentEnd)), statements, fc.oneof(optWs, fc.tuple(ws, comment).map((p) => p.join(''))))
  .map(([lead, c, body, end]) => lead + (c ? c.join('') : '') + body + end);

const options: fc.Arbitrary<FormatOptions> = fc.record(
  {
    indentSize: fc.integer({ min: 0, max: 8 }),
    useTabs: fc.boolean(),
    align: fc.boolean(),
    endOfLine: fc.constantFrom('auto', 'lf', 'crlf'),
    insertFinalNewline: fc.boolean(),
  },
  { requiredKeys: [] },
);

/** Generated text is meant to be valid; the rare accidental error (e.g. `a$` + `{`) is skipped. */
const valid = (text: string) => parse(text).errors.length === 0;

describe('format properties', () => {
  it('generated configs are mostly valid (the generator is worth something)', () => {
    const sample = fc.sample(config, { numRuns: 300, seed: 7 });
    expect(sample.filter(valid).length).toBeGreaterThan(270);
    // ...and exercise what matters: comments, quotes, CRLF, blocks, multi-line statements.
    const all = sample.join('');
    for (const needle of ['#', '"', "'", '\r\n', '{', '${']) expect(all).toContain(needle);
  });

  it('keeps the meaning, is idempotent, and its edits give the same text', () => {
    fc.assert(
      fc.property(config, options, (text, opts) => {
        fc.pre(valid(text));
        formatChecked(text, opts);
      }),
      { numRuns: 600 },
    );
  });

  it('chooses the line-ending style from the breaks it writes, not from breaks inside words (found by fast-check)', () => {
    // `a\` + LF is one word; the breaks between tokens are CRLF, and stay CRLF on every pass.
    const text = 'a\\\n\r\n;\t\r\n  ';
    expect(formatChecked(text)).toBe('a\\\n;\r\n');
    expect(detectLineEnding(text, parse(text).store)).toBe('\r\n');
  });

  it('never throws on any text, leaves invalid text alone, and keeps the meaning of valid text', () => {
    const chars = fc.constantFrom('a', 'b', ' ', '\t', '\n', '\r', ';', '{', '}', '#', '"', "'", '\\', '$', '(', ')', 'é', '\uFEFF');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 60 }).map((c) => c.join('')), options, (text, opts) => {
        const file = parse(text);
        const out = format(file, opts);
        if (file.errors.length) {
          expect(out).toBe(text);
          expect(formatEdits(file, opts)).toEqual([]);
          return;
        }
        expect(verifyFormatted(file, out)).toBeNull();
        expect(format(parse(out), opts)).toBe(out);
        expect(applyEdits(text, formatEdits(file, opts))).toBe(out);
        expect(applyEdits(text, formatRange(file, { start: 0, end: text.length }, opts))).toBe(out);
      }),
      { numRuns: 2000 },
    );
  });

  it('range formatting keeps the meaning, and then whole formatting ends where it always does', () => {
    fc.assert(
      fc.property(config, options, fc.nat(), fc.nat(), (text, opts, a, b) => {
        fc.pre(valid(text));
        const file = parse(text);
        const start = a % (text.length + 1);
        const end = b % (text.length + 1);
        const edits = formatRange(file, { start, end }, opts);
        const all = formatEdits(file, opts);
        // A range's edits are a subset of the document's edits.
        for (const e of edits) expect(all).toContainEqual(e);
        const partial = parse(applyEdits(text, edits));
        expect(partial.errors).toEqual([]);
        expect(meaningTokens(partial)).toEqual(meaningTokens(file));
        // (With `auto` line endings the partial edit may tip the dominant style, so the
        // second pass is told the style the first one used.)
        const eol = detectLineEnding(text, file.store) === '\r\n' ? 'crlf' : 'lf';
        const fixed = { ...opts, endOfLine: opts.endOfLine && opts.endOfLine !== 'auto' ? opts.endOfLine : eol } as FormatOptions;
        expect(format(partial, fixed)).toBe(format(file, opts));
        // The whole text as a range is the whole document.
        expect(formatRange(file, { start: 0, end: text.length }, opts)).toEqual(all);
      }),
      { numRuns: 400 },
    );
  });
});
