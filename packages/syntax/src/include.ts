/**
 * Loading a configuration with its `include` files, as nginx resolves them
 * (config-language.md §7): relative paths against the directory of the main file (the conf
 * prefix, not the including file's directory), globs (`*`, `?`, `[`) expanded in sorted
 * order with no match being fine, a missing plain path an error. Each included file is
 * parsed as its own unit. Cycles, directories and unreadable files become issues, never
 * exceptions.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from './parser.js';
import type { Range } from './positions.js';
import { decodeSource, releaseBytes, type SourceEncoding } from './source.js';
import type { Directive, Node, ParsedFile } from './tree.js';

export interface IncludeIssue {
  code: 'include-missing' | 'include-directory' | 'include-unreadable' | 'include-cycle';
  /** The file holding the include directive. */
  file: string;
  /** nginx's wording where nginx has one. */
  message: string;
  line: number;
  range: Range;
  level: 'emerg' | 'crit';
}

export interface ConfigSet {
  /** The main file (or the text given). */
  main: ParsedFile;
  /** Every file read, by absolute path (the main file too unless it came from stdin), in load order. */
  files: Map<string, ParsedFile>;
  /** Encoding each file was read with, for writing back unchanged. */
  encodings: Map<string, SourceEncoding>;
  /** For each `include` directive, the absolute paths of the files it brought in, in order. */
  includes: Map<Directive, string[]>;
  issues: IncludeIssue[];
  /** The directory relative include paths are resolved against. */
  configDir: string;
}

export interface LoadOptions {
  /** Directory relative includes resolve against. Default: the main file's directory (or cwd). */
  configDir?: string;
  /** Follow include directives (default true). */
  followIncludes?: boolean;
  /** Build each file's tree on first use only (see ParseOptions.tree): for callers that want only the errors. */
  lazyTree?: boolean;
  /** Reads a file; return null when it does not exist. Defaults to the real file system. */
  readFile?: (absPath: string) => Uint8Array | null;
  /** Whether a path is a directory. */
  isDirectory?: (absPath: string) => boolean;
  /** Expands a glob pattern (absolute) into sorted absolute paths. */
  glob?: (pattern: string) => string[];
}

const GLOB_CHARS = /[*?[]/;

/** Loads a file from disk with its includes. */
export function loadConfigFile(file: string, options: LoadOptions = {}): ConfigSet {
  const abs = path.resolve(file);
  const read = options.readFile ?? defaultRead;
  const bytes = read(abs);
  const decoded = decodeSource(bytes ?? new Uint8Array());
  if (bytes && !options.readFile) releaseBytes(bytes);
  return loadConfigText(decoded.text, abs, { configDir: path.dirname(abs), ...options }, decoded.encoding);
}

/** Parses text (e.g. from an editor or stdin) and follows its includes. */
export function loadConfigText(text: string, file: string, options: LoadOptions = {}, encoding: SourceEncoding = 'utf8'): ConfigSet {
  const isStdin = file === '-';
  const abs = isStdin ? '-' : path.resolve(file);
  const configDir = options.configDir ?? (isStdin ? process.cwd() : path.dirname(abs));
  const tree = options.lazyTree ? 'lazy' : 'eager';
  const main = parse(text, { path: abs, tree, encoding });
  const set: ConfigSet = {
    main,
    files: new Map([[abs, main]]),
    encodings: new Map([[abs, encoding]]),
    includes: new Map(),
    issues: [],
    configDir,
  };
  if (options.followIncludes !== false) followIncludes(set, main, [abs], options);
  return set;
}

function followIncludes(set: ConfigSet, file: ParsedFile, chain: string[], options: LoadOptions): void {
  const read = options.readFile ?? defaultRead;
  const isDir = options.isDirectory ?? defaultIsDirectory;
  const glob = options.glob ?? defaultGlob;
  if (!file.mayInclude) return;
  for (const directive of includeDirectives(file.children)) {
    if (directive.name !== 'include' || directive.args.length !== 1 || directive.terminator !== ';') continue;
    const value = directive.args[0]!.value;
    const target = path.resolve(set.configDir, value);
    const targets = GLOB_CHARS.test(value) ? glob(target) : [target];
    const included: string[] = [];
    set.includes.set(directive, included);
    for (const t of targets) {
      const issue = (code: IncludeIssue['code'], message: string, level: IncludeIssue['level'] = 'emerg') =>
        set.issues.push({ code, file: file.path, message, line: directive.line, range: directive.range, level });
      if (chain.includes(t)) {
        issue('include-cycle', `include cycle: ${[...chain, t].map((p) => path.basename(p)).join(' -> ')}`);
        continue;
      }
      if (isDir(t)) {
        issue('include-directory', `pread() "${t}" failed (21: Is a directory)`, 'crit');
        continue;
      }
      let parsed = set.files.get(t);
      if (!parsed) {
        const bytes = read(t);
        if (bytes === null) {
          issue('include-missing', `open() "${t}" failed (2: No such file or directory)`);
          continue;
        }
        const decoded = decodeSource(bytes);
        if (!options.readFile) releaseBytes(bytes);
        parsed = parse(decoded.text, { path: t, tree: options.lazyTree ? 'lazy' : 'eager', encoding: decoded.encoding });
        set.files.set(t, parsed);
        set.encodings.set(t, decoded.encoding);
        followIncludes(set, parsed, [...chain, t], options);
      }
      included.push(t);
    }
  }
}

function defaultRead(abs: string): Uint8Array | null {
  return readConfigBytes(abs);
}

/**
 * A configuration file's bytes as nginx reads them: as many as fstat says the file has. A
 * device or a FIFO has none, and nginx reads it as empty (`include /dev/zero;` would otherwise
 * never end). Opened without waiting for a FIFO's writer. null when it cannot be read.
 */
export function readConfigBytes(abs: string): Uint8Array | null {
  let fd: number;
  try {
    fd = fs.openSync(abs, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch {
    return null;
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isFile()) return fs.readFileSync(fd);
    const out = Buffer.alloc(st.size);
    let at = 0;
    while (at < out.length) {
      const n = fs.readSync(fd, out, at, out.length - at, at);
      if (n === 0) break;
      at += n;
    }
    return out.subarray(0, at);
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

function defaultIsDirectory(abs: string): boolean {
  try {
    return fs.statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

function defaultGlob(pattern: string): string[] {
  try {
    return fs
      .globSync(pattern)
      .map((p) => path.resolve(p))
      .filter((p) => !defaultIsDirectory(p))
      .sort();
  } catch {
    return [];
  }
}

/** Every `include` statement, at any depth (iterative: nesting depth cannot overflow the stack). */
function includeDirectives(nodes: readonly Node[]): Directive[] {
  const out: Directive[] = [];
  const stack: (readonly Node[])[] = [nodes];
  while (stack.length) {
    const list = stack.pop()!;
    for (const n of list) {
      if (n.type !== 'directive') continue;
      if (n.name === 'include') out.push(n);
      if (n.block && n.block.children.length) stack.push(n.block.children);
    }
  }
  // Blocks were visited depth-first from the end; nginx reads includes in file order.
  return out.sort((a, b) => a.firstToken - b.firstToken);
}
