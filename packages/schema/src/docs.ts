/**
 * Directive documentation from @nginx/reference-lib (nginx.org's docs as data, markdown
 * format), with the entry chosen by context: several modules document a `server`, `listen`
 * or `ssl_*` directive, and a mail file wants the mail module's text.
 */
import { createRequire } from 'node:module';
import type { Directive } from '@nginx/reference-lib';
import { COMMAND_TABLE } from './profile.js';
import type { ContextId, DirectiveDocs } from './types.js';
import { MAIL_DIRECTIVES } from './data/mail.js';
import { CORE_DIRECTIVES } from './data/core.js';
import { compareVersions } from './versions.js';

let index: Map<string, Directive[]> | null = null;

function docsIndex(): Map<string, Directive[]> {
  if (!index) {
    index = new Map();
    // Loaded on first use: nginx's docs are 1.7 MB of JavaScript that a lint run never needs.
    // A bundle that cannot resolve packages at run time (the VS Code extension) hands the
    // library over through this global instead.
    const injected = (globalThis as { __MAILCONF_REFERENCE_LIB__?: typeof import('@nginx/reference-lib') }).__MAILCONF_REFERENCE_LIB__;
    const lib = injected ?? (createRequire(import.meta.url)('@nginx/reference-lib') as typeof import('@nginx/reference-lib'));
    for (const d of lib.getDirectives(lib.Format.Markdown)) {
      const list = index.get(d.name);
      if (list) list.push(d);
      else index.set(d.name, [d]);
    }
  }
  return index;
}

/** Which documented module family a context belongs to. */
function familyOf(context: ContextId): 'mail' | 'http' | 'stream' | 'core' {
  if (context === 'main' || context === 'events') return 'core';
  return context.split(':')[0] as 'mail' | 'http' | 'stream';
}

function docFamily(module: string): 'mail' | 'http' | 'stream' | 'core' {
  if (module.startsWith('ngx_mail_')) return 'mail';
  if (module.startsWith('ngx_http_')) return 'http';
  if (module.startsWith('ngx_stream_')) return 'stream';
  return 'core';
}

/** Link to the module's page on nginx.org, at the directive's anchor. */
export function docsUrl(module: string, name: string): string {
  const family = docFamily(module);
  const page = module === 'Core functionality' ? 'ngx_core_module' : module;
  const dir = family === 'core' ? '' : `${family}/`;
  return `https://nginx.org/en/docs/${dir}${page}.html#${name}`;
}

/** Syntax lines as nginx.org prints them: the name, the arguments, and `;` unless a block. */
function syntaxLines(d: Directive): string[] {
  return d.syntax.map((s) => `\`${d.name}\`${s.startsWith(' ') ? s : ` ${s}`}${d.isBlock ? '' : ';'}`);
}

/** How nginx.org names a context in its "Context:" lines. */
function docContext(context: ContextId): string {
  const inner = context.split(':')[1];
  if (inner === undefined) return context;
  return inner.startsWith('if-') ? 'if' : inner;
}

interface Definition {
  family: 'mail' | 'http' | 'stream' | 'core';
  since: string | null;
}

/**
 * Which module defines the directive (in the context, if given) and since when: the curated
 * entry (mail, main, events), else the command tables of any version. Without a context a
 * mail definition wins, then a main/events one.
 */
function definition(name: string, context?: ContextId): Definition | null {
  const fits = (contexts: readonly ContextId[]) => context === undefined || contexts.includes(context);
  const curated = [...MAIL_DIRECTIVES, ...CORE_DIRECTIVES].filter((s) => s.name === name && fits(s.contexts));
  const spec = curated.find((s) => docFamily(s.module) === 'mail') ?? curated[0];
  if (spec) return { family: docFamily(spec.module), since: spec.since ?? null };
  const records = COMMAND_TABLE.directives.filter((r) => r.name === name && fits(r.contexts));
  const first = records[0];
  if (!first) return null;
  const same = records.filter((r) => r.module === first.module);
  // A form present in the oldest table has no `since`: the version it appeared in is older.
  const since = same.some((r) => r.since === undefined) ? null : (same.map((r) => r.since!).sort(compareVersions)[0] ?? null);
  return { family: docFamily(first.module), since };
}

/** The mail proxy module's `proxy` directive exists in every version but nginx.org does not document it. */
const UNDOCUMENTED_MAIL_PROXY: DirectiveDocs = {
  name: 'proxy',
  module: 'ngx_mail_proxy_module',
  syntax: ['`proxy` `on` | `off`;'],
  default: 'off',
  contexts: ['mail', 'server'],
  description:
    'Accepted by nginx in `mail` and `server` but undocumented: the setting is stored and never ' +
    'used, so it has no effect. Proxying to the backend happens regardless.',
  since: null,
  url: 'https://nginx.org/en/docs/mail/ngx_mail_proxy_module.html',
};

/**
 * Documentation of a directive, or null when nginx.org has none. With a context the entry of
 * that context's family is chosen (mail, http, stream, or core for main/events); without one,
 * the mail entry for mail directives, else the core entry, else the first documented.
 */
export function getDocs(name: string, context?: ContextId): DirectiveDocs | null {
  const entries = docsIndex().get(name) ?? [];
  const def = definition(name, context);
  const family = def?.family ?? (context ? familyOf(context) : undefined);
  let entry = family ? entries.find((d) => docFamily(d.module) === family) : undefined;
  // Core directives documented once for every context they appear in (error_log).
  if (!entry && context) {
    entry = entries.find((d) => docFamily(d.module) === 'core' && d.contexts.includes(docContext(context)));
  }
  if (!entry && !def) entry = entries.find((d) => docFamily(d.module) === 'core') ?? entries[0];
  if (!entry) {
    if (name === 'proxy' && family === 'mail') return { ...UNDOCUMENTED_MAIL_PROXY };
    return null;
  }
  return {
    name,
    module: entry.module,
    syntax: syntaxLines(entry),
    default: entry.default === '' ? null : entry.default,
    contexts: [...entry.contexts],
    description: entry.description,
    since: def?.since ?? null,
    url: docsUrl(entry.module, name),
  };
}
