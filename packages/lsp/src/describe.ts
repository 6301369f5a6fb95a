/**
 * A directive described for a person (hover, completion documentation): nginx.org's text
 * for the module that defines it in this context, with what the schema knows exactly (the
 * default for this nginx version, the version it appeared in, every context it is allowed
 * in).
 */
import { getDocs, type ContextId, type DirectiveDocs, type DirectiveSpec, type Profile } from '@mailconf/schema';
import { contextLabel } from './contexts.js';

/** A syntax line of nginx.org's docs as plain text: `listen address:port [ssl] ...;`. */
export function plainSyntax(markdown: string): string {
  return markdown.replace(/[`*]/g, '');
}

const docsCache = new Map<string, DirectiveDocs | null>();

/** nginx.org's documentation of a directive in a context (cached: the lookup reads a large table). */
export function docsFor(name: string, context: ContextId | null): DirectiveDocs | null {
  const key = `${name}\0${context ?? ''}`;
  if (docsCache.has(key)) return docsCache.get(key)!;
  let docs: DirectiveDocs | null = null;
  try {
    docs = getDocs(name, context ?? undefined);
  } catch {
    docs = null;
  }
  docsCache.set(key, docs);
  return docs;
}

/** The spec that applies to a name in a context, else the first one known. */
export function specFor(profile: Profile, name: string, context: ContextId | null): DirectiveSpec | null {
  if (context) {
    const s = profile.allowedIn(name, context);
    if (s) return s;
  }
  return profile.lookup(name)[0] ?? null;
}

/** Every context a directive is allowed in for this build, as nginx names them. */
export function allowedContexts(profile: Profile, name: string): string[] {
  const out: string[] = [];
  for (const s of profile.lookup(name)) for (const c of s.contexts) if (!out.includes(contextLabel(c))) out.push(contextLabel(c));
  return out;
}

export function defaultText(spec: DirectiveSpec | null, docs: DirectiveDocs | null): string | null {
  if (spec?.default !== undefined) return `\`${spec.default}\``;
  if (spec?.defaultNote) return spec.defaultNote;
  if (docs?.default) return `\`${docs.default}\``;
  return null;
}

export interface DirectiveDescription {
  /** Markdown. */
  text: string;
  docs: DirectiveDocs | null;
  spec: DirectiveSpec | null;
}

/** Syntax, facts, `here` (markdown about this occurrence, e.g. the value in effect), description and link. */
export function describeDirective(profile: Profile, name: string, context: ContextId | null, here?: string): DirectiveDescription | null {
  const spec = specFor(profile, name, context);
  const docs = docsFor(name, context);
  if (!spec && !docs) return null;
  const parts: string[] = [];
  if (docs?.syntax.length) parts.push('```nginx\n' + docs.syntax.map(plainSyntax).join('\n') + '\n```');
  const facts: string[] = [`**${name}**`];
  const module = spec?.module ?? docs?.module;
  if (module) facts.push(module);
  const since = spec?.since ?? docs?.since;
  if (since) facts.push(`since nginx ${since}`);
  if (spec?.deprecatedIn) facts.push(`deprecated in ${spec.deprecatedIn}`);
  if (spec?.removedIn) facts.push(`removed in ${spec.removedIn}`);
  parts.push(facts.join(' · '));
  const lines: string[] = [];
  const dflt = defaultText(spec, docs);
  if (dflt) lines.push(`Default: ${dflt}`);
  const contexts = allowedContexts(profile, name);
  if (contexts.length) lines.push(`Allowed in: ${contexts.map((c) => `\`${c}\``).join(', ')}`);
  if (context && !profile.allowedIn(name, context)) lines.push(`**Not allowed in \`${contextLabel(context)}\`.**`);
  if (lines.length) parts.push(lines.join('  \n'));
  if (here) parts.push(here);
  if (docs?.description) parts.push(docs.description.trim());
  if (docs?.url) parts.push(`[nginx.org documentation](${docs.url})`);
  return { text: parts.join('\n\n'), docs, spec };
}
