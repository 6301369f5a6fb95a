/**
 * One analysis: a configuration loaded from a root file (an open document, or the
 * nginx.conf above an open fragment) with its includes, checked, and the indexes the
 * editor features read. An analysis is immutable; it records the version of every open
 * document it read, so the workspace can tell when it is stale. Indexes are built on first
 * use: most requests need one or two of them.
 */
import * as path from 'node:path';
import { checkConfigSet, walk, type CheckOptions, type CheckResult, type Diagnostic, type Entry, type ServerModel, type WalkResult } from '@mailconf/checker';
import { getProfile, type ContextId, type Profile } from '@mailconf/schema';
import { loadConfigText, type ConfigSet, type Directive, type ParsedFile } from '@mailconf/syntax';
import { guessRootContext, ROOT_CONTEXT_IDS, type RootContext } from './contexts.js';

let nextId = 1;

export interface AnalysisInput {
  /** Absolute path of the root file. */
  path: string;
  text: string;
  /** Directory relative includes resolve against (nginx's conf prefix). */
  configDir: string;
  options: CheckOptions;
  /** Whether options.context was chosen by the user; otherwise it is guessed. */
  explicitContext: boolean;
  /** Reads a file: open documents from the editor, others from disk. Null when missing. */
  readFile: (absPath: string) => Uint8Array | null;
  /** The editor's version of an open document, or null when the file is read from disk. */
  versionOf: (absPath: string) => number | null;
}

export class Analysis {
  readonly id = nextId++;
  readonly rootPath: string;
  readonly set: ConfigSet;
  readonly result: CheckResult;
  readonly profile: Profile;
  readonly context: RootContext;
  readonly contextGuessed: boolean;
  readonly options: CheckOptions;
  /** Version of each file read (null: read from disk). */
  readonly inputs: Map<string, number | null>;
  /** Milliseconds the load and check took. */
  readonly duration: number;

  private byFileCache: Map<string, Diagnostic[]> | null = null;
  private walkCache: WalkResult | null = null;
  private entryIndex: Map<Directive, Entry> | null = null;
  private serverIndex: Map<Directive, ServerModel> | null = null;

  constructor(input: AnalysisInput) {
    const t0 = performance.now();
    this.rootPath = input.path;
    this.set = loadConfigText(input.text, input.path, { configDir: input.configDir, readFile: input.readFile });
    this.profile = getProfile(input.options.nginxVersion);
    let context = input.options.context ?? 'main';
    this.contextGuessed = !input.explicitContext;
    if (!input.explicitContext) context = guessRootContext(this.set.main, this.profile, path.basename(input.path));
    this.context = context;
    this.options = { ...input.options, context };
    this.result = checkConfigSet(this.set, this.options);
    this.inputs = new Map([...this.set.files.keys()].map((p) => [p, input.versionOf(p)] as const));
    this.duration = performance.now() - t0;
  }

  get model() {
    return this.result.model;
  }

  file(p: string): ParsedFile | undefined {
    return this.set.files.get(p);
  }

  /** Diagnostics located in one file, in position order. */
  diagnosticsFor(p: string): Diagnostic[] {
    if (!this.byFileCache) {
      const m = new Map<string, Diagnostic[]>();
      for (const d of this.result.diagnostics) {
        let list = m.get(d.file);
        if (!list) m.set(d.file, (list = []));
        list.push(d);
      }
      this.byFileCache = m;
    }
    return this.byFileCache.get(p) ?? [];
  }

  walk(): WalkResult {
    this.walkCache ??= walk(this.set, this.profile, ROOT_CONTEXT_IDS[this.context]);
    return this.walkCache;
  }

  /** The walked entry of a statement (its context, spec, parent), across includes. */
  entryOf(d: Directive): Entry | undefined {
    if (!this.entryIndex) {
      const m = new Map<Directive, Entry>();
      for (const e of this.walk().all) if (!m.has(e.directive)) m.set(e.directive, e);
      this.entryIndex = m;
    }
    return this.entryIndex.get(d);
  }

  /** The context the top level of a file of this configuration stands in (null: never read as directives). */
  topContext(p: string): ContextId | null {
    if (p === this.rootPath) return ROOT_CONTEXT_IDS[this.context];
    const file = this.set.files.get(p);
    if (!file) return null;
    for (const n of file.children) {
      if (n.type !== 'directive') continue;
      const e = this.entryOf(n);
      if (e) return e.context;
    }
    // An empty fragment: the context of the include that brings it in.
    for (const [d, targets] of this.set.includes) {
      if (targets.includes(p)) return this.entryOf(d)?.context ?? null;
    }
    return null;
  }

  /** The model of a mail `server {}` block. */
  serverOf(block: Directive): ServerModel | undefined {
    if (!this.serverIndex) {
      this.serverIndex = new Map(this.model.servers.map((s) => [s.directive, s] as const));
    }
    return this.serverIndex.get(block);
  }
}
