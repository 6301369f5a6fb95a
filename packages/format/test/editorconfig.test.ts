/** `.editorconfig` files are read with the `editorconfig` package; only the properties that matter here are kept. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { editorconfigOptions } from '@mailconf/format';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-editorconfig-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

describe('editorconfigOptions', () => {
  write('.editorconfig', 'root = true\n\n[*]\nindent_style = space\nindent_size = 2\n\n[*.conf]\nend_of_line = crlf\ninsert_final_newline = false\n\n[tabbed/**.conf]\nindent_style = tab\n');

  it('reads indent_style, indent_size, end_of_line and insert_final_newline for the file', () => {
    expect(editorconfigOptions(path.join(dir, 'nginx.conf'))).toEqual({ useTabs: false, indentSize: 2, endOfLine: 'crlf', insertFinalNewline: false });
  });

  it('applies sections by glob, later and nearer ones winning', () => {
    expect(editorconfigOptions(path.join(dir, 'tabbed/mail.conf'))).toMatchObject({ useTabs: true, indentSize: 2 });
    write('near/.editorconfig', '[*.conf]\nindent_size = 8\nend_of_line = lf\n');
    expect(editorconfigOptions(path.join(dir, 'near/x.conf'))).toMatchObject({ indentSize: 8, endOfLine: 'lf' });
    expect(editorconfigOptions(path.join(dir, 'notes.txt'))).toEqual({ useTabs: false, indentSize: 2 });
  });

  it('ignores values it cannot honour', () => {
    write('odd/.editorconfig', 'root = true\n[*]\nend_of_line = cr\nindent_size = tab\nindent_style = sideways\n');
    expect(editorconfigOptions(path.join(dir, 'odd/x.conf'))).toEqual({});
  });
});
