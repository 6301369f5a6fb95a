/**
 * Formatting through the language server: the edits applied to each fixture of
 * fixtures/lsp/formatting give its `.formatted` twin (options from the `.json`: editor
 * settings, request options), every edit only changes whitespace, and range and on-type
 * formatting touch only the statement concerned.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FormattingOptions, TextEdit } from 'vscode-languageserver-protocol';
import { applyTextEdits, LspClient, offsetAt } from './support/client.js';
import { cases, fixturesDir } from './support/fixtures.js';

interface Expected {
  settings?: Record<string, unknown>;
  options?: FormattingOptions;
}

const DEFAULT_OPTIONS: FormattingOptions = { tabSize: 4, insertSpaces: true };

let client: LspClient;
beforeAll(async () => {
  client = await LspClient.start();
});
afterAll(async () => {
  await client.stop();
});

function onlyWhitespace(text: string, edits: TextEdit[]): void {
  for (const e of edits) {
    const old = text.slice(offsetAt(text, e.range.start), offsetAt(text, e.range.end));
    expect(old, 'an edit replaces whitespace only').toMatch(/^[ \t\r\n]*$/);
    expect(e.newText, 'and inserts whitespace only').toMatch(/^[ \t\r\n]*$/);
    expect(e.newText, 'and changes something').not.toBe(old);
  }
}

async function formatFile(file: string, expected: Expected) {
  client.settings = expected.settings ?? {};
  const doc = await client.open(file);
  const edits = await client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri: doc.uri }, options: expected.options ?? DEFAULT_OPTIONS });
  await client.close(doc);
  return { doc, edits };
}

describe('document formatting fixtures', () => {
  for (const c of cases<Expected>('formatting')) {
    it(c.name, async () => {
      const { doc, edits } = await formatFile(c.file, c.expected);
      onlyWhitespace(doc.text, edits);
      expect(applyTextEdits(doc.text, edits)).toBe(fs.readFileSync(c.file.replace(/\.conf$/, '.formatted'), 'utf8'));
    });
  }

  it('.editorconfig wins over the editor options', async () => {
    const file = path.join(fixturesDir, 'workspace/editorconfig/mail.conf');
    const { doc, edits } = await formatFile(file, {});
    expect(applyTextEdits(doc.text, edits)).toBe(fs.readFileSync(file.replace(/\.conf$/, '.formatted'), 'utf8'));
  });

  it('the mailconf.format settings win over .editorconfig', async () => {
    const { doc, edits } = await formatFile(path.join(fixturesDir, 'workspace/editorconfig/mail.conf'), { settings: { format: { tabs: false, indent: 4 } } });
    expect(applyTextEdits(doc.text, edits)).toBe(fs.readFileSync(path.join(fixturesDir, 'formatting/messy.formatted'), 'utf8'));
  });
});

describe('range and on-type formatting', () => {
  const messy = path.join(fixturesDir, 'formatting/messy.conf');

  it('formats only the statements in the range', async () => {
    client.settings = {};
    const original = fs.readFileSync(messy, 'utf8');
    // The cursor range covers `listen 143;   # imap` only.
    const marked = original.replace('  listen 143;   # imap', '<|>  listen 143;   # imap<|>');
    const doc = await client.open(messy, marked);
    const edits = await client.request<TextEdit[]>('textDocument/rangeFormatting', {
      textDocument: { uri: doc.uri },
      range: { start: doc.cursors[0], end: doc.cursors[1] },
      options: DEFAULT_OPTIONS,
    });
    await client.close(doc);
    onlyWhitespace(doc.text, edits);
    const after = applyTextEdits(doc.text, edits);
    expect(after).toContain('\n        listen 143; # imap\n');
    // Everything else is as it was.
    expect(after.replace('        listen 143; # imap', '  listen 143;   # imap')).toBe(doc.text);
  });

  it('after ";" the statement just ended is formatted', async () => {
    client.settings = {};
    const doc = await client.open(messy, 'mail {\n    server {\n  listen    143;<|>\n    }\n}\n');
    const edits = await client.request<TextEdit[]>('textDocument/onTypeFormatting', { textDocument: { uri: doc.uri }, position: doc.cursors[0], ch: ';', options: DEFAULT_OPTIONS });
    await client.close(doc);
    expect(applyTextEdits(doc.text, edits)).toBe('mail {\n    server {\n        listen 143;\n    }\n}\n');
  });

  it('after "}" the closing brace is indented', async () => {
    client.settings = {};
    const doc = await client.open(messy, 'mail {\n    server {\n        listen 143;\n            }<|>\n}\n');
    const edits = await client.request<TextEdit[]>('textDocument/onTypeFormatting', { textDocument: { uri: doc.uri }, position: doc.cursors[0], ch: '}', options: DEFAULT_OPTIONS });
    await client.close(doc);
    expect(applyTextEdits(doc.text, edits)).toBe('mail {\n    server {\n        listen 143;\n    }\n}\n');
  });

  it('a file that does not parse is left alone', async () => {
    client.settings = {};
    const doc = await client.open(messy, 'mail {\n  server {\n  listen    143;<|>\n');
    const edits = await client.request<TextEdit[]>('textDocument/onTypeFormatting', { textDocument: { uri: doc.uri }, position: doc.cursors[0], ch: ';', options: DEFAULT_OPTIONS });
    await client.close(doc);
    expect(edits).toEqual([]);
  });
});
