/**
 * Completion offers what nginx accepts at the cursor, case by case (fixtures/lsp/completion:
 * each `.conf` marks the cursor with `<|>`; its `.json` lists labels that must be offered,
 * must not be, or the exact set).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompletionItem, CompletionList } from 'vscode-languageserver-protocol';
import { InsertTextFormat } from 'vscode-languageserver-protocol';
import { LspClient } from './support/client.js';
import { cases } from './support/fixtures.js';

interface Expected {
  includes?: string[];
  excludes?: string[];
  exactly?: string[];
  settings?: Record<string, unknown>;
}

let client: LspClient;
beforeAll(async () => {
  client = await LspClient.start();
});
afterAll(async () => {
  await client.stop();
});

async function completeAt(file: string, settings: Record<string, unknown> = {}, marked?: string) {
  client.settings = settings;
  const doc = await client.open(file, marked);
  const list = await client.request<CompletionList | null>('textDocument/completion', { textDocument: { uri: doc.uri }, position: doc.cursors[0] });
  await client.close(doc);
  return { doc, items: list?.items ?? [] };
}

describe('completion fixtures', () => {
  for (const c of cases<Expected>('completion')) {
    it(c.name, async () => {
      const { items } = await completeAt(c.file, c.expected.settings);
      const labels = items.map((i) => i.label);
      for (const l of c.expected.includes ?? []) expect(labels, `offers ${l}`).toContain(l);
      for (const l of c.expected.excludes ?? []) expect(labels, `does not offer ${l}`).not.toContain(l);
      if (c.expected.exactly) expect([...labels].sort()).toEqual([...c.expected.exactly].sort());
    });
  }
});

describe('completion items', () => {
  it('a variable replaces the name typed after $, and says where the configuration defines it', async () => {
    const { doc, items } = await completeAt('fixtures/lsp/completion/variables-http.conf');
    const user = items.find((i) => i.label === 'user')!;
    const edit = user.textEdit as { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string };
    expect(edit.newText).toBe('user');
    // `$us|`: the two letters after the `$`, up to the cursor.
    expect(edit.range.start).toEqual({ line: doc.cursors[0]!.line, character: doc.cursors[0]!.character - 2 });
    expect(edit.range.end).toEqual(doc.cursors[0]);
    expect(user.detail).toBe('location, line 6');
    expect(items.find((i) => i.label === 'tenant')!.detail).toBe('map, line 3');
    expect((items.find((i) => i.label === 'http_…')!.textEdit as { newText: string }).newText).toBe('http_');
  });

  it('directive names expand to snippets with their values and the ;', async () => {
    const { items } = await completeAt('fixtures/lsp/completion/mail-server-directives.conf');
    const byLabel = new Map(items.map((i) => [i.label, i] as const));
    const starttls = byLabel.get('starttls')!;
    expect(starttls.insertTextFormat).toBe(InsertTextFormat.Snippet);
    expect((starttls.textEdit as { newText: string }).newText).toBe('starttls ${1|on,off,only|};');
    expect((byLabel.get('proxy_pass_error_message')!.textEdit as { newText: string }).newText).toBe('proxy_pass_error_message ${1|on,off|};');
    expect((byLabel.get('timeout')!.textEdit as { newText: string }).newText).toBe('timeout ${1:60s};');
    expect((byLabel.get('protocol')!.textEdit as { newText: string }).newText).toBe('protocol ${1|imap,pop3,smtp|};');
  });

  it('block directives expand to a block', async () => {
    const { items } = await completeAt('fixtures/lsp/completion/mail-block.conf');
    const server = items.find((i) => i.label === 'server')!;
    expect((server.textEdit as { newText: string }).newText).toBe('server {\n\t$0\n}');
  });

  it('plain text for clients without snippets', async () => {
    const plain = await LspClient.start({ capabilities: { textDocument: { completion: { completionItem: { snippetSupport: false } } } } });
    try {
      const doc = await plain.open('fixtures/lsp/completion/mail-server-directives.conf');
      const list = await plain.request<CompletionList>('textDocument/completion', { textDocument: { uri: doc.uri }, position: doc.cursors[0] });
      const starttls = list.items.find((i) => i.label === 'starttls')!;
      expect(starttls.insertTextFormat).toBe(InsertTextFormat.PlainText);
      expect((starttls.textEdit as { newText: string }).newText).toBe('starttls');
    } finally {
      await plain.stop();
    }
  });

  it('renaming an existing statement replaces only its name', async () => {
    const { doc, items } = await completeAt('fixtures/lsp/completion/mail-server-directives.conf', {}, 'mail {\n    server {\n        time<|>out 30s;\n    }\n}\n');
    const t = items.find((i) => i.label === 'timeout')!;
    const edit = t.textEdit as { newText: string; range: { start: { character: number }; end: { character: number } } };
    expect(edit.newText).toBe('timeout');
    expect(edit.range.start.character).toBe(8);
    expect(edit.range.end.character).toBe(15);
    void doc;
  });

  it('the documentation is resolved on demand, for the context', async () => {
    const { items } = await completeAt('fixtures/lsp/completion/mail-server-directives.conf');
    const listen = items.find((i) => i.label === 'listen')!;
    expect(listen.documentation).toBeUndefined();
    const resolved = await client.request<CompletionItem>('completionItem/resolve', listen);
    const doc = (resolved.documentation as { value: string }).value;
    expect(doc).toContain('listen address:port');
    expect(doc).toContain('ngx_mail_core_module');
  });

  it('a space at the start of a statement offers nothing (indentation is not a request)', async () => {
    client.settings = {};
    const doc = await client.open('fixtures/lsp/completion/mail-server-directives.conf');
    const list = await client.request<CompletionList | null>('textDocument/completion', {
      textDocument: { uri: doc.uri },
      position: doc.cursors[0],
      context: { triggerKind: 2, triggerCharacter: ' ' },
    });
    expect(list?.items ?? []).toEqual([]);
    await client.close(doc);
  });

  it('a space after a directive offers its values', async () => {
    client.settings = {};
    const doc = await client.open('fixtures/lsp/completion/starttls-values.conf');
    const list = await client.request<CompletionList | null>('textDocument/completion', {
      textDocument: { uri: doc.uri },
      position: doc.cursors[0],
      context: { triggerKind: 2, triggerCharacter: ' ' },
    });
    expect(list!.items.map((i) => i.label)).toEqual(['on', 'off', 'only']);
    await client.close(doc);
  });
});
