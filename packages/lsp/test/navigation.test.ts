/**
 * The structure features: document symbols (mail > servers named by what they serve),
 * folding ranges, selection ranges, document links and go-to-definition for includes and
 * certificate paths, inlay hints and semantic tokens.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentLink, DocumentSymbol, FoldingRange, InlayHint, InlayHintLabelPart, Location, SelectionRange, SemanticTokens } from 'vscode-languageserver-protocol';
import { LspClient, offsetAt, type OpenDoc } from './support/client.js';
import { fixturesDir } from './support/fixtures.js';

let client: LspClient;
let doc: OpenDoc;
beforeAll(async () => {
  client = await LspClient.start();
  doc = await client.open(path.join(fixturesDir, 'structure/mail.conf'));
});
afterAll(async () => {
  await client.stop();
});

const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length - 1;

describe('document symbols', () => {
  it('mail contains its servers, named by protocol, address and name', async () => {
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: doc.uri } });
    expect(symbols.map((s) => s.name)).toEqual(['events', 'mail']);
    const mail = symbols[1]!;
    expect(mail.children!.map((s) => s.name)).toEqual(['auth_http', 'proxy_timeout', 'server imap 0.0.0.0:143 (imap.example.org)', 'server pop3 0.0.0.0:995 ssl']);
    const imap = mail.children![2]!;
    expect(imap.children!.map((s) => `${s.name} ${s.detail}`)).toEqual(['listen 143', 'server_name imap.example.org', 'starttls only']);
    expect(imap.range.start.line).toBe(lineOf(doc.text, 'server {'));
    expect(imap.selectionRange).toEqual({ start: { line: imap.range.start.line, character: 4 }, end: { line: imap.range.start.line, character: 10 } });
  });
});

describe('folding ranges', () => {
  it('folds blocks (keeping the closing brace visible) and runs of comments', async () => {
    const ranges = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: doc.uri } });
    const shown = ranges.map((r) => `${r.startLine + 1}-${r.endLine + 1}${r.kind ? ` ${r.kind}` : ''}`);
    expect(shown).toEqual(['1-2 comment', '3-4', '7-21', '11-14', '17-20']);
  });
});

describe('selection ranges', () => {
  it('grow from the word to the statement, the block, the enclosing blocks and the file', async () => {
    const at = doc.text.indexOf('imap.example.org') + 2;
    const [sel] = await client.request<SelectionRange[]>('textDocument/selectionRange', {
      textDocument: { uri: doc.uri },
      positions: [{ line: lineOf(doc.text, 'imap.example.org'), character: at - doc.text.lastIndexOf('\n', at) - 1 }],
    });
    const texts: string[] = [];
    for (let r: SelectionRange | undefined = sel; r; r = r.parent) texts.push(doc.text.slice(offsetAt(doc.text, r.range.start), offsetAt(doc.text, r.range.end)));
    expect(texts[0]).toBe('imap.example.org');
    expect(texts[1]).toBe('server_name imap.example.org;');
    expect(texts[2]!.trim().startsWith('listen 143;')).toBe(true);
    expect(texts[3]!.startsWith('server {') && texts[3]!.endsWith('}')).toBe(true);
    expect(texts[texts.length - 1]).toBe(doc.text);
    // Each range contains the one before it.
    for (let i = 1; i < texts.length; i++) expect(texts[i]!.includes(texts[i - 1]!)).toBe(true);
  });
});

describe('inlay hints', () => {
  it('show the protocol inferred from a port and the values inherited from mail {}', async () => {
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', {
      textDocument: { uri: doc.uri },
      range: { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } },
    });
    const label = (h: InlayHint) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));
    const listenLine = lineOf(doc.text, 'listen 143;');
    const proto = hints.find((h) => label(h) === 'protocol imap')!;
    expect(proto.position).toEqual({ line: listenLine, character: doc.text.split('\n')[listenLine]!.indexOf(';') + 1 });
    const inherited = hints.filter((h) => label(h).startsWith('inherits: ')).map(label);
    expect(inherited).toEqual(['inherits: auth_http 127.0.0.1:9000/auth, proxy_timeout 10m', 'inherits: auth_http 127.0.0.1:9000/auth, proxy_timeout 10m']);
    // Each inherited value links to the statement that sets it.
    const part = (hints.find((h) => label(h).startsWith('inherits: '))!.label as InlayHintLabelPart[])[1]!;
    expect(part.location!.uri).toBe(doc.uri);
    expect(part.location!.range.start.line).toBe(lineOf(doc.text, 'auth_http'));
  });

  it("in a fragment, inherited values link into the files that set them", async () => {
    const frag = await client.open(path.join(fixturesDir, 'workspace/includes/mail.d/servers/imap.conf'));
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', {
      textDocument: { uri: frag.uri },
      range: { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } },
    });
    await client.close(frag);
    const parts = hints[0]!.label as InlayHintLabelPart[];
    expect(parts.map((p) => p.value).join('')).toBe('inherits: auth_http 127.0.0.1:9000/auth, proxy_timeout 30m');
    expect(parts.slice(1).map((p) => path.relative(fixturesDir, fileURLToPath(p.location!.uri)))).toEqual([
      'workspace/includes/mail.d/common.conf',
      'workspace/includes/nginx.conf',
    ]);
  });

  it('only for the range asked', async () => {
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', {
      textDocument: { uri: doc.uri },
      range: { start: { line: 16, character: 0 }, end: { line: 20, character: 0 } },
    });
    expect(hints).toHaveLength(1);
  });
});

describe('links and definitions', () => {
  const nginx = path.join(fixturesDir, 'workspace/links/nginx.conf');

  it('link an include of one file and an existing certificate', async () => {
    const d = await client.open(nginx);
    const links = await client.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri: d.uri } });
    const shown = links.map((l) => `${d.text.slice(offsetAt(d.text, l.range.start), offsetAt(d.text, l.range.end))} -> ${path.relative(fixturesDir, fileURLToPath(l.target!))}`);
    // The glob include has no single target; the missing key is not linked.
    expect(shown).toEqual(['mail.d/auth.conf -> workspace/links/mail.d/auth.conf', 'certs/mail.pem -> workspace/links/certs/mail.pem']);
    await client.close(d);
  });

  it('go to definition of a glob include lists every file it brings in', async () => {
    const d = await client.open(nginx, (await import('node:fs')).readFileSync(nginx, 'utf8').replace('mail.d/*.conf', 'mail.d/*.c<|>onf'));
    const locations = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: d.uri }, position: d.cursors[0] });
    expect(locations.map((l) => path.basename(fileURLToPath(l.uri)))).toEqual(['auth.conf', 'timeouts.conf']);
    await client.close(d);
  });
});

describe('semantic tokens', () => {
  interface Tok {
    text: string;
    type: string;
    mods: string[];
  }
  async function tokens(d: OpenDoc): Promise<Tok[]> {
    const legend = client.initializeResult.capabilities.semanticTokensProvider!.legend;
    const { data } = await client.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri: d.uri } });
    const lines = d.text.split('\n');
    const out: Tok[] = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i]!;
      char = data[i]! === 0 ? char + data[i + 1]! : data[i + 1]!;
      const mods = legend.tokenModifiers.filter((_, bit) => data[i + 4]! & (1 << bit));
      out.push({ text: lines[line]!.slice(char, char + data[i + 2]!), type: legend.tokenTypes[data[i + 3]!]!, mods });
    }
    return out;
  }

  it('colour what nginx knows in its context', async () => {
    const t = await tokens(doc);
    const of = (text: string) => t.filter((x) => x.text === text).map((x) => x.type + (x.mods.length ? `(${x.mods.join(',')})` : ''));
    expect(of('mail')).toEqual(['keyword(declaration)']);
    expect(of('server')).toEqual(['keyword(declaration)', 'keyword(declaration)']);
    expect(of('listen')).toEqual(['property', 'property']);
    expect(of('143')).toEqual(['number']);
    expect(of('ssl')).toEqual(['parameter']);
    expect(of('only')).toEqual(['enumMember']);
    expect(of('pop3')).toEqual(['enumMember']);
    expect(of('30s')).toEqual(['number']);
    expect(of('# Mail proxy for example.org.')).toEqual(['comment']);
  });

  it('a directive out of its context is not coloured as one; a deprecated one is marked', async () => {
    client.settings = { nginxVersion: '1.22.1' };
    const d = await client.open(path.join(fixturesDir, 'structure/other.conf'), 'events {}\nmail {\n    server {\n        location / {}\n        ssl on;\n        server_name "a b";\n    }\n}\n');
    const t = await tokens(d);
    expect(t.find((x) => x.text === 'location')).toBeUndefined();
    expect(t.find((x) => x.text === 'ssl')).toEqual({ text: 'ssl', type: 'property', mods: ['deprecated'] });
    expect(t.find((x) => x.text === '"a b"')!.type).toBe('string');
    await client.close(d);
    client.settings = {};
  });

  it('a range request gives the tokens of that range only', async () => {
    const { data } = await client.request<SemanticTokens>('textDocument/semanticTokens/range', {
      textDocument: { uri: doc.uri },
      range: { start: { line: 17, character: 0 }, end: { line: 18, character: 0 } },
    });
    // `listen 995 ssl;`: three tokens.
    expect(data.length / 5).toBe(3);
  });
});
