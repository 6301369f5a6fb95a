/**
 * Positions: nginx's line (1 + LF count; a bare CR never starts a line), and the editor's
 * 0-based line and UTF-16 character (CR, LF and CRLF all end lines).
 */
import { describe, expect, it } from 'vitest';
import { LineIndex, parse } from '@mailconf/syntax';

describe('LineIndex', () => {
  it('counts nginx lines by LF only, and editor lines by CR, LF and CRLF', () => {
    const text = 'a;\rb;\r\nc;\nd;';
    const idx = new LineIndex(text);
    const at = (s: string) => text.indexOf(s);
    expect([at('a'), at('b'), at('c'), at('d')].map((o) => idx.position(o).line)).toEqual([1, 1, 2, 3]);
    expect([at('a'), at('b'), at('c'), at('d')].map((o) => idx.editorPosition(o))).toEqual([
      { line: 0, character: 0 },
      { line: 1, character: 0 },
      { line: 2, character: 0 },
      { line: 3, character: 0 },
    ]);
    expect(idx.lineCount).toBe(3);
  });

  it('measures characters in UTF-16 code units and round-trips offsets', () => {
    const text = 'server_name "\u{1F4E7}mail\u00e9";\nlisten 143;';
    const idx = new LineIndex(text);
    const o = text.indexOf('listen');
    expect(idx.editorPosition(o)).toEqual({ line: 1, character: 0 });
    const e = text.indexOf('mail');
    expect(idx.editorPosition(e)).toEqual({ line: 0, character: 15 });
    for (let i = 0; i <= text.length; i++) expect(idx.offsetAt(idx.editorPosition(i))).toBe(i);
  });

  it('gives every node exact ranges: the word text is the source between its offsets', () => {
    const text = 'mail {\n    server_name "a b" \'c\';\n}\n';
    const f = parse(text);
    const mail = f.children[0]!;
    if (mail.type !== 'directive') throw new Error('expected a directive');
    const sn = mail.block!.children.find((n) => n.type === 'directive')!;
    if (sn.type !== 'directive') throw new Error('expected a directive');
    for (const w of [sn.nameWord!, ...sn.args]) expect(text.slice(w.range.start.offset, w.range.end.offset)).toBe(w.raw);
    expect(sn.args.map((a) => a.value)).toEqual(['a b', 'c']);
    expect(sn.range.start).toEqual({ offset: 11, line: 2, column: 5 });
    expect(sn.line).toBe(2);
    expect(text.slice(mail.range.start.offset, mail.range.end.offset)).toBe(text.trimEnd());
  });
});

describe('editor positions on CRLF lines', () => {
  const text = 'listen 143 # no semicolon yet\r\nnext\r\n';
  const lines = new LineIndex(text);
  const lf = text.indexOf('\n');

  it('maps the offset between CR and LF to the end of the line, not past it', () => {
    // The line has 29 characters; a range ending at the LF (a comment's end in the token store) ends at 29.
    expect(lines.editorPosition(lf)).toEqual({ line: 0, character: 29 });
    expect(lines.editorPosition(lf - 1)).toEqual({ line: 0, character: 29 });
    expect(lines.editorPosition(lf + 1)).toEqual({ line: 1, character: 0 });
  });

  it('reads a character past the end of a line as its end, before the CR', () => {
    expect(lines.offsetAt({ line: 0, character: 500 })).toBe(lf - 1);
    expect(lines.offsetAt({ line: 1, character: 500 })).toBe(text.lastIndexOf('\r'));
    expect(lines.offsetAt({ line: 1, character: 2 })).toBe(lf + 3);
  });
});
