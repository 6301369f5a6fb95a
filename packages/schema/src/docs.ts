/**
 * Directive documentation from @nginx/reference-lib (nginx.org's docs as data, markdown
 * format), with the entry chosen by context: several modules document a `server`, `listen`
 * or `ssl_*` directive, and a mail file wants the mail module's text.
 */
import { Format, getDirectives, type Directive } from '@nginx/reference-lib';
import { COMMAND_TABLE } from './profile.js';
import type { ContextId, DirectiveDocs, ModuleFamily } from './types.js';
import { MAIL_DIRECTIVES } from './data/mail.js';
import { CORE_DIRECTIVES } from './data/core.js';
import { compareVersions } from './versions.js';

let index: Map<string, Directive[]> | null = null;

function docsIndex(): Map<string, Directive[]> {
  if (!index) {
    index = new Map();
    for (const d of getDirectives(Format.Markdown)) {
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

/** Since-version from the curated tables, else from the command tables (first version with it). */
function sinceOf(name: string, family: 'mail' | 'http' | 'stream' | 'core'): string | null {
  const curated = [...MAIL_DIRECTIVES, ...CORE_DIRECTIVES].find(
    (s) => s.name === name && docFamily(s.module) === family,
  );
  if (curated) return curated.since ?? null;
  const families: ModuleFamily[] = family === 'core' ? ['core', 'conf', 'event'] : [family];
  const records = COMMAND_TABLE.directives.filter((r) => r.name === name && families.includes(r.family));
  if (records.length === 0 || records.some((r) => r.since === undefined)) return null;
  return records.map((r) => r.since!).sort(compareVersions)[0] ?? null;
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
  // Without a context a mail directive means the mail module's (this is a mail toolkit).
  const isMail = MAIL_DIRECTIVES.some((s) => s.name === name);
  const wanted = context ? familyOf(context) : isMail ? 'mail' : undefined;
  const entry = wanted
    ? entries.find((d) => docFamily(d.module) === wanted)
    : (entries.find((d) => docFamily(d.module) === 'core') ?? entries[0]);
  if (!entry) {
    if (name === 'proxy' && wanted === 'mail') return { ...UNDOCUMENTED_MAIL_PROXY };
    return null;
  }
  const family = docFamily(entry.module);
  return {
    name,
    module: entry.module,
    syntax: syntaxLines(entry),
    default: entry.default === '' ? null : entry.default,
    contexts: [...entry.contexts],
    description: entry.description,
    since: sinceOf(name, family),
    url: docsUrl(entry.module, name),
  };
}
