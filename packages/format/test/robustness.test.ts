/** Inputs at the edges: deep nesting, bare CR line ends, huge lines, odd options. */
import { describe, expect, it } from 'vitest';
import { parse } from '@mailconf/syntax';
import { format, formatEdits, applyEdits, resolveOptions, detectLineEnding } from '@mailconf/format';
import { formatChecked } from './support.js';

describe('robustness', () => {
  it('formats 100,000 nested blocks without overflowing the stack', () => {
    const depth = 100_000;
    const text = 'b{'.repeat(depth) + 'x 1;' + '}'.repeat(depth);
    const file = parse(text);
    expect(file.errors).toEqual([]);
    // No indentation, so the output stays small; the walk is what is being tested.
    const out = format(file, { indentSize: 0, align: true });
    expect(out.split('\n').length).toBe(2 * depth + 2);
    expect(out.startsWith('b {\nb {\n')).toBe(true);
    expect(applyEdits(text, formatEdits(file, { indentSize: 0 }))).toBe(out);
  });

  it('never writes a bare CR line end, which would pull the next line into a comment', () => {
    // nginx reads a bare CR as plain whitespace: the file is one line, and the comment runs
    // from `#` to the end of the file, `b 2;` included. It stays a trailing comment of `a 1;`.
    const text = 'a 1;\r# note\rb 2;\r';
    expect(detectLineEnding(text)).toBe('\n');
    const out = formatChecked(text);
    expect(out).toBe('a 1; # note\rb 2;\n');
  });

  it('keeps one long line of many statements linear and correct', () => {
    const text = 'a 1; '.repeat(20_000);
    const out = formatChecked(text);
    expect(out).toBe('a 1;\n'.repeat(20_000));
  });

  it('falls back to sensible values for unusable options', () => {
    expect(resolveOptions('', { indentSize: -3 }).indent).toBe('    ');
    expect(resolveOptions('', { indentSize: 2.5 }).indent).toBe('    ');
    expect(resolveOptions('', { indentSize: 2, useTabs: true }).indent).toBe('\t');
    expect(resolveOptions('x\r\ny\r\nz\n', {}).eol).toBe('\r\n');
    expect(resolveOptions('x\r\ny\nz\n', {}).eol).toBe('\n');
    expect(resolveOptions('x\r\n', { endOfLine: 'lf' }).eol).toBe('\n');
  });

  it('honours insertFinalNewline: false', () => {
    expect(formatChecked('mail {\n  listen 25;\n}\n\n', { insertFinalNewline: false })).toBe('mail {\n    listen 25;\n}');
    expect(formatChecked('', { insertFinalNewline: true })).toBe('');
  });
});
