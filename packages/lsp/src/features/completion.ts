/**
 * Completion that offers only what nginx accepts at the cursor: the directives of the exact
 * context (a mail `server {}` is not an http one: no `location`, no `proxy_pass`), without
 * the ones that may not repeat and are already in the block; the keywords of the directive
 * being written (enums, flags, `listen` parameters, protocols); variables after a `$` in
 * http and stream; and rule ids in `# mailconf-disable` comments.
 */
import * as path from 'node:path';
import { BUILTIN_IDS, definedVariables, rules } from '@mailconf/checker';
import type { ContextId, DirectiveSpec, Profile } from '@mailconf/schema';
import { endOffset, startOffset, type Directive, type Node, type Word } from '@mailconf/syntax';
import {
  CompletionItemKind,
  CompletionItemTag,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type Range,
} from 'vscode-languageserver';
import { contextLabel } from '../contexts.js';
import { describeDirective, specFor } from '../describe.js';
import { locate } from '../locate.js';
import { toRange } from '../positions.js';
import { valueChoices } from '../values.js';
import { contextAt, type View } from '../view.js';

export interface CompletionOptions {
  snippets: boolean;
  /** Completion was triggered by typing a space: offer values only, never directive names. */
  afterSpace: boolean;
}

/** What a completion item stands for, kept in `data` for completionItem/resolve. */
export interface CompletionData {
  directive: string;
  context: ContextId | null;
  version: string;
}

const SUPPRESS = /^#\s*mailconf-disable(?:-next-line|-line)?(?:\s+|$)/;

export function complete(view: View, offset: number, options: CompletionOptions): CompletionList {
  const { file } = view;
  const empty: CompletionList = { isIncomplete: false, items: [] };
  const loc = locate(file, offset);
  const tok = loc.token;

  if (tok && tok.kind === 'comment' && offset > tok.start && offset <= tok.end) {
    return ruleIdCompletion(view, tok.text.slice(0, offset - tok.start), offset);
  }
  const context = contextAt(view, loc.ancestors);
  // `$` in an argument of http or stream: the variables, quoted or not.
  if (context && tok && loc.wordIndex > 0 && (tok.kind === 'word' || tok.kind === 'dquote' || tok.kind === 'squote') && offset > tok.start) {
    const family = context.split(':')[0];
    const typed = /\$\{?([A-Za-z0-9_]*)$/.exec(file.source.slice(tok.start, offset));
    if (typed && (family === 'http' || family === 'stream')) return variableCompletion(view, family, offset - typed[1]!.length, offset, tok.end);
  }
  if (tok && (tok.kind === 'dquote' || tok.kind === 'squote') && offset > tok.start && offset < tok.end) return empty;
  if (!context) return empty;
  const profile = view.analysis.profile;
  const d = loc.directive;

  if (!d || loc.wordIndex === 0) {
    if (options.afterSpace) return empty;
    const range = wordRange(view, loc.word, offset);
    const bare = !!d && (d.args.length > 0 || d.terminator !== null);
    const siblings = loc.ancestors.length ? loc.ancestors[loc.ancestors.length - 1]!.block!.children : file.children;
    return { isIncomplete: false, items: directiveItems(profile, context, siblings, d, range, options.snippets && !bare) };
  }

  const argIndex = loc.wordIndex - 1;
  const spec = specFor(profile, d.name, context);
  const choices = valueChoices(d.name, spec, argIndex, profile.version);
  if (!choices.length) return empty;
  const used = new Set<string>();
  d.args.forEach((a, i) => {
    if (i === argIndex) return;
    const v = a.value.toLowerCase();
    used.add(v);
    const eq = v.indexOf('=');
    if (eq > 0) used.add(v.slice(0, eq));
  });
  const range = wordRange(view, loc.word, offset);
  const items: CompletionItem[] = [];
  choices.forEach((c, i) => {
    if (c.firstOnly && argIndex !== 0) return;
    if (c.notFirst && argIndex === 0) return;
    if (c.key && used.has(c.key.toLowerCase())) return;
    if (!c.key && used.has(c.label.toLowerCase()) && spec?.value?.type === 'bitmask') return;
    const snippet = options.snippets && c.snippet;
    const item: CompletionItem = {
      label: c.label,
      kind: CompletionItemKind.EnumMember,
      sortText: String(i).padStart(3, '0'),
      textEdit: { range, newText: snippet ? c.snippet! : c.label },
      insertTextFormat: snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    };
    if (c.detail) item.detail = c.detail;
    if (c.documentation) item.documentation = { kind: MarkupKind.Markdown, value: c.documentation };
    items.push(item);
  });
  return { isIncomplete: false, items };
}

/**
 * The variables of http or stream: those the configuration defines (set, map, geo, regex
 * captures, ...) first, then the build's own, then the prefixes (`http_…` for any header).
 * The range covers the name being typed, up to the name's end after the cursor.
 */
function variableCompletion(view: View, family: 'http' | 'stream', start: number, offset: number, tokenEnd: number): CompletionList {
  const source = view.file.source;
  let end = offset;
  while (end < tokenEnd && /[A-Za-z0-9_]/.test(source[end]!)) end++;
  const range = toRange(view.file.lines, start, end);
  const analysis = view.analysis;
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  const add = (label: string, insert: string, detail: string, sort: string) => {
    if (seen.has(label)) return;
    seen.add(label);
    items.push({ label, kind: CompletionItemKind.Variable, detail, sortText: `${sort}${label}`, textEdit: { range, newText: insert } });
  };
  const defined = definedVariables(analysis.walk(), family, analysis.profile.version, analysis.context);
  for (const [name, entry] of defined) {
    const where = entry.file === view.path ? `line ${entry.directive.line}` : `${path.basename(entry.file)}:${entry.directive.line}`;
    add(name, name, `${entry.directive.name}, ${where}`, '0');
  }
  const builtin = analysis.profile.moduleVariables(family);
  for (const name of [...builtin.names].sort()) add(name, name, `${family} variable`, '1');
  for (const prefix of builtin.prefixes) add(`${prefix}…`, prefix, `${family} variables ${prefix}<name>`, '2');
  return { isIncomplete: false, items };
}

/** The range a completion replaces: the word being typed, up to the cursor's word end. */
function wordRange(view: View, word: Word | null, offset: number): Range {
  const lines = view.file.lines;
  if (!word) return toRange(lines, offset, offset);
  return toRange(lines, startOffset(word.range), Math.max(offset, endOffset(word.range)));
}

function directiveItems(
  profile: Profile,
  context: ContextId,
  siblings: readonly Node[],
  current: Directive | null,
  range: Range,
  snippets: boolean,
): CompletionItem[] {
  const present = new Set<string>();
  for (const n of siblings) if (n.type === 'directive' && n !== current) present.add(n.name);
  const items: CompletionItem[] = [];
  for (const name of profile.namesIn(context)) {
    const spec = profile.allowedIn(name, context);
    if (!spec) continue;
    // nginx refuses a second one: do not offer it.
    if (spec.exact && spec.repeat === 'error' && present.has(name)) continue;
    const item: CompletionItem = {
      label: name,
      kind: spec.block ? CompletionItemKind.Module : CompletionItemKind.Property,
      detail: spec.module,
      textEdit: { range, newText: snippets ? snippetFor(name, spec) : name },
      insertTextFormat: snippets ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      data: { directive: name, context, version: profile.requestedVersion } satisfies CompletionData,
    };
    if (spec.deprecatedIn) item.tags = [CompletionItemTag.Deprecated];
    items.push(item);
  }
  return items;
}

function choice(values: string[]): string {
  // Snippet choice syntax: `,`, `|` and `\` must be escaped inside.
  return '${1|' + values.map((v) => v.replace(/[,|\\]/g, (c) => '\\' + c)).join(',') + '|}';
}

/** The snippet a directive name expands to: its block, or its argument placeholders and `;`. */
export function snippetFor(name: string, spec: DirectiveSpec): string {
  const arity = spec.arity;
  const noArgs = arity.kind === 'counts' && arity.counts.length === 1 && arity.counts[0] === 0;
  if (spec.block) return noArgs ? `${name} {\n\t$0\n}` : `${name} \${1} {\n\t$0\n}`;
  if (noArgs) return `${name};`;
  const v = spec.value;
  if (v?.type === 'flag' || arity.kind === 'flag') return `${name} ${choice(['on', 'off'])};`;
  if (v?.type === 'enum') return `${name} ${choice(v.values)};`;
  if (v?.type === 'bitmask') return `${name} ${choice(v.values)};`;
  if (name === 'protocol') return `${name} ${choice(['imap', 'pop3', 'smtp'])};`;
  if (name === 'listen') return `${name} \${1:143};`;
  if (spec.default !== undefined && !/\s/.test(spec.default)) return `${name} \${1:${spec.default.replace(/[$}\\]/g, (c) => '\\' + c)}};`;
  return `${name} $1;`;
}

function ruleIdCompletion(view: View, before: string, offset: number): CompletionList {
  if (!SUPPRESS.test(before)) return { isIncomplete: false, items: [] };
  const m = /[A-Za-z0-9-]*$/.exec(before)!;
  const range = toRange(view.file.lines, offset - m[0].length, offset);
  const items: CompletionItem[] = [
    ...rules.map((r) => ({ id: r.meta.id, doc: r.meta.description })),
    ...BUILTIN_IDS.map((id) => ({ id, doc: id === 'syntax' ? 'syntax errors' : id.replace(/-/g, ' ') })),
  ].map(({ id, doc }) => ({ label: id, kind: CompletionItemKind.Constant, detail: doc, textEdit: { range, newText: id } }));
  return { isIncomplete: false, items };
}

/** Documentation for an item, filled in only when the editor shows it. */
export function resolveCompletion(item: CompletionItem, profile: Profile): CompletionItem {
  const data = item.data as CompletionData | undefined;
  if (!data || typeof data.directive !== 'string') return item;
  const desc = describeDirective(profile, data.directive, data.context);
  if (desc) item.documentation = { kind: MarkupKind.Markdown, value: desc.text };
  if (data.context) item.detail = `${item.detail ?? ''} (${contextLabel(data.context)})`.trim();
  return item;
}
