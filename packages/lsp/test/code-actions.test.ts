/**
 * Code actions, applied as an editor applies them: the checker's fixes make their problem
 * go away, "disable for this line" silences exactly that rule on that line, "show
 * documentation" opens the rule's page, and source.fixAll.mailconf applies every safe fix.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeAction, Diagnostic, Range, TextEdit } from 'vscode-languageserver-protocol';
import { applyTextEdits, LspClient, type OpenDoc } from './support/client.js';
import { fixturesDir } from './support/fixtures.js';

const dir = path.join(fixturesDir, 'code-actions');

let client: LspClient;
beforeAll(async () => {
  client = await LspClient.start();
});
afterAll(async () => {
  await client.stop();
});

function actionsAt(doc: OpenDoc, range: Range, diagnostics: Diagnostic[] = [], only?: string[]): Promise<CodeAction[]> {
  return client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: doc.uri }, range, context: { diagnostics, only } });
}

function editsFor(action: CodeAction, doc: OpenDoc): TextEdit[] {
  return action.edit!.changes![doc.uri]!;
}

describe('quick fixes', () => {
  it("the checker's fix removes a repeated listen, and the problem is gone", async () => {
    client.settings = {};
    let doc = await client.open(path.join(dir, 'duplicate-listen.conf'));
    const diags = await client.diagnostics(doc);
    const dup = diags.find((d) => d.code === 'duplicate-listen')!;
    const actions = await actionsAt(doc, dup.range, [dup]);
    const fix = actions.find((a) => a.isPreferred)!;
    expect(fix.title).toBe('Remove the repeated listen');
    expect(fix.kind).toBe('quickfix');
    expect(fix.diagnostics!.map((d) => d.code)).toEqual(['duplicate-listen']);
    const fixed = applyTextEdits(doc.text, editsFor(fix, doc));
    expect(fixed.match(/listen 993 ssl;/g)).toHaveLength(1);
    doc = await client.replace(doc, fixed);
    expect((await client.diagnostics(doc)).map((d) => d.code)).not.toContain('duplicate-listen');
    await client.close(doc);
  });

  it('a forgotten ";" is inserted where it belongs', async () => {
    client.settings = {};
    let doc = await client.open(path.join(dir, 'missing-semicolon.conf'));
    const diags = await client.diagnostics(doc);
    const d = diags.find((x) => x.code === 'argument-count')!;
    const fix = (await actionsAt(doc, d.range, [d])).find((a) => a.isPreferred)!;
    expect(fix.title).toBe('Insert ";" after "5s"');
    const fixed = applyTextEdits(doc.text, editsFor(fix, doc));
    expect(fixed).toContain('    timeout 5s;\n    resolver_timeout 3s;\n');
    doc = await client.replace(doc, fixed);
    expect(await client.diagnostics(doc)).toEqual([]);
    await client.close(doc);
  });

  it('nothing is offered where there is no problem', async () => {
    client.settings = {};
    const doc = await client.open(path.join(dir, 'duplicate-listen.conf'));
    await client.diagnostics(doc);
    expect(await actionsAt(doc, { start: { line: 2, character: 4 }, end: { line: 2, character: 4 } })).toEqual([]);
    await client.close(doc);
  });
});

describe('disable for this line', () => {
  it('inserts a suppression comment above, indented like the line; the problem is gone', async () => {
    client.settings = {};
    let doc = await client.open(path.join(fixturesDir, 'diagnostics/plaintext-imap.conf'));
    const [d] = await client.diagnostics(doc);
    const action = (await actionsAt(doc, d!.range, [d!])).find((a) => a.title === 'Disable plaintext-auth-without-tls for this line')!;
    const fixed = applyTextEdits(doc.text, editsFor(action, doc));
    expect(fixed).toContain('    server {\n        # mailconf-disable-next-line plaintext-auth-without-tls\n        listen 143;\n');
    doc = await client.replace(doc, fixed);
    expect(await client.diagnostics(doc)).toEqual([]);
    await client.close(doc);
  });

  it('adds a second rule to the comment already there', async () => {
    client.settings = {};
    let doc = await client.open(path.join(fixturesDir, 'diagnostics/plaintext-imap.conf'));
    doc = await client.replace(doc, doc.text.replace('        listen 143;', '        # mailconf-disable-next-line auth-http-required\n        listen 143;'));
    const [d] = await client.diagnostics(doc);
    const action = (await actionsAt(doc, d!.range, [d!])).find((a) => a.title.startsWith('Disable'))!;
    const fixed = applyTextEdits(doc.text, editsFor(action, doc));
    expect(fixed).toContain('        # mailconf-disable-next-line auth-http-required plaintext-auth-without-tls\n        listen 143;\n');
    await client.close(doc);
  });

  it('keeps CRLF line ends and tab indentation', async () => {
    client.settings = {};
    const doc = await client.open(path.join(dir, 'crlf-suppress.conf'));
    const [d] = await client.diagnostics(doc);
    const action = (await actionsAt(doc, d!.range, [d!])).find((a) => a.title.startsWith('Disable'))!;
    const fixed = applyTextEdits(doc.text, editsFor(action, doc));
    expect(fixed).toContain('    server {\r\n\t\t# mailconf-disable-next-line plaintext-auth-without-tls\r\n\t\tlisten 143;\r\n');
    await client.close(doc);
  });
});

describe('rule documentation', () => {
  it('"Show documentation" opens the page the diagnostic links to', async () => {
    const c = await LspClient.start({ capabilities: { window: { showDocument: { support: true } } } });
    try {
      const doc = await c.open(path.join(fixturesDir, 'diagnostics/plaintext-imap.conf'));
      const [d] = await c.diagnostics(doc);
      const action = (await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: doc.uri }, range: d!.range, context: { diagnostics: [d] } })).find((a) =>
        a.title.startsWith('Show documentation'),
      )!;
      expect(action.command!.command).toBe('mailconf.openRuleDocs');
      const result = await c.request<boolean>('workspace/executeCommand', { command: action.command!.command, arguments: action.command!.arguments });
      expect(result).toBe(true);
      expect(c.shownDocuments).toEqual([d!.codeDescription!.href]);
    } finally {
      await c.stop();
    }
  });
});

describe('fix all', () => {
  it('source.fixAll.mailconf applies every safe fix of the document', async () => {
    client.settings = {};
    let doc = await client.open(path.join(dir, 'several-fixes.conf'));
    const before = (await client.diagnostics(doc)).filter((d) => (d.data as { fix?: unknown } | undefined)?.fix).map((d) => d.code);
    expect(before.sort()).toEqual(['argument-count', 'duplicate-listen', 'unknown-protocol']);
    const whole: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const [fixAll] = await actionsAt(doc, whole, [], ['source.fixAll']);
    expect(fixAll!.kind).toBe('source.fixAll.mailconf');
    doc = await client.replace(doc, applyTextEdits(doc.text, editsFor(fixAll!, doc)));
    expect(doc.text).toContain('timeout 5s;');
    expect(doc.text).toContain('protocol imap;');
    expect(doc.text.match(/listen 993 ssl;/g)).toHaveLength(1);
    expect(await client.diagnostics(doc)).toEqual([]);
    await client.close(doc);
  });

  it('is not offered in the light bulb (only on request)', async () => {
    client.settings = {};
    const doc = await client.open(path.join(dir, 'several-fixes.conf'));
    await client.diagnostics(doc);
    const all = await actionsAt(doc, { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } });
    expect(all.some((a) => a.kind === 'source.fixAll.mailconf')).toBe(false);
    await client.close(doc);
  });
});
