/**
 * crossplane's JSON payload (`crossplane parse`), so its users can switch: the same shape,
 * `{status, errors, config: [{file, status, errors, parsed}]}`, directives as
 * `{directive, line, args, block?, includes?}`, comments as `{directive: "#", comment}`.
 * Args are the words as written minus their enclosing quotes (escapes kept as written); the
 * arguments of `if` lose their outer parentheses, as crossplane does.
 */
import type { ConfigSet } from './include.js';
import type { Directive, Node, ParsedFile, Word } from './tree.js';

export interface CrossplaneDirective {
  directive: string;
  line: number;
  args: string[];
  includes?: number[];
  block?: CrossplaneDirective[];
  comment?: string;
}

export interface CrossplaneError {
  file?: string;
  error: string;
  line: number | null;
}

export interface CrossplaneFile {
  file: string;
  status: 'ok' | 'failed';
  errors: CrossplaneError[];
  parsed: CrossplaneDirective[];
}

export interface CrossplanePayload {
  status: 'ok' | 'failed';
  errors: CrossplaneError[];
  config: CrossplaneFile[];
}

export interface CrossplaneOptions {
  comments?: boolean;
}

export function toCrossplane(set: ConfigSet, options: CrossplaneOptions = {}): CrossplanePayload {
  const order = [...set.files.keys()];
  const index = new Map(order.map((f, i) => [f, i]));
  const payload: CrossplanePayload = { status: 'ok', errors: [], config: [] };
  for (const f of order) {
    const file = set.files.get(f)!;
    const errors: CrossplaneError[] = file.errors.map((e) => ({ error: `${e.message} in ${f}:${e.line}`, line: e.line }));
    for (const issue of set.issues.filter((i) => i.file === f)) {
      errors.push({ error: `${issue.message} in ${f}:${issue.line}`, line: issue.line });
    }
    errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    const entry: CrossplaneFile = {
      file: f,
      status: errors.length ? 'failed' : 'ok',
      errors,
      parsed: convertNodes(file, file.children, set, index, options),
    };
    payload.config.push(entry);
    for (const e of errors) payload.errors.push({ file: f, error: e.error, line: e.line });
  }
  if (payload.errors.length) payload.status = 'failed';
  return payload;
}

function convertNodes(
  file: ParsedFile,
  nodes: readonly Node[],
  set: ConfigSet,
  index: Map<string, number>,
  options: CrossplaneOptions,
): CrossplaneDirective[] {
  const out: CrossplaneDirective[] = [];
  for (const node of nodes) {
    if (node.type === 'comment') {
      if (options.comments) out.push({ directive: '#', line: node.range.start.line, args: [], comment: node.text });
      continue;
    }
    if (node.type !== 'directive' || !node.nameWord) continue;
    out.push(convertDirective(file, node, set, index, options));
    if (options.comments) {
      for (const c of node.innerComments) {
        out.push({ directive: '#', line: node.nameWord.range.start.line, args: [], comment: c.text });
      }
    }
  }
  return out;
}

function convertDirective(
  file: ParsedFile,
  d: Directive,
  set: ConfigSet,
  index: Map<string, number>,
  options: CrossplaneOptions,
): CrossplaneDirective {
  let args = d.args.map(asWritten);
  if (d.name === 'if') args = stripIfParens(args);
  const out: CrossplaneDirective = { directive: asWritten(d.nameWord!), line: d.nameWord!.range.start.line, args };
  const included = set.includes.get(d);
  if (included) out.includes = included.map((p) => index.get(p)!).filter((i) => i !== undefined);
  if (d.block) out.block = convertNodes(file, d.block.children, set, index, options);
  return out;
}

/** The word as written, minus the enclosing quotes. */
function asWritten(w: Word): string {
  if (!w.quote) return w.raw;
  const closed = w.raw.length >= 2 && w.raw.endsWith(w.quote);
  return closed ? w.raw.slice(1, -1) : w.raw.slice(1);
}

/** `if ($a = b)` has args `$a`, `=`, `b`: the outer parentheses go, and empty ends with them. */
function stripIfParens(args: string[]): string[] {
  if (args.length === 0 || !args[0]!.startsWith('(') || !args[args.length - 1]!.endsWith(')')) return args;
  const a = args.slice();
  a[0] = a[0]!.slice(1).trimStart();
  a[a.length - 1] = a[a.length - 1]!.slice(0, -1).trimEnd();
  const start = a[0] === '' ? 1 : 0;
  const end = a[a.length - 1] === '' ? a.length - 1 : a.length;
  return a.slice(start, Math.max(start, end));
}
