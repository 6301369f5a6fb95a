/**
 * nginx's 4096-byte read buffer (ngx_conf_read_token): a token is refused when its span no
 * longer fits, and the span counts the whitespace byte after a word or a closing quote, and a
 * comment's trailing spaces and CR. Checked against real nginx -t on tokens of every length
 * around the limit, with every kind of follower, in UTF-8 and Latin-1 files: the same verdict,
 * line and message. And the formatter, which changes whitespace, refuses a result nginx would
 * refuse (newSyntaxError) rather than turn a file nginx takes into one it does not.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSource, loadConfigText } from '@mailconf/syntax';
import { format, newSyntaxError } from '@mailconf/format';
import { hasNginx, noteSkip, runOracle } from '../../../test/support/shared.js';

if (!hasNginx) noteSkip('nginx buffer limit', 'the oracle (../shared) and nginx');

interface Case {
  name: string;
  bytes: Buffer;
}

const latin1 = (s: string) => Buffer.from(s, 'latin1');
const utf8 = (s: string) => Buffer.from(s, 'utf8');
const wrap = (statement: string) => `events {}\nhttp {\n    server {\n${statement}\n    }\n}\n`;

function cases(): Case[] {
  const out: Case[] = [];
  for (const n of [4093, 4094, 4095, 4096, 4097]) {
    const a = 'a'.repeat(n);
    // Unquoted words: the terminator, or whitespace and then more.
    out.push({ name: `word ${n} then ;`, bytes: utf8(wrap(`        server_name ${a};`)) });
    out.push({ name: `word ${n} then space ;`, bytes: utf8(wrap(`        server_name ${a} ;`)) });
    out.push({ name: `word ${n} then LF ;`, bytes: utf8(wrap(`        server_name ${a}\n;`)) });
    out.push({ name: `word ${n} then {`, bytes: utf8(wrap(`        location /${a.slice(1)}{\n        }`)) });
    out.push({ name: `word ${n} then space {`, bytes: utf8(wrap(`        location /${a.slice(1)} {\n        }`)) });
    // Quoted: after the closing quote, a terminator, whitespace, or `)`.
    out.push({ name: `quoted ${n} then ;`, bytes: utf8(wrap(`        server_name "${a}";`)) });
    out.push({ name: `quoted ${n} then space ;`, bytes: utf8(wrap(`        server_name "${a}" ;`)) });
    out.push({ name: `quoted ${n} then ) {`, bytes: utf8(wrap(`        if ($host = "${a}") {\n        }`)) });
    out.push({ name: `quoted ${n} then space ) {`, bytes: utf8(wrap(`        if ($host = "${a}" ) {\n        }`)) });
    // Comments: up to the line feed, trailing spaces and CR included; none at the end of the file.
    out.push({ name: `comment ${n}`, bytes: utf8(`events {}\n#${'c'.repeat(n - 1)}\nhttp {\n}\n`) });
    out.push({ name: `comment ${n} with CR`, bytes: utf8(`events {}\r\n#${'c'.repeat(n - 2)}\r\nhttp {\r\n}\r\n`) });
    out.push({ name: `comment ${n} with spaces`, bytes: utf8(`events {}\n#${'c'.repeat(n - 11)}${' '.repeat(10)}\nhttp {\n}\n`) });
    out.push({ name: `comment ${n} at the end`, bytes: utf8(`events {}\nhttp {\n}\n#${'c'.repeat(n - 1)}`) });
    out.push({ name: `word ${n} at the end`, bytes: utf8(`events {}\nhttp {\n}\n${'w'.repeat(n)}`) });
  }
  // Lengths in bytes, not characters: é is two bytes in UTF-8 and one in Latin-1.
  for (const n of [2046, 2047, 2048, 4094, 4095]) {
    out.push({ name: `UTF-8 é x${n} then space ;`, bytes: utf8(wrap(`        server_name ${'é'.repeat(n)} ;`)) });
    out.push({ name: `Latin-1 é x${n} then space ;`, bytes: latin1(wrap(`        server_name ${'é'.repeat(n)} ;`)) });
  }
  return out;
}

let dir: string | null = null;
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasNginx)('tokens at the size of nginx\'s buffer, against nginx -t', () => {
  it('gives nginx\'s verdict, line and message for each', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-buffer-'));
    const all = cases();
    const files = all.map((c, i) => {
      const f = path.join(dir!, `case-${i}.conf`);
      fs.writeFileSync(f, c.bytes);
      return f;
    });
    const verdicts = runOracle(files);
    const mismatches: string[] = [];
    all.forEach((c, i) => {
      const decoded = decodeSource(c.bytes);
      const set = loadConfigText(decoded.text, files[i]!, { followIncludes: false }, decoded.encoding);
      const first = set.main.errors[0];
      const v = verdicts[i]!;
      const nginxSyntax = v.ok === false && /^(too long parameter|unexpected)/.test(v.message ?? '') ? v : null;
      const ours = first ? `${first.line}: ${first.message}` : 'ok';
      const theirs = nginxSyntax ? `${v.line}: ${v.message}` : 'ok';
      if (ours !== theirs) mismatches.push(`${c.name}: nginx ${theirs}, mailconf ${ours}`);
    });
    expect(mismatches).toEqual([]);
    // The cases cross the limit: both verdicts occur.
    expect(verdicts.some((v) => v.ok === false)).toBe(true);
    expect(verdicts.some((v) => v.ok === true)).toBe(true);
  }, 120_000);
});

describe('the formatter near the buffer\'s size', () => {
  it('finds the error a space before `{` would make, and none where nothing changes', () => {
    // nginx takes `location /<4095 bytes>{`; with the space the formatter writes, it does not.
    const text = wrap(`        location /${'a'.repeat(4094)}{\n        }`);
    const file = loadConfigText(text, 'brace.conf', { followIncludes: false }).main;
    expect(file.errors).toEqual([]);
    const formatted = format(file, {});
    expect(formatted).toContain(`${'a'.repeat(4094)} {`);
    expect(newSyntaxError(file, formatted)?.message).toBe('too long parameter "/aaaaaaaaa..." started');
    const short = loadConfigText(wrap('        location /a{\n        }'), 'short.conf', { followIncludes: false }).main;
    expect(newSyntaxError(short, format(short, {}))).toBe(null);
  });
});

describe('lengths in the file\'s bytes', () => {
  it('counts a Latin-1 file\'s characters as one byte each, and UTF-8\'s as they are encoded', () => {
    const text = wrap(`        server_name x${'é'.repeat(2500)};`);
    expect(loadConfigText(text, 'latin1.conf', { followIncludes: false }, 'latin1').main.errors).toEqual([]);
    // 5,001 bytes in UTF-8.
    const utf8Errors = loadConfigText(text, 'utf8.conf', { followIncludes: false }, 'utf8').main.errors;
    expect(utf8Errors).toHaveLength(1);
    expect(utf8Errors[0]!.message).toMatch(/^too long parameter "x/);
  });
});

