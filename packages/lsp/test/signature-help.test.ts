/**
 * Signature help for directives of several arguments (fixtures/lsp/signature-help: `<|>`
 * marks the cursor; the `.json` gives the start of the active signature's label and the
 * label of the active parameter, or `none`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignatureHelp } from 'vscode-languageserver-protocol';
import { LspClient } from './support/client.js';
import { cases } from './support/fixtures.js';

interface Expected {
  signature?: string;
  active?: string;
  none?: boolean;
}

let client: LspClient;
beforeAll(async () => {
  client = await LspClient.start();
});
afterAll(async () => {
  await client.stop();
});

describe('signature help fixtures', () => {
  for (const c of cases<Expected>('signature-help')) {
    it(c.name, async () => {
      const doc = await client.open(c.file);
      const help = await client.request<SignatureHelp | null>('textDocument/signatureHelp', { textDocument: { uri: doc.uri }, position: doc.cursors[0] });
      await client.close(doc);
      if (c.expected.none) return expect(help).toBeNull();
      expect(help).not.toBeNull();
      const sig = help!.signatures[help!.activeSignature ?? 0]!;
      expect(sig.label.startsWith(c.expected.signature!), sig.label).toBe(true);
      const p = sig.parameters![help!.activeParameter ?? 0]!;
      const label = typeof p.label === 'string' ? p.label : sig.label.slice(p.label[0], p.label[1]);
      expect(label).toBe(c.expected.active);
    });
  }
});
