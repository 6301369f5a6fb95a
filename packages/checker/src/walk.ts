/**
 * Walks a configuration set in nginx's reading order: includes expanded in place (each
 * included file's statements belong to the including block), every statement given its
 * context and the schema entry that accepts it there. Iterative, so nesting depth cannot
 * overflow the stack.
 */
import type { ConfigSet, Directive, Node } from '@mailconf/syntax';
import type { ContextId, DirectiveSpec, Profile } from '@mailconf/schema';

export interface Entry {
  directive: Directive;
  /** File holding the statement. */
  file: string;
  /** The context it stands in; null inside a block nginx would never read (unknown or raw body). */
  context: ContextId | null;
  /** The enclosing block directive, across include boundaries. */
  parent: Entry | null;
  /** The spec that accepts this name in this context (version variants applied), or null. */
  spec: DirectiveSpec | null;
  /** Whether any module of the build defines the name. */
  known: boolean;
  /** Position in nginx's reading order, taken when the statement's `;` or `{` is read. */
  seq: number;
  /** For blocks: position when the closing `}` is read. */
  endSeq: number;
  /** Statements inside the block, includes expanded. */
  children: Entry[];
  /** The include directive that brought this statement in, if any. */
  includedBy: Entry | null;
}

/**
 * The block family a statement stands in: `main`, `events`, `mail`, `http` or `stream` (its
 * context without the part after ":"), or '' outside any context nginx reads. Modules own
 * things per family (the ssl module of http is not the one of mail).
 */
export function contextFamily(entry: Entry): string {
  const c = entry.context;
  if (!c) return '';
  const colon = c.indexOf(':');
  return colon === -1 ? c : c.slice(0, colon);
}

export interface WalkResult {
  /** Top-level entries (the root context's statements). */
  roots: Entry[];
  /** Every entry in reading order. */
  all: Entry[];
}

interface Frame {
  nodes: readonly Node[];
  i: number;
  file: string;
  context: ContextId | null;
  parent: Entry | null;
  includedBy: Entry | null;
  out: Entry[];
  /** Entry whose block this frame reads; its endSeq is set when the frame ends. */
  owner: Entry | null;
}

const NO_CHILDREN: Entry[] = [];

export function walk(set: ConfigSet, profile: Profile, rootContext: ContextId): WalkResult {
  const all: Entry[] = [];
  const roots: Entry[] = [];
  let seq = 0;
  const stack: Frame[] = [
    { nodes: set.main.children, i: 0, file: set.main.path, context: rootContext, parent: null, includedBy: null, out: roots, owner: null },
  ];
  while (stack.length) {
    const f = stack[stack.length - 1]!;
    if (f.i >= f.nodes.length) {
      stack.pop();
      if (f.owner) f.owner.endSeq = ++seq;
      continue;
    }
    const node = f.nodes[f.i++]!;
    if (node.type !== 'directive') continue;
    const d = node;
    const ctx = f.context;
    const spec = ctx && d.name ? profile.allowedIn(d.name, ctx) : null;
    const entry: Entry = {
      directive: d,
      file: f.file,
      context: ctx,
      parent: f.parent,
      spec,
      // A spec here means the name is known: the lookup is for the rest.
      known: spec !== null || (d.name ? profile.isKnown(d.name) : false),
      seq: ++seq,
      endSeq: 0,
      // Only blocks get a list of their own: most statements have none.
      children: d.block ? [] : NO_CHILDREN,
      includedBy: f.includedBy,
    };
    all.push(entry);
    f.out.push(entry);
    if (d.block) {
      const body = ctx ? bodyContext(entry, profile) : null;
      stack.push({ nodes: d.block.children, i: 0, file: f.file, context: body, parent: entry, includedBy: f.includedBy, out: entry.children, owner: entry });
      continue;
    }
    if (d.name === 'include') {
      const targets = set.includes.get(d) ?? [];
      // Pushed in reverse so the first target is read first.
      for (let k = targets.length - 1; k >= 0; k--) {
        const file = set.files.get(targets[k]!);
        if (!file) continue;
        stack.push({ nodes: file.children, i: 0, file: file.path, context: ctx, parent: f.parent, includedBy: entry, out: f.out, owner: null });
      }
    }
  }
  return { roots, all };
}

/**
 * The context a block opens. When the directive is not allowed where it stands, nginx
 * stops there; we still check its body as the block it most likely is, so one misplaced
 * block does not hide every mistake inside it.
 */
function bodyContext(entry: Entry, profile: Profile): ContextId | null {
  // `timeout 5s` ⏎ `server {`: a forgotten `;` makes the block belong to the wrong
  // statement. Read it as the block of its last word when that is a block directive here.
  const d = entry.directive;
  if (entry.spec && !entry.spec.block && d.argCount && entry.context) {
    const meant = profile.allowedIn(d.argValue(d.argCount - 1), entry.context);
    if (meant?.block && meant.body && meant.body !== 'raw') return meant.body;
  }
  const spec = entry.spec ?? guessSpec(entry, profile);
  if (!spec || !spec.block) return null;
  // http's `if` opens a body of its own in a server (rewrite directives only) and in a location.
  const body = (entry.context && spec.bodyIn?.[entry.context]) ?? spec.body;
  if (!body || body === 'raw') return null;
  return body;
}

function guessSpec(entry: Entry, profile: Profile): DirectiveSpec | null {
  const candidates = profile.lookup(entry.directive.name).filter((s) => s.block);
  if (!candidates.length) return null;
  const family = (entry.context ?? 'main').split(':')[0];
  return candidates.find((s) => s.body && s.body !== 'raw' && s.body.startsWith(family + '')) ?? candidates[0]!;
}
