/**
 * The server never crashes and never fails a request, whatever the text: every syntax
 * fixture (broken files included) and random texts made of the characters that matter to
 * nginx's reader, with every feature asked at many positions. A handler that throws is
 * logged as "... failed"; no such line may appear, and the server must still answer.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Position } from 'vscode-languageserver-protocol';
import { LspClient, positionAt, type OpenDoc } from './support/client.js';
import { fixturesDir } from './support/fixtures.js';
import { repoRoot } from './support/server-bundle.js';

let client: LspClient;
beforeAll(async () => {
  client = await LspClient.start({ capabilities: { window: { showDocument: { support: true } } } });
});
afterAll(async () => {
  await client.stop();
});

function failures(): string[] {
  return client.logs.filter((l) => / failed: |uncaught|unhandled/.test(l));
}

async function everyFeature(doc: OpenDoc, positions: Position[]): Promise<void> {
  const textDocument = { uri: doc.uri };
  const whole = { start: { line: 0, character: 0 }, end: positionAt(doc.text, doc.text.length) };
  const requests: Promise<unknown>[] = [
    client.request('textDocument/documentSymbol', { textDocument }),
    client.request('textDocument/foldingRange', { textDocument }),
    client.request('textDocument/semanticTokens/full', { textDocument }),
    client.request('textDocument/semanticTokens/range', { textDocument, range: whole }),
    client.request('textDocument/documentLink', { textDocument }),
    client.request('textDocument/inlayHint', { textDocument, range: whole }),
    client.request('textDocument/formatting', { textDocument, options: { tabSize: 4, insertSpaces: true } }),
    client.request('textDocument/rangeFormatting', { textDocument, range: whole, options: { tabSize: 2, insertSpaces: false } }),
    client.request('textDocument/codeAction', { textDocument, range: whole, context: { diagnostics: [], only: ['source.fixAll'] } }),
    client.request('textDocument/selectionRange', { textDocument, positions }),
  ];
  for (const position of positions) {
    requests.push(
      client.request('textDocument/hover', { textDocument, position }),
      client.request('textDocument/completion', { textDocument, position }),
      client.request('textDocument/signatureHelp', { textDocument, position }),
      client.request('textDocument/definition', { textDocument, position }),
      client.request('textDocument/codeAction', { textDocument, range: { start: position, end: position }, context: { diagnostics: [] } }),
      client.request('textDocument/onTypeFormatting', { textDocument, position, ch: ';', options: { tabSize: 4, insertSpaces: true } }),
    );
  }
  await Promise.all(requests);
}

/** Up to `max` positions spread over the text, plus its ends. */
function positionsIn(text: string, max = 40): Position[] {
  const step = Math.max(1, Math.floor(text.length / max));
  const out: Position[] = [];
  for (let o = 0; o <= text.length; o += step) out.push(positionAt(text, o));
  out.push(positionAt(text, text.length));
  return out;
}

describe('every fixture, every feature', () => {
  const files = [path.join(repoRoot, 'fixtures/syntax'), fixturesDir].flatMap((dir) =>
    fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.conf'))
      .sort()
      .map((f) => path.join(dir, f)),
  );

  it(`answers for ${files.length} files without a failure`, async () => {
    for (const file of files) {
      const text = fs.readFileSync(file, 'latin1');
      const doc = await client.open(file, text.replaceAll('<|>', ''));
      await client.diagnostics(doc);
      await everyFeature(doc, positionsIn(doc.text));
      await client.close(doc);
    }
    expect(failures()).toEqual([]);
  });
});

describe('random texts', () => {
  const pieces = ['mail', 'server', 'listen', '143', 'ssl', 'events', 'http', 'location', 'include', '*.conf', 'protocol', 'imap', '{', '}', ';', '#', '"', "'", '\\', '$', '${', ' ', '\t', '\n', '\r', '\r\n', 'é', '😀', '\0', '=', 'backlog=', ':'];
  const text = fc.array(fc.constantFrom(...pieces), { maxLength: 80 }).map((a) => a.join(''));

  it('never fail, while typing into them', async () => {
    await fc.assert(
      fc.asyncProperty(text, text, fc.nat(), async (a, b, at) => {
        let doc = await client.open(path.join(fixturesDir, 'random.conf'), a);
        await everyFeature(doc, positionsIn(doc.text, 10));
        // An incremental edit somewhere in the text, as an editor sends it.
        const p = positionAt(doc.text, at % (doc.text.length + 1));
        doc = await client.edit(doc, [{ range: { start: p, end: p }, newText: b }]);
        await everyFeature(doc, positionsIn(doc.text, 10));
        await client.diagnostics(doc);
        await client.close(doc);
      }),
      { numRuns: 60, seed: 20240601 },
    );
    expect(failures()).toEqual([]);
  });
});

describe('bad requests', () => {
  it('unknown documents and positions out of range get empty answers', async () => {
    const textDocument = { uri: 'file:///nowhere/never-opened.conf' };
    expect(await client.request('textDocument/hover', { textDocument, position: { line: 3, character: 4 } })).toBeNull();
    expect(await client.request('textDocument/completion', { textDocument, position: { line: 0, character: 0 } })).toBeNull();
    expect(await client.request('textDocument/documentSymbol', { textDocument })).toEqual([]);
    const doc = await client.open(path.join(fixturesDir, 'structure/mail.conf'));
    const far = { line: 999, character: 999 };
    await everyFeature(doc, [far, { line: 0, character: 999 }, { line: -1, character: -5 }]);
    expect(await client.request('workspace/executeCommand', { command: 'mailconf.openRuleDocs', arguments: ['no-such-rule'] })).toBe(false);
    // A position that is not two whole numbers is read as the nearest one: the answer's ranges stay in the text.
    const completion = await client.request<{ items: { textEdit?: { range: { start: Position; end: Position } } }[] } | null>('textDocument/completion', {
      textDocument: { uri: doc.uri },
      position: { line: 0.5, character: 1.5 },
    });
    for (const item of completion?.items ?? []) {
      for (const p of item.textEdit ? [item.textEdit.range.start, item.textEdit.range.end] : []) {
        expect(Number.isInteger(p.line) && p.line >= 0 && Number.isInteger(p.character) && p.character >= 0).toBe(true);
      }
    }
    await client.close(doc);
    expect(failures()).toEqual([]);
  });
});

describe('a request held while the client answers slowly', () => {
  it('is not answered for a later text: the client is told the document changed', async () => {
    // The server waits for the document's settings before answering; a change meanwhile would
    // make the hover name another statement and formatting edits land in the wrong place.
    let release!: () => void;
    client.holdConfiguration = new Promise<void>((r) => (release = r));
    try {
      const text = 'events {}\nmail {\n    server {\n        listen 143;\n    }\n}\n';
      const doc = await client.open(path.join(fixturesDir, 'structure/held.conf'), text);
      const hover = client.request('textDocument/hover', { textDocument: { uri: doc.uri }, position: { line: 3, character: 9 } });
      const formatting = client.request('textDocument/formatting', { textDocument: { uri: doc.uri }, options: { tabSize: 4, insertSpaces: true } });
      await client.replace(doc, `# a line on top\n${text}`);
      release();
      await expect(hover).rejects.toMatchObject({ code: -32801 });
      await expect(formatting).rejects.toMatchObject({ code: -32801 });
      // Asked again now, about the text as it is.
      const again = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: doc.uri }, position: { line: 4, character: 9 } });
      expect(again?.contents.value).toContain('listen');
      await client.close(doc);
    } finally {
      client.holdConfiguration = null;
      release();
    }
    expect(failures()).toEqual([]);
  });
});
