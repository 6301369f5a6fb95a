/**
 * A small LSP client for the tests: starts the real server process over stdio and speaks
 * JSON-RPC to it with vscode-languageserver-protocol, as an editor would. Fixture texts mark
 * cursors with `<|>`; `open()` strips the markers and gives their positions, so a test reads
 * like the editor session it checks:
 *
 *   const doc = await client.open('mail.conf', 'mail {\n  server {\n    li<|>\n  }\n}\n');
 *   const items = await client.completion(doc, doc.cursors[0]);
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DiagnosticRefreshRequest,
  ExitNotification,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShowDocumentRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type Diagnostic,
  type InitializeResult,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { repoRoot, serverBundle } from './server-bundle.js';

export const CURSOR = '<|>';

/** Text with `<|>` markers removed, and the offsets and positions of the markers. */
export function withCursors(marked: string): { text: string; offsets: number[] } {
  const offsets: number[] = [];
  let text = '';
  let i = 0;
  for (;;) {
    const j = marked.indexOf(CURSOR, i);
    if (j < 0) break;
    text += marked.slice(i, j);
    offsets.push(text.length);
    i = j + CURSOR.length;
  }
  text += marked.slice(i);
  return { text, offsets };
}

/** The LSP position of an offset (lines split at CRLF, LF and CR). */
export function positionAt(text: string, offset: number): Position {
  let line = 0;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      start = i + 1;
    }
  }
  return { line, character: offset - start };
}

export function offsetAt(text: string, pos: Position): number {
  let line = 0;
  let i = 0;
  while (line < pos.line && i < text.length) {
    const c = text.charCodeAt(i);
    i++;
    if (c === 10 || (c === 13 && text.charCodeAt(i) !== 10)) line++;
  }
  return Math.min(i + pos.character, text.length);
}

/** Applies LSP text edits (non-overlapping, any order) to a text. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const withOffsets = edits
    .map((e) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of withOffsets) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

export interface OpenDoc {
  uri: string;
  /** Publications for this URI before this document was opened (older ones are ignored). */
  seen: number;
  path: string;
  text: string;
  version: number;
  /** Positions of the `<|>` markers, in order. */
  cursors: Position[];
}

export interface StartOptions {
  /** Capabilities beyond the defaults (push diagnostics, snippets, markdown). */
  capabilities?: ClientCapabilities;
  /** What workspace/configuration answers for the `mailconf` section. */
  settings?: Record<string, unknown>;
  initializationOptions?: unknown;
  rootDir?: string;
  /** Run `mailconf lsp --stdio` instead of the server entry. */
  viaCli?: boolean;
}

const DEFAULT_CAPABILITIES: ClientCapabilities = {
  workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
  textDocument: {
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
    completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
    hover: { contentFormat: ['markdown', 'plaintext'] },
  },
};

export class LspClient {
  readonly published = new Map<string, PublishDiagnosticsParams[]>();
  readonly shownDocuments: string[] = [];
  readonly stderr: string[] = [];
  readonly logs: string[] = [];
  refreshRequests = 0;
  settings: Record<string, unknown>;
  /** While set, workspace/configuration is answered only once it resolves (a slow client). */
  holdConfiguration: Promise<void> | null = null;
  initializeResult!: InitializeResult;
  private waiters: (() => void)[] = [];
  private versions = new Map<string, number>();

  private constructor(
    readonly proc: ChildProcessWithoutNullStreams,
    readonly connection: ProtocolConnection,
    settings: Record<string, unknown>,
  ) {
    this.settings = settings;
  }

  static async start(options: StartOptions = {}): Promise<LspClient> {
    const bundle = await serverBundle(options.viaCli ? 'cli' : 'server');
    const args = options.viaCli ? [bundle, 'lsp', '--stdio'] : [bundle, '--stdio'];
    const proc = spawn(process.execPath, args, { stdio: 'pipe', cwd: options.rootDir ?? process.cwd() });
    const connection = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    const client = new LspClient(proc, connection, options.settings ?? {});
    proc.stderr.on('data', (b: Buffer) => client.stderr.push(b.toString()));
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      const list = client.published.get(p.uri) ?? [];
      list.push(p);
      client.published.set(p.uri, list);
      client.wake();
    });
    connection.onNotification('window/logMessage', (p: { message: string }) => {
      client.logs.push(p.message);
    });
    connection.onNotification('window/showMessage', (p: { message: string }) => {
      client.logs.push(p.message);
    });
    connection.onRequest(ConfigurationRequest.type, async (p) => {
      if (client.holdConfiguration) await client.holdConfiguration;
      return p.items.map((item) => (item.section === 'mailconf' ? client.settings : null));
    });
    connection.onRequest(RegistrationRequest.type, () => undefined);
    connection.onRequest(DiagnosticRefreshRequest.type, () => {
      client.refreshRequests++;
      client.wake();
    });
    connection.onRequest(ShowDocumentRequest.type, (p) => {
      client.shownDocuments.push(p.uri);
      client.wake();
      return { success: true };
    });
    connection.listen();
    const capabilities = mergeCapabilities(DEFAULT_CAPABILITIES, options.capabilities ?? {});
    const rootUri = options.rootDir ? pathToFileURL(options.rootDir).href : null;
    client.initializeResult = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri,
      capabilities,
      initializationOptions: options.initializationOptions,
      workspaceFolders: rootUri ? [{ uri: rootUri, name: 'root' }] : null,
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves when `ready()` is true, re-checking after every message; rejects after `ms`. */
  async until<T>(ready: () => T | undefined | null | false, what: string, ms = 10000): Promise<T> {
    const start = Date.now();
    for (;;) {
      const v = ready();
      if (v) return v;
      if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}; server said: ${this.stderr.join('')}${this.logs.join('\n')}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Opens a document (from a fixture file or a given text with `<|>` markers). */
  async open(file: string, marked?: string, languageId = 'nginx'): Promise<OpenDoc> {
    const abs = path.resolve(repoRoot, file);
    const source = marked ?? fs.readFileSync(abs, 'utf8');
    const { text, offsets } = withCursors(source);
    const uri = pathToFileURL(abs).href;
    this.versions.set(uri, 1);
    const seen = this.published.get(uri)?.length ?? 0;
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return { uri, seen, path: abs, text, version: 1, cursors: offsets.map((o) => positionAt(text, o)) };
  }

  /** Replaces the whole text (markers allowed); returns the document at its new version. */
  async replace(doc: OpenDoc, marked: string): Promise<OpenDoc> {
    const { text, offsets } = withCursors(marked);
    const version = (this.versions.get(doc.uri) ?? 1) + 1;
    this.versions.set(doc.uri, version);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri: doc.uri, version }, contentChanges: [{ text }] });
    return { ...doc, text, version, cursors: offsets.map((o) => positionAt(text, o)) };
  }

  /** Applies incremental edits, as an editor sends them. */
  async edit(doc: OpenDoc, edits: TextEdit[]): Promise<OpenDoc> {
    const version = (this.versions.get(doc.uri) ?? 1) + 1;
    this.versions.set(doc.uri, version);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: doc.uri, version },
      contentChanges: edits.map((e) => ({ range: e.range, text: e.newText })),
    });
    return { ...doc, text: applyTextEdits(doc.text, edits), version, cursors: [] };
  }

  async close(doc: OpenDoc): Promise<void> {
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri: doc.uri } });
  }

  /** The first diagnostics published for the document at (at least) its current version. */
  diagnostics(doc: OpenDoc, ms?: number): Promise<Diagnostic[]> {
    return this.until(
      () => {
        const list = (this.published.get(doc.uri) ?? []).slice(doc.seen);
        const hit = list.find((p) => p.version !== undefined && p.version >= doc.version);
        return hit?.diagnostics;
      },
      `diagnostics of ${path.basename(doc.path)} v${doc.version}`,
      ms,
    );
  }

  /** Diagnostics published after the `count`-th publication for the document. */
  nextDiagnostics(doc: OpenDoc, count: number): Promise<Diagnostic[]> {
    return this.until(() => (this.published.get(doc.uri) ?? [])[count]?.diagnostics, `publication #${count + 1} for ${path.basename(doc.path)}`);
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      /* the process may be gone already */
    }
    await new Promise<void>((resolve) => {
      if (this.proc.exitCode !== null) return resolve();
      const t = setTimeout(() => {
        this.proc.kill();
        resolve();
      }, 2000);
      this.proc.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
    this.connection.dispose();
  }
}

function mergeCapabilities(a: ClientCapabilities, b: ClientCapabilities): ClientCapabilities {
  const merge = (x: unknown, y: unknown): unknown => {
    if (x && y && typeof x === 'object' && typeof y === 'object' && !Array.isArray(x) && !Array.isArray(y)) {
      const out: Record<string, unknown> = { ...(x as Record<string, unknown>) };
      for (const [k, v] of Object.entries(y as Record<string, unknown>)) out[k] = merge(out[k], v);
      return out;
    }
    return y === undefined ? x : y;
  };
  return merge(a, b) as ClientCapabilities;
}
