/** The editor API: small edits for the whole document, and for the statements in a range. */
import { describe, expect, it } from 'vitest';
import { parse } from '@mailconf/syntax';
import { applyEdits, format, formatEdits, formatRange, formatText } from '@mailconf/format';

const messy = 'mail {\n  server_name x;\n    server {\n    listen 143;\n            protocol imap;\n    }\n}\n';

describe('formatEdits', () => {
  it('gives one small edit per changed gap, not a full replacement', () => {
    const file = parse(messy);
    const edits = formatEdits(file);
    expect(applyEdits(messy, edits)).toBe(format(file));
    // `server_name` gains two spaces, `listen` four, `protocol` loses four: three edits,
    // each touching only the indentation that differs.
    expect(edits).toEqual([
      { start: messy.indexOf('server_name'), end: messy.indexOf('server_name'), newText: '  ' },
      { start: messy.indexOf('listen'), end: messy.indexOf('listen'), newText: '    ' },
      { start: messy.indexOf('protocol') - 4, end: messy.indexOf('protocol'), newText: '' },
    ]);
  });

  it('gives no edits for a formatted file', () => {
    const file = parse(formatText(messy).text);
    expect(formatEdits(file)).toEqual([]);
  });

  it('returns sorted, non-overlapping edits', () => {
    const text = 'a   b;c{d e;}\r\n\r\n\r\n# x   \r\nf "g\nh"   ;';
    const edits = formatEdits(parse(text));
    for (let i = 1; i < edits.length; i++) expect(edits[i]!.start).toBeGreaterThanOrEqual(edits[i - 1]!.end);
    expect(applyEdits(text, edits)).toBe(format(parse(text)));
  });

  it('gives no edits and changes nothing when the file has syntax errors', () => {
    const text = 'mail {\n  server_name x\n}\n';
    const file = parse(text);
    expect(formatEdits(file)).toEqual([]);
    expect(format(file)).toBe(text);
    expect(formatText(text).changed).toBe(false);
    expect(formatText(text).errors.map((e) => e.message)).toEqual(['unexpected "}"']);
  });
});

describe('formatRange', () => {
  it('formats only the statement under the cursor', () => {
    const file = parse(messy);
    const at = messy.indexOf('143');
    const edits = formatRange(file, { start: at, end: at });
    expect(edits).toEqual([{ start: messy.indexOf('listen'), end: messy.indexOf('listen'), newText: '    ' }]);
  });

  it('formats every statement a selection touches, and accepts a syntax Range', () => {
    const file = parse(messy);
    const from = messy.indexOf('x;');
    const to = messy.indexOf('listen') + 2;
    const range = file.lines.range(from, to);
    const edits = formatRange(file, range);
    // server_name, the server header (already right) and listen; `protocol` is not touched.
    expect(applyEdits(messy, edits)).toBe('mail {\n    server_name x;\n    server {\n        listen 143;\n            protocol imap;\n    }\n}\n');
  });

  it('formats a block header without its body when only the header is selected', () => {
    const text = 'mail   {\n  listen 25;\n}\n';
    const edits = formatRange(parse(text), { start: 0, end: 4 });
    expect(applyEdits(text, edits)).toBe('mail {\n  listen 25;\n}\n');
  });

  it('fixes the end of the file when the range reaches it', () => {
    const text = 'a 1;\n\n\n';
    expect(applyEdits(text, formatRange(parse(text), { start: text.length, end: text.length }))).toBe('a 1;\n');
    const none = 'a 1;';
    expect(applyEdits(none, formatRange(parse(none), { start: 0, end: 1 }))).toBe('a 1;\n');
  });

  it('does nothing on an empty line between statements', () => {
    const text = 'a   1;\n\n  b   2;\n';
    expect(formatRange(parse(text), { start: 7, end: 7 })).toEqual([]);
  });
});
