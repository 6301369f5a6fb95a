/**
 * `mailconf fmt`, driven through commander as the CLI does (packages/cli/src/commands/fmt.ts),
 * on files in a temporary directory, with standard output and error captured.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerFmt } from '../../cli/src/commands/fmt.js';

// The commander the CLI itself resolves (its own version), not whichever one sits at the root.
type Program = Parameters<typeof registerFmt>[0];
const { Command } = createRequire(new URL('../../cli/package.json', import.meta.url))('commander') as { Command: new () => Program };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-fmt-cli-'));
// An .editorconfig with root = true keeps settings from outside the temporary directory out.
fs.writeFileSync(path.join(dir, '.editorconfig'), 'root = true\n');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const MESSY = 'mail {\nserver_name   x;\n  server { listen 143; }\n}';
const FORMATTED = 'mail {\n    server_name x;\n    server {\n        listen 143;\n    }\n}\n';

let stdout: Buffer[] = [];
let stderr: string[] = [];
beforeEach(() => {
  stdout = [];
  stderr = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(Buffer.from(chunk as Uint8Array));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

async function fmt(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const program = new Command().exitOverride();
  let code = 0;
  registerFmt(program, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(['node', 'mailconf', 'fmt', ...args]);
  } catch (err) {
    code = (err as { exitCode?: number }).exitCode ? 2 : 0;
  }
  return { code, out: Buffer.concat(stdout).toString('latin1'), err: stderr.join('') };
}

let n = 0;
function file(text: string | Buffer, name = `case${++n}.conf`): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

describe('mailconf fmt', () => {
  it('prints the formatted file', async () => {
    const p = file(MESSY);
    expect(await fmt(p)).toEqual({ code: 0, out: FORMATTED, err: '' });
    expect(fs.readFileSync(p, 'utf8')).toBe(MESSY);
  });

  it('--check lists files that would change and exits 1; 0 when all are formatted', async () => {
    const messy = file(MESSY);
    const clean = file(FORMATTED);
    const r = await fmt('--check', messy, clean);
    expect(r.code).toBe(1);
    expect(r.out.trim().split('\n').map((line) => path.resolve(line))).toEqual([messy]);
    stdout = [];
    expect(await fmt('--check', clean)).toEqual({ code: 0, out: '', err: '' });
  });

  it('--write rewrites in place, keeps permissions and leaves no temporary file', async () => {
    const p = file(MESSY);
    fs.chmodSync(p, 0o640);
    const before = new Set(fs.readdirSync(dir));
    expect((await fmt('--write', p)).code).toBe(0);
    expect(fs.readFileSync(p, 'utf8')).toBe(FORMATTED);
    expect(fs.statSync(p).mode & 0o777).toBe(0o640);
    expect(new Set(fs.readdirSync(dir))).toEqual(before);
  });

  it('--write follows a symbolic link instead of replacing it', async () => {
    const target = file(MESSY);
    const link = path.join(dir, `link${++n}.conf`);
    fs.symlinkSync(target, link);
    expect((await fmt('--write', link)).code).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(target, 'utf8')).toBe(FORMATTED);
  });

  it('keeps CRLF line endings and non-UTF-8 bytes', async () => {
    const crlf = file('mail {\r\n  listen 143;\r\n}\r\n');
    const latin1 = file(Buffer.from('mail {\n  server_name caf\xe9;  # \xe9\n}\n', 'latin1'));
    expect((await fmt('--write', crlf, latin1)).code).toBe(0);
    expect(fs.readFileSync(crlf, 'utf8')).toBe('mail {\r\n    listen 143;\r\n}\r\n');
    expect(fs.readFileSync(latin1)).toEqual(Buffer.from('mail {\n    server_name caf\xe9; # \xe9\n}\n', 'latin1'));
  });

  it('--diff prints a unified diff', async () => {
    const p = file(MESSY);
    const r = await fmt('--diff', p);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^--- .*case\d+\.conf\n\+\+\+ .*case\d+\.conf\n@@ -1,4 \+1,6 @@\n/);
    expect(r.out).toContain('-server_name   x;\n');
    expect(r.out).toContain('+    server_name x;\n');
    expect(r.out).toContain('\\ No newline at end of file');
    expect((await fmt('--diff', '--check', file(FORMATTED))).code).toBe(0);
  });

  it('refuses a file with syntax errors: exit 2, errors listed, nothing written', async () => {
    const text = 'mail {\n  server_name x\n}\n';
    const p = file(text);
    const r = await fmt('--write', p);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/case\d+\.conf:3:1: unexpected "}"/);
    expect(r.out).toBe('');
    expect(fs.readFileSync(p, 'utf8')).toBe(text);
  });

  it('--indent, --tabs and --align', async () => {
    const p = file('mail {\nlisten 143;\nprotocol imap;\n}\n');
    expect((await fmt('--indent', '2', p)).out).toBe('mail {\n  listen 143;\n  protocol imap;\n}\n');
    stdout = [];
    expect((await fmt('--tabs', p)).out).toBe('mail {\n\tlisten 143;\n\tprotocol imap;\n}\n');
    stdout = [];
    expect((await fmt('--align', p)).out).toBe('mail {\n    listen   143;\n    protocol imap;\n}\n');
  });

  it('honours .editorconfig, with command-line flags winning', async () => {
    const sub = path.join(dir, 'ec');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, '.editorconfig'), '[*.conf]\nindent_style = tab\nend_of_line = crlf\n');
    const p = file('mail {\nlisten 143;\n}\n', 'ec/mail.conf');
    expect((await fmt(p)).out).toBe('mail {\r\n\tlisten 143;\r\n}\r\n');
    stdout = [];
    expect((await fmt('--indent', '3', p)).out).toBe('mail {\r\n   listen 143;\r\n}\r\n');
    stdout = [];
    expect((await fmt('--no-editorconfig', p)).out).toBe('mail {\n    listen 143;\n}\n');
  });

  it('usage and I/O errors exit 2', async () => {
    const missing = await fmt(path.join(dir, 'nope.conf'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no such file');
    expect((await fmt('--indent', 'x', file(MESSY))).code).toBe(2);
    expect((await fmt('--write', '-')).code).toBe(2);
    // One bad file among good ones: the others are still formatted.
    stdout = [];
    const r = await fmt(file('a 1;'), path.join(dir, 'nope.conf'));
    expect(r.code).toBe(2);
    expect(r.out).toBe('a 1;\n');
  });
});
