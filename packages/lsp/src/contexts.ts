/**
 * Contexts: which block a statement stands in. The checker walks a whole configuration and
 * gives every statement its context; this module answers the questions an editor asks that
 * the walk does not: what the body of a (possibly still empty, still unclosed) block is, and
 * what an unattached file most likely is a fragment of.
 */
import { ROOT_CONTEXT, type CheckOptions } from '@mailconf/checker';
import type { ContextId, Profile } from '@mailconf/schema';
import type { Directive, Node, ParsedFile } from '@mailconf/syntax';

export type RootContext = NonNullable<CheckOptions['context']>;

export const ROOT_CONTEXT_IDS: Record<RootContext, ContextId> = ROOT_CONTEXT;

/** How a context is named to a person: nginx's block names, with the family for servers. */
export function contextLabel(id: ContextId): string {
  switch (id) {
    case 'main':
      return 'main (top level)';
    case 'mail:server':
      return 'mail server';
    case 'http:server':
      return 'http server';
    case 'http:location':
      return 'location';
    case 'http:if-server':
    case 'http:if-location':
      return 'if';
    case 'http:limit_except':
      return 'limit_except';
    case 'http:upstream':
      return 'upstream';
    case 'stream:server':
      return 'stream server';
    case 'stream:upstream':
      return 'stream upstream';
    default:
      return id;
  }
}

/** The context the body of `directive` (standing in `context`) opens, or null when nginx does not read it as directives. */
export function bodyContext(directive: Directive, context: ContextId | null, profile: Profile): ContextId | null {
  if (!context || !directive.name) return null;
  const spec = profile.allowedIn(directive.name, context) ?? profile.lookup(directive.name).find((s) => s.block) ?? null;
  if (!spec || !spec.block) return null;
  const body = spec.bodyIn?.[context] ?? spec.body;
  return body && body !== 'raw' ? body : null;
}

/**
 * How well a file reads as the body of `root`: the number of statements (at any depth)
 * allowed where they stand. Used to guess what an unattached fragment is.
 */
export function fitScore(nodes: readonly Node[], root: ContextId, profile: Profile): number {
  let score = 0;
  const stack: { nodes: readonly Node[]; ctx: ContextId }[] = [{ nodes, ctx: root }];
  while (stack.length) {
    const { nodes: list, ctx } = stack.pop()!;
    for (const n of list) {
      if (n.type !== 'directive' || !n.name) continue;
      if (!profile.allowedIn(n.name, ctx)) continue;
      score++;
      if (n.block) {
        const body = bodyContext(n, ctx, profile);
        if (body) stack.push({ nodes: n.block.children, ctx: body });
      }
    }
  }
  return score;
}

/** Candidates in order of preference when two fit equally well: this is a mail tool. */
const GUESS_ORDER: RootContext[] = ['main', 'mail', 'server', 'events', 'http', 'stream'];

/**
 * What a file that no open configuration includes most likely is: `main` when every
 * top-level statement is allowed there (or the file is called nginx.conf), else the context
 * its statements fit best.
 */
export function guessRootContext(file: ParsedFile, profile: Profile, fileName: string): RootContext {
  if (fileName === 'nginx.conf') return 'main';
  const top = file.children.filter((n): n is Directive => n.type === 'directive' && !!n.name && n.name !== 'include');
  if (top.every((d) => profile.allowedIn(d.name, 'main'))) return 'main';
  let best: RootContext = 'main';
  let bestScore = -1;
  for (const c of GUESS_ORDER) {
    const s = fitScore(file.children, ROOT_CONTEXT_IDS[c], profile);
    if (s > bestScore) {
      best = c;
      bestScore = s;
    }
  }
  return best;
}
