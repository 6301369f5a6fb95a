/**
 * The server's state: open documents, the analyses made from them, and which analysis
 * speaks for which document.
 *
 * Each open document is analysed as part of a root configuration:
 *   1. an open document (or the nginx.conf above it) that includes it: a fragment is
 *      checked in the exact context its include puts it in, with the rest of the
 *      configuration around it (a `listen` duplicated across files, values inherited from
 *      `mail {}` in another file);
 *   2. otherwise the document itself, in its configured context, or the context it fits
 *      best.
 * An analysis records the version of every open document it read, so it is recomputed only
 * when one of them (or a file on disk it read, or the settings) changed; every request of
 * every feature at that version shares it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeSource, parse, type ParsedFile, readConfigBytes } from '@mailconf/syntax';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { Analysis } from './analysis.js';
import type { Logger } from './safe.js';
import { HostAnswers } from './host-answers.js';
import { defaultEditorSettings, effectiveSettings, readEditorSettings, type EditorSettings, type EffectiveSettings } from './settings.js';
import { documentPath, pathToUri } from './uri.js';
import type { View } from './view.js';

/** How far above a fragment to look for the nginx.conf that includes it. */
const NGINX_CONF_LEVELS = 3;

export interface DocumentState {
  uri: string;
  path: string;
  doc: TextDocument;
}


export class Workspace {
  private readonly byUri = new Map<string, DocumentState>();
  private readonly byPath = new Map<string, DocumentState>();
  /** Analyses by root path: open documents, or an nginx.conf read from disk. */
  private readonly analyses = new Map<string, Analysis>();
  /** Roots whose files changed on disk since they were analysed. */
  private readonly forced = new Set<string>();
  private readonly editorSettings = new Map<string, EditorSettings>();
  private globalSettings: EditorSettings = defaultEditorSettings();
  private readonly reportedProblems = new Set<string>();
  /** Where documents that are not files live (the first workspace folder, or the cwd). */
  fallbackDir = process.cwd();

  constructor(private readonly log: Logger) {}

  /**
   * Host name answers for analyses whose settings ask for them (checkDns). When lookups bring
   * new answers, every analysis is made again and `onHostsResolved` says so.
   */
  readonly hosts = new HostAnswers(() => {
    for (const root of this.analyses.keys()) this.forced.add(root);
    this.onHostsResolved?.();
  });

  onHostsResolved: (() => void) | undefined;

  // ---- documents -------------------------------------------------------------------

  open(doc: TextDocument): DocumentState {
    const state: DocumentState = { uri: doc.uri, path: documentPath(doc.uri, this.fallbackDir), doc };
    this.byUri.set(doc.uri, state);
    this.byPath.set(state.path, state);
    return state;
  }

  update(doc: TextDocument): void {
    const state = this.byUri.get(doc.uri);
    if (state) state.doc = doc;
    else this.open(doc);
  }

  close(uri: string): void {
    const state = this.byUri.get(uri);
    if (!state) return;
    this.byUri.delete(uri);
    if (this.byPath.get(state.path) === state) this.byPath.delete(state.path);
    this.editorSettings.delete(uri);
    this.parses.delete(uri);
    // Its own analysis, and the nginx.conf analyses kept for fragments, are made again when needed.
    for (const [root] of this.analyses) if (root === state.path || !this.byPath.has(root)) this.analyses.delete(root);
  }

  get(uri: string): DocumentState | undefined {
    return this.byUri.get(uri);
  }

  openDocuments(): DocumentState[] {
    return [...this.byUri.values()];
  }

  /** The URI to publish for a path: the open document's, or a file URI. */
  uriOf = (p: string): string => this.byPath.get(p)?.uri ?? pathToUri(p);

  // ---- settings --------------------------------------------------------------------

  setEditorSettings(uri: string, raw: unknown): void {
    this.editorSettings.set(uri, readEditorSettings(raw));
  }

  setGlobalSettings(raw: unknown): void {
    this.globalSettings = readEditorSettings(raw);
  }

  clearEditorSettings(): void {
    this.editorSettings.clear();
  }

  hasEditorSettings(uri: string): boolean {
    return this.editorSettings.has(uri);
  }

  settingsFor(p: string, scopeUri?: string): EffectiveSettings {
    const uri = scopeUri ?? this.byPath.get(p)?.uri;
    // A root read from disk (the nginx.conf above a fragment) takes the settings of the open documents.
    const editor = (uri && this.editorSettings.get(uri)) || this.editorSettings.values().next().value || this.globalSettings;
    const s = effectiveSettings(p, editor);
    for (const problem of s.problems) {
      if (this.reportedProblems.has(problem)) continue;
      this.reportedProblems.add(problem);
      this.log.warn(`mailconf: ${problem}`);
      this.onProblem?.(problem);
    }
    return s;
  }

  /** Called once for each new problem with the settings or a configuration file. */
  onProblem: ((message: string) => void) | undefined;

  // ---- disk changes ----------------------------------------------------------------

  /** A file changed on disk: analyses that read it (or could now read it) are stale. */
  fileChanged(p: string, createdOrDeleted: boolean): void {
    // An open document is read from the editor: saving it changes nothing here.
    if (!createdOrDeleted && this.byPath.has(p)) return;
    for (const [root, a] of this.analyses) {
      if (a.set.files.has(p) || root === p || (createdOrDeleted && a.set.includes.size > 0)) this.forced.add(root);
    }
    this.nginxConfCache.clear();
  }

  /** Everything is stale (settings changed). */
  invalidateAll(): void {
    for (const root of this.analyses.keys()) this.forced.add(root);
    this.reportedProblems.clear();
  }

  // ---- analyses --------------------------------------------------------------------

  private versionOf = (p: string): number | null => this.byPath.get(p)?.doc.version ?? null;

  private readFile = (p: string): Uint8Array | null => {
    const open = this.byPath.get(p);
    if (open) return new TextEncoder().encode(open.doc.getText());
    // As nginx reads it (a device or FIFO as empty: `include /dev/zero;` must not hang the server).
    return readConfigBytes(p);
  };

  private fingerprint(s: EffectiveSettings): string {
    return JSON.stringify([s.check, s.explicitContext, s.checkDns]);
  }

  private readonly fingerprints = new WeakMap<Analysis, string>();

  isStale(a: Analysis): boolean {
    if (this.forced.has(a.rootPath)) return true;
    for (const [p, v] of a.inputs) if (this.versionOf(p) !== v) return true;
    return this.fingerprints.get(a) !== this.fingerprint(this.settingsFor(a.rootPath));
  }

  /** The current analysis of a root, made now if the last one is stale. */
  ensureCurrent(root: string): Analysis {
    const known = this.analyses.get(root);
    if (known && !this.isStale(known)) return known;
    // Let the old one go first: two large analyses alive at once double the heap to collect.
    this.analyses.delete(root);
    const open = this.byPath.get(root);
    let text: string;
    if (open) text = open.doc.getText();
    else {
      const bytes = this.readFile(root);
      text = bytes ? decodeSource(bytes).text : '';
    }
    const settings = this.settingsFor(root);
    const a = new Analysis({
      path: root,
      text,
      configDir: this.configDirFor(root),
      options: settings.checkDns ? { ...settings.check, resolveHost: this.hosts.answer } : settings.check,
      explicitContext: settings.explicitContext,
      readFile: this.readFile,
      versionOf: this.versionOf,
    });
    this.fingerprints.set(a, this.fingerprint(settings));
    this.analyses.set(root, a);
    this.forced.delete(root);
    // The parse kept for fast requests is now the analysis's.
    if (open && this.parses.get(open.uri)?.version === open.doc.version) this.parses.delete(open.uri);
    this.prune();
    return a;
  }

  /**
   * Drops analyses of roots that another analysis includes: that one speaks for them. Of
   * two configurations including each other, the newer analysis stays.
   */
  private prune(): void {
    const list = [...this.analyses.values()];
    for (const a of list) {
      for (const b of list) {
        if (a === b || !b.set.files.has(a.rootPath)) continue;
        if (!a.set.files.has(b.rootPath) || b.id > a.id) {
          this.analyses.delete(a.rootPath);
          break;
        }
      }
    }
  }

  /** The root whose analysis speaks for the file at `p`. */
  ownerOf(p: string): string {
    // An open document that includes it.
    let background: string | null = null;
    for (const [root, a] of this.analyses) {
      if (root === p || !a.set.files.has(p)) continue;
      if (this.byPath.has(root)) return root;
      background ??= root;
    }
    // The nginx.conf above, as it is now (it may have gained or lost the include on disk).
    const conf = this.nginxConfAbove(p);
    if (conf && !this.byPath.has(conf)) {
      const a = this.ensureCurrent(conf);
      if (a.set.files.has(p)) return conf;
    }
    return background ?? p;
  }

  /** The document's current analysis (made now when stale) and its parse. */
  resolve(uri: string): View | null {
    const state = this.byUri.get(uri);
    if (!state) return null;
    // An include removed since the owner's last analysis moves the document to another
    // owner; a few rounds settle it.
    for (let round = 0; round < 4; round++) {
      const root = this.ownerOf(state.path);
      const a = this.ensureCurrent(root);
      const file = a.file(state.path);
      if (file) return { analysis: a, fresh: true, path: state.path, file, doc: state.doc };
    }
    const a = this.ensureCurrent(state.path);
    return { analysis: a, fresh: true, path: state.path, file: a.file(state.path)!, doc: state.doc };
  }

  private readonly parses = new Map<string, { version: number; file: ParsedFile }>();

  /**
   * The document's current parse with the analysis kept for it, even when that one is older
   * than the text: for features that must answer while the user types, without waiting
   * for a whole configuration to be checked again. Computes an analysis only when there is
   * none yet.
   */
  syntaxView(uri: string): View | null {
    const state = this.byUri.get(uri);
    if (!state) return null;
    let kept: Analysis | undefined;
    for (const [root, a] of this.analyses) {
      if (!a.set.files.has(state.path)) continue;
      kept = a;
      if (root !== state.path && this.byPath.has(root)) break;
    }
    if (!kept) return this.resolve(uri);
    const version = state.doc.version;
    if (kept.inputs.get(state.path) === version && !this.isStale(kept)) {
      return { analysis: kept, fresh: true, path: state.path, file: kept.file(state.path)!, doc: state.doc };
    }
    let parsed = this.parses.get(uri);
    if (!parsed || parsed.version !== version) {
      parsed = { version, file: parse(state.doc.getText(), { path: state.path }) };
      this.parses.set(uri, parsed);
    }
    return { analysis: kept, fresh: false, path: state.path, file: parsed.file, doc: state.doc };
  }

  /** Whether a change of `p` can change what other documents report (it is included by another root). */
  affectsOthers(p: string): boolean {
    for (const [root, a] of this.analyses) if (root !== p && a.set.files.has(p)) return true;
    return false;
  }

  /**
   * nginx resolves relative paths against its conf prefix, the directory of nginx.conf. For
   * a root that is not nginx.conf, that is the nearest directory above holding an
   * nginx.conf, else the root's own directory.
   */
  private configDirFor(root: string): string {
    const dir = path.dirname(root);
    if (path.basename(root) === 'nginx.conf') return dir;
    const conf = this.nginxConfAbove(root);
    return conf ? path.dirname(conf) : dir;
  }

  private readonly nginxConfCache = new Map<string, string | null>();

  private nginxConfAbove(p: string): string | null {
    const start = path.dirname(p);
    if (this.nginxConfCache.has(start)) {
      const hit = this.nginxConfCache.get(start)!;
      return hit === p ? null : hit;
    }
    let found: string | null = null;
    let dir = start;
    for (let i = 0; i < NGINX_CONF_LEVELS; i++) {
      const candidate = path.join(dir, 'nginx.conf');
      try {
        if (fs.statSync(candidate).isFile()) {
          found = candidate;
          break;
        }
      } catch {
        /* keep looking */
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    this.nginxConfCache.set(start, found);
    return found === p ? null : found;
  }
}
