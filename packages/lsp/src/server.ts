/**
 * The language server: wires the LSP connection to the workspace and the features.
 *
 * Diagnostics are pushed (publishDiagnostics) to clients that cannot pull, and pulled
 * (textDocument/diagnostic, workspace/diagnostic) by clients that can, never both (a client
 * would show them twice). Pushes are debounced: a few milliseconds after the last change
 * (requests that came with the change are answered first), longer while changes arrive
 * faster than a check takes, so a burst of typing is checked once, at its last version.
 *
 * Every handler runs guarded: an exception is logged and answered with an empty result.
 */
import { getProfile } from '@mailconf/schema';
import {
  CodeActionKind,
  LSPErrorCodes,
  ResponseError,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  FileChangeType,
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Connection,
  type DocumentDiagnosticReport,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { FIX_ALL_KIND, OPEN_RULE_DOCS, codeActions } from './features/code-actions.js';
import { complete, resolveCompletion } from './features/completion.js';
import { lspDiagnosticsFor } from './features/diagnostics.js';
import { formatDocument, formatDocumentRange, formatOnType, formatOptions, loadFormatter } from './features/formatting.js';
import { hover } from './features/hover.js';
import { inlayHints } from './features/inlay-hints.js';
import { definition, documentLinks } from './features/links.js';
import { LEGEND, semanticTokens } from './features/semantic-tokens.js';
import { signatureHelp } from './features/signature-help.js';
import { documentSymbols, foldingRanges, selectionRanges } from './features/structure.js';
import { toOffset } from './positions.js';
import { ruleDocsUri } from './rule-docs.js';
import { describeError, guard, guardVoid, type Logger } from './safe.js';
import { fileUriToPath } from './uri.js';
import { Workspace } from './workspace.js';

export interface ServerOptions {
  /** Milliseconds between a change and its diagnostics when the server is idle (default 3). */
  debounce?: number;
}

const WATCHED = ['**/*.conf', '**/.mailconfrc.json', '**/mailconf.json'];

/** Installs every handler on a connection (not yet listening). */
export function createServer(connection: Connection, options: ServerOptions = {}): void {
  const log: Logger = {
    error: (m) => connection.console.error(m),
    warn: (m) => connection.console.warn(m),
    info: (m) => connection.console.info(m),
  };
  const documents = new TextDocuments(TextDocument);
  const ws = new Workspace(log);
  let caps: ClientCapabilities = {};
  let pull = false;
  let snippets = false;
  let canAskConfiguration = false;
  let canShowDocument = false;
  let canRefreshDiagnostics = false;
  let initialized = false;
  const debounce = options.debounce ?? 3;

  // window/showMessage (a notification): the request form would wait for a click the
  // client may never report.
  const show = (type: MessageType, message: string) => void connection.sendNotification(ShowMessageNotification.type, { type, message }).catch(() => undefined);
  // Host names looked up in the background (checkDns): check again with the answers.
  ws.onHostsResolved = () => changed(null);
  ws.onProblem = (message) => {
    if (initialized) show(MessageType.Warning, `mailconf: ${message}`);
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    caps = params.capabilities;
    pull = !!caps.textDocument?.diagnostic;
    snippets = !!caps.textDocument?.completion?.completionItem?.snippetSupport;
    canAskConfiguration = !!caps.workspace?.configuration;
    canShowDocument = !!caps.window?.showDocument?.support;
    canRefreshDiagnostics = !!caps.workspace?.diagnostics?.refreshSupport;
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
    const folderPath = folder ? fileUriToPath(folder) : null;
    if (folderPath) ws.fallbackDir = folderPath;
    // Settings given at start, by clients that send them there: `{ mailconf: {...} }`,
    // `{ settings: { mailconf: {...} } }`, or the section itself.
    const init = params.initializationOptions as Record<string, unknown> | undefined;
    if (init && typeof init === 'object') {
      const nested = init.settings as Record<string, unknown> | undefined;
      ws.setGlobalSettings(init.mailconf ?? nested?.mailconf ?? nested ?? init);
    }

    const result: InitializeResult = {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        completionProvider: { triggerCharacters: [' ', '-'], resolveProvider: true },
        signatureHelpProvider: { triggerCharacters: [' '], retriggerCharacters: ['='] },
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        documentOnTypeFormattingProvider: { firstTriggerCharacter: ';', moreTriggerCharacter: ['}'] },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        executeCommandProvider: { commands: [OPEN_RULE_DOCS] },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        selectionRangeProvider: true,
        semanticTokensProvider: { legend: LEGEND, full: true, range: true },
        documentLinkProvider: { resolveProvider: false },
        definitionProvider: true,
        inlayHintProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'mailconf' },
    };
    if (pull) result.capabilities.diagnosticProvider = { identifier: 'mailconf', interFileDependencies: true, workspaceDiagnostics: true };
    return result;
  });

  connection.onInitialized(
    guardVoid(log, 'initialized', async () => {
      initialized = true;
      if (caps.workspace?.didChangeConfiguration?.dynamicRegistration) {
        await connection.client.register(DidChangeConfigurationNotification.type, { section: 'mailconf' });
      }
      if (caps.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
        await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED.map((globPattern) => ({ globPattern })) });
      }
    }),
  );

  // ---- settings ------------------------------------------------------------------------

  async function fetchSettings(uri: string): Promise<void> {
    if (!canAskConfiguration) return;
    try {
      // A client that never answers must not keep its documents unchecked.
      const raw: unknown = await Promise.race([
        connection.workspace.getConfiguration({ scopeUri: uri, section: 'mailconf' }),
        new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2000).unref()),
      ]);
      ws.setEditorSettings(uri, raw);
    } catch (err) {
      log.warn(`mailconf: could not read the settings for ${uri}: ${describeError(err)}`);
      ws.setEditorSettings(uri, {});
    }
  }

  connection.onDidChangeConfiguration(
    guardVoid(log, 'didChangeConfiguration', async (params) => {
      if (canAskConfiguration) {
        ws.clearEditorSettings();
        await Promise.all(ws.openDocuments().map((d) => fetchSettings(d.uri)));
      } else {
        const s = (params.settings ?? {}) as Record<string, unknown>;
        ws.setGlobalSettings(s.mailconf ?? s);
      }
      ws.invalidateAll();
      changed(null);
    }),
  );

  connection.onDidChangeWatchedFiles(
    guardVoid(log, 'didChangeWatchedFiles', (params) => {
      for (const c of params.changes) {
        const p = fileUriToPath(c.uri);
        if (!p) continue;
        if (/(^|[\\/])(\.mailconfrc\.json|mailconf\.json)$/.test(p)) ws.invalidateAll();
        else ws.fileChanged(p, c.type !== FileChangeType.Changed);
      }
      changed(null);
    }),
  );

  // ---- documents and diagnostics -------------------------------------------------------

  const published = new Map<string, number>();
  /** Documents just opened whose settings are being asked for: checked once they are known. */
  const awaitingSettings = new Map<string, Promise<void>>();

  /** The document's view once its settings are known: fresh (current analysis) or fast (current parse). */
  async function view(uri: string, fresh: boolean) {
    const pending = awaitingSettings.get(uri);
    if (pending) {
      // Held until the document's settings came: an answer must still be for the text the
      // request was sent about (positions, edits), or the client is told it changed.
      const asked = ws.get(uri)?.doc.version;
      await pending;
      if (ws.get(uri)?.doc.version !== asked) throw new ResponseError(LSPErrorCodes.ContentModified, 'the document changed before the request could be answered');
    }
    return fresh ? ws.resolve(uri) : ws.syntaxView(uri);
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastEnd = 0;
  let lastDuration = 0;
  let refreshWanted = false;

  /** A document (or, with null, something else) changed: diagnostics are due. */
  function changed(uri: string | null): void {
    if (pull) {
      // The client pulls the changed document itself; others it must be told about.
      const state = uri ? ws.get(uri) : null;
      if (!state || ws.affectsOthers(state.path)) refreshWanted = true;
      if (!refreshWanted) return;
    }
    if (timer) return;
    const now = performance.now();
    // While changes come faster than checks finish, wait as long as a check takes.
    const delay = now - lastEnd < lastDuration ? Math.max(debounce, lastDuration) : debounce;
    // Then one more turn of the event loop: replies already computed are written, and the
    // request that came with the change (completion while typing) is answered, first.
    timer = setTimeout(() => setImmediate(flush), delay);
  }

  function flush(): void {
    timer = undefined;
    const t0 = performance.now();
    try {
      if (pull) {
        if (refreshWanted && canRefreshDiagnostics) void connection.languages.diagnostics.refresh().catch(() => undefined);
        refreshWanted = false;
        return;
      }
      for (const state of ws.openDocuments()) {
        if (awaitingSettings.has(state.uri)) continue;
        try {
          const v = ws.resolve(state.uri);
          if (!v || published.get(state.uri) === v.analysis.id) continue;
          published.set(state.uri, v.analysis.id);
          void connection.sendDiagnostics({ uri: state.uri, version: state.doc.version, diagnostics: lspDiagnosticsFor(v.analysis, v.path, ws.uriOf) });
        } catch (err) {
          log.error(`mailconf: checking ${state.uri} failed: ${describeError(err)}`);
        }
      }
    } finally {
      lastEnd = performance.now();
      lastDuration = lastEnd - t0;
    }
  }

  documents.onDidOpen(
    guardVoid(log, 'didOpen', async (e) => {
      ws.open(e.document);
      const fetching = fetchSettings(e.document.uri);
      awaitingSettings.set(e.document.uri, fetching);
      try {
        await fetching;
      } finally {
        awaitingSettings.delete(e.document.uri);
      }
      changed(e.document.uri);
    }),
  );
  documents.onDidChangeContent(
    guardVoid(log, 'didChange', (e) => {
      ws.update(e.document);
      changed(e.document.uri);
    }),
  );
  documents.onDidClose(
    guardVoid(log, 'didClose', (e) => {
      const state = ws.get(e.document.uri);
      ws.close(e.document.uri);
      published.delete(e.document.uri);
      if (!pull) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
      // Documents it included may now be checked on their own.
      if (state) changed(null);
    }),
  );

  connection.languages.diagnostics.on(
    guard(log, 'textDocument/diagnostic', { kind: DocumentDiagnosticReportKind.Full, items: [] } as DocumentDiagnosticReport, async (params): Promise<DocumentDiagnosticReport> => {
      const v = await view(params.textDocument.uri, true);
      if (!v) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
      const resultId = String(v.analysis.id);
      if (params.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
      return { kind: DocumentDiagnosticReportKind.Full, resultId, items: lspDiagnosticsFor(v.analysis, v.path, ws.uriOf) };
    }),
  );

  connection.languages.diagnostics.onWorkspace(
    guard(log, 'workspace/diagnostic', { items: [] }, (params) => {
      const previous = new Map(params.previousResultIds.map((p) => [p.uri, p.value] as const));
      const items: WorkspaceDocumentDiagnosticReport[] = [];
      for (const state of ws.openDocuments()) {
        const v = ws.resolve(state.uri);
        if (!v) continue;
        const resultId = String(v.analysis.id);
        if (previous.get(state.uri) === resultId) {
          items.push({ kind: DocumentDiagnosticReportKind.Unchanged, uri: state.uri, version: state.doc.version, resultId });
        } else {
          items.push({ kind: DocumentDiagnosticReportKind.Full, uri: state.uri, version: state.doc.version, resultId, items: lspDiagnosticsFor(v.analysis, v.path, ws.uriOf) });
        }
      }
      return { items };
    }),
  );

  // ---- features ------------------------------------------------------------------------

  connection.onHover(
    guard(log, 'hover', null, async (p) => {
      const v = await view(p.textDocument.uri, true);
      return v ? hover(v, toOffset(v.file.lines, p.position)) : null;
    }),
  );

  connection.onCompletion(
    guard(log, 'completion', null, async (p) => {
      const v = await view(p.textDocument.uri, false);
      if (!v) return null;
      return complete(v, toOffset(v.file.lines, p.position), { snippets, afterSpace: p.context?.triggerCharacter === ' ' });
    }),
  );

  connection.onCompletionResolve(
    guard(log, 'completionItem/resolve', null as never, (item) => {
      const data = item.data as { version?: string } | undefined;
      return resolveCompletion(item, getProfile(data?.version));
    }),
  );

  connection.onSignatureHelp(
    guard(log, 'signatureHelp', null, async (p) => {
      const v = await view(p.textDocument.uri, false);
      return v ? signatureHelp(v, toOffset(v.file.lines, p.position)) : null;
    }),
  );

  const formatSettings = (uri: string) => {
    const state = ws.get(uri);
    return ws.settingsFor(state?.path ?? '', uri).format;
  };

  connection.onDocumentFormatting(
    guard(log, 'formatting', [], async (p) => {
      const v = await view(p.textDocument.uri, false);
      if (!v) return [];
      const f = await loadFormatter();
      return formatDocument(f, v.file, formatOptions(f, p.textDocument.uri, p.options, formatSettings(p.textDocument.uri)));
    }),
  );

  connection.onDocumentRangeFormatting(
    guard(log, 'rangeFormatting', [], async (p) => {
      const v = await view(p.textDocument.uri, false);
      if (!v) return [];
      const lines = v.file.lines;
      const f = await loadFormatter();
      const options = formatOptions(f, p.textDocument.uri, p.options, formatSettings(p.textDocument.uri));
      return formatDocumentRange(f, v.file, toOffset(lines, p.range.start), toOffset(lines, p.range.end), options);
    }),
  );

  connection.onDocumentOnTypeFormatting(
    guard(log, 'onTypeFormatting', [], async (p) => {
      const v = await view(p.textDocument.uri, false);
      if (!v) return [];
      const f = await loadFormatter();
      return formatOnType(f, v.file, toOffset(v.file.lines, p.position), p.ch, formatOptions(f, p.textDocument.uri, p.options, formatSettings(p.textDocument.uri)));
    }),
  );

  connection.onCodeAction(
    guard(log, 'codeAction', [], async (p) => {
      const v = await view(p.textDocument.uri, true);
      return v ? codeActions(v, p.range, p.context.only, ws.uriOf) : [];
    }),
  );

  connection.onExecuteCommand(
    guard(log, 'executeCommand', null, async (p) => {
      if (p.command !== OPEN_RULE_DOCS) return null;
      const id = String(p.arguments?.[0] ?? '');
      const uri = ruleDocsUri(id);
      if (!uri) return false;
      if (canShowDocument) {
        const r = await connection.window.showDocument({ uri, takeFocus: true });
        return r.success;
      }
      show(MessageType.Info, `mailconf: documentation of ${id}: ${uri}`);
      return true;
    }),
  );

  connection.onDocumentSymbol(
    guard(log, 'documentSymbol', [], async (p) => {
      const v = await view(p.textDocument.uri, true);
      return v ? documentSymbols(v.file, v.analysis) : [];
    }),
  );

  connection.onFoldingRanges(
    guard(log, 'foldingRange', [], async (p) => {
      const v = await view(p.textDocument.uri, false);
      return v ? foldingRanges(v.file) : [];
    }),
  );

  connection.onSelectionRanges(
    guard(log, 'selectionRange', [], async (p) => {
      const v = await view(p.textDocument.uri, false);
      return v ? selectionRanges(v.file, p.positions) : [];
    }),
  );

  connection.languages.semanticTokens.on(
    guard(log, 'semanticTokens/full', { data: [] }, async (p) => {
      const v = await view(p.textDocument.uri, false);
      return v ? semanticTokens(v.file, v.analysis.topContext(v.path), v.analysis.profile) : { data: [] };
    }),
  );

  connection.languages.semanticTokens.onRange(
    guard(log, 'semanticTokens/range', { data: [] }, async (p) => {
      const v = await view(p.textDocument.uri, false);
      if (!v) return { data: [] };
      const lines = v.file.lines;
      return semanticTokens(v.file, v.analysis.topContext(v.path), v.analysis.profile, { start: toOffset(lines, p.range.start), end: toOffset(lines, p.range.end) });
    }),
  );

  connection.onDocumentLinks(
    guard(log, 'documentLink', [], async (p) => {
      const v = await view(p.textDocument.uri, true);
      return v ? documentLinks(v.analysis, v.file) : [];
    }),
  );

  connection.onDefinition(
    guard(log, 'definition', [], async (p) => {
      const v = await view(p.textDocument.uri, true);
      return v ? definition(v.analysis, v.file, toOffset(v.file.lines, p.position)) : [];
    }),
  );

  connection.languages.inlayHint.on(
    guard(log, 'inlayHint', [], async (p) => {
      const v = await view(p.textDocument.uri, true);
      if (!v) return [];
      const lines = v.file.lines;
      return inlayHints(v.analysis, v.path, toOffset(lines, p.range.start), toOffset(lines, p.range.end), ws.uriOf);
    }),
  );

  documents.listen(connection);
}
