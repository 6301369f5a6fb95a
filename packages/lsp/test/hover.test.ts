/**
 * Hover shows the directive's documentation for its context and what the resolved model
 * says about this place (fixtures/lsp/hover: `<|>` marks the cursor; the `.json` lists text
 * the hover must contain, must not contain, or `none` for no hover).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { LspClient } from './support/client.js';
import { cases } from './support/fixtures.js';

interface Expected {
  contains?: string[];
  excludes?: string[];
  none?: boolean;
}

let client: LspClient;
beforeAll(async () => {
  client = await LspClient.start();
});
afterAll(async () => {
  await client.stop();
});

async function hoverAt(file: string): Promise<Hover | null> {
  const doc = await client.open(file);
  const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: doc.uri }, position: doc.cursors[0] });
  await client.close(doc);
  return h;
}

describe('hover fixtures', () => {
  for (const c of cases<Expected>('hover')) {
    it(c.name, async () => {
      const h = await hoverAt(c.file);
      if (c.expected.none) return expect(h).toBeNull();
      expect(h).not.toBeNull();
      const text = (h!.contents as MarkupContent).value;
      for (const s of c.expected.contains ?? []) expect(text).toContain(s);
      for (const s of c.expected.excludes ?? []) expect(text).not.toContain(s);
    });
  }
});

describe('hover', () => {
  it('covers the word under the cursor', async () => {
    const doc = await client.open('fixtures/lsp/hover/set-here.conf');
    const h = await client.request<Hover>('textDocument/hover', { textDocument: { uri: doc.uri }, position: doc.cursors[0] });
    expect(h.range).toEqual({ start: { line: 6, character: 8 }, end: { line: 6, character: 15 } });
    await client.close(doc);
  });

  it('an include shows the files it brings in', async () => {
    const doc = await client.open('fixtures/lsp/workspace/hover-include/main.conf', 'events {}\nmail {\n    include conf.d/au<|>th.conf;\n}\n');
    const h = await client.request<Hover>('textDocument/hover', { textDocument: { uri: doc.uri }, position: doc.cursors[0] });
    expect((h.contents as MarkupContent).value).toContain('hover-include/conf.d/auth.conf`');
    await client.close(doc);
  });
});
