import { defineRule } from '../rule.js';
import { cstr } from '../mail/listen.js';
import { atoi, flag, offset, size, timeMs, timeSec } from '../values.js';
import type { Directive } from '@mailconf/syntax';
import { addPath, pathOf } from '../paths.js';
import { accessProblem, bindProblem, cacheValidProblem, defaultMimeType, mimeTypeRepeats, paramProblem, pathProblem, type MimeTypes, type ReaderProblem } from '../slot-readers.js';
import type { Entry } from '../walk.js';

/**
 * A7-A12: values of the standard kinds (flag, enum, bitmask, number, size, offset, time),
 * with nginx's exact messages. Directives with a syntax of their own have their own rules.
 */
export default defineRule({
  meta: {
    id: 'invalid-value',
    description: 'A value nginx cannot read: flag, keyword, number, size, time, permissions, levels, cache validity, bind address',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['A7', 'A8', 'A9', 'A10', 'A11', 'A12', 'E8', 'E9'],
    docs: `Each directive reads its value in one syntax (for the mail modules as curated; for every other
module as its standard reader, ngx_conf_set_*_slot, says):
- flags: \`on\` or \`off\` (any case);
- keywords (\`starttls on|off|only\`, \`ssl_verify_client\`): one of the listed words, any case;
- method sets (\`imap_auth\`, \`pop3_auth\`, \`smtp_auth\`, \`ssl_protocols\`): each word from the list;
  a repeated word is only a warning (\`duplicate value\`);
- numbers: digits only (\`max_errors 5\`), no sign or unit;
- sizes: digits with an optional \`k\` or \`m\` (\`proxy_buffer 16k\`); no \`g\`, no \`kb\`;
- buffers: a number and a size, neither 0 (\`proxy_buffers 8 4k\`);
- times: groups such as \`1h30m\`, units \`y M w d h m s ms\` in decreasing order; directives kept in
  milliseconds refuse \`y\` and \`M\`, those kept in seconds refuse \`ms\`;
- sizes that may hold variables (\`limit_rate\`, \`proxy_limit_rate\`): without a \`$\`, read as a size;
- permissions (\`proxy_store_access\`, \`dav_access\`): \`user:\`, \`group:\` or \`all:\` then \`rw\` or \`r\`;
- temporary directories (\`proxy_temp_path DIR 1 2\`): levels are numbers above 0, adding up to 10 at most
  (not \`levels=1:2\`, which is \`*_cache_path\`'s syntax); two modules may share a directory only with the
  same levels, and not a cache's (\`the same path name "..." in FILE:LINE has the different levels than\`);
- cache validity (\`proxy_cache_valid 200 302 10m\`): the time last (no \`ms\`), codes from 100 to 599 or \`any\`;
- upstream parameters (\`fastcgi_param NAME VALUE if_not_empty\`): the third word exactly \`if_not_empty\`;
- local addresses (\`proxy_bind\`): an IP address with an optional port, \`[IPv6]:port\` (\`[IPv6]\` alone from
  1.27.3), or variables; then only \`transparent\`;
- MIME types (\`gzip_types\`, \`ssi_types\`, ...): a type named twice in one block, or the module's first
  default type (\`text/html\`; \`text/xml\` for \`xslt_types\`), which is always in, only warns.`,
  },
  stage: 'value',
  appliesTo: (spec) => !!spec?.value,
  directive(entry, ctx) {
    const spec = entry.spec;
    const v = spec?.value;
    if (!spec || !v || entry.directive.argCount === 0) return;
    const d = entry.directive;
    const name = d.name;
    switch (v.type) {
      case 'flag': {
        if (flag(arg(d, 0)) === null) {
          ctx.report({ entry, message: `invalid value "${arg(d, 0)}" in "${name}" directive, it must be "on" or "off"` });
        }
        return;
      }
      case 'enum': {
        for (let i = 0; i < d.argCount; i++) {
          const a = arg(d, i);
          const ok = v.caseSensitive ? v.values.includes(a) : v.values.some((x) => x.toLowerCase() === a.toLowerCase());
          if (!ok) {
            ctx.report({ entry, message: `invalid value "${a}"`, hint: `expected ${v.values.join(', ')}` });
            return;
          }
        }
        return;
      }
      case 'bitmask': {
        // What is set so far in this block: the words' mask flags (the words themselves when
        // the flags are not known). A word whose flag is already set only warns, as nginx does.
        const seen = perBlock(entry, ctx.state('invalid-value:bitmask', newBlockState<Set<string>>), newSet);
        for (let i = 0; i < d.argCount; i++) {
          const a = arg(d, i);
          const k = v.values.findIndex((x) => x.toLowerCase() === a.toLowerCase());
          if (k < 0) {
            ctx.report({ entry, message: `invalid value "${a}"`, hint: `expected ${v.values.join(', ')}`, range: d.args[i]!.range });
            return;
          }
          const flags = v.flags?.[k] ?? [v.values[k]!];
          if (flags.some((f) => seen.has(f))) {
            ctx.report({ entry, message: `duplicate value "${d.argValue(i)}"`, nginxLevel: 'warn', range: d.args[i]!.range, line: d.line });
          } else for (const f of flags) seen.add(f);
        }
        return;
      }
      case 'number': {
        const n = atoi(arg(d, 0));
        if (n === null) {
          // events' worker_connections has a message of its own.
          const message = name === 'worker_connections' ? `invalid number "${arg(d, 0)}"` : `"${name}" directive invalid number`;
          ctx.report({ entry, message });
        } else if ((v.min !== undefined && n < BigInt(v.min)) || (v.max !== undefined && n > BigInt(v.max))) {
          // ngx_conf_check_num_bounds, the module's check after the number is read.
          const message = v.max === undefined ? `value must be equal to or greater than ${v.min}` : `value must be between ${v.min} and ${v.max}`;
          ctx.report({ entry, message });
        }
        return;
      }
      case 'size': {
        // A value with "$" is compiled instead (the variables rule reads it); nginx reads the size when it runs.
        if (v.variables && arg(d, 0).includes('$')) return;
        if (size(arg(d, 0)) === null) ctx.report({ entry, message: `"${name}" directive invalid value` });
        return;
      }
      case 'bufs': {
        // ngx_conf_set_bufs_slot: a count and a size, both above 0
        const n = atoi(arg(d, 0));
        const s = d.argCount > 1 ? size(arg(d, 1)) : null;
        if (n === null || n === 0n || s === null || s === 0n) {
          ctx.report({ entry, message: `"${name}" directive invalid value`, hint: 'a number of buffers and their size, such as 8 4k' });
        }
        return;
      }
      case 'offset': {
        if (offset(arg(d, 0)) === null) ctx.report({ entry, message: `"${name}" directive invalid value` });
        return;
      }
      case 'time': {
        const t = v.unit === 'ms' ? timeMs(arg(d, 0)) : timeSec(arg(d, 0));
        if (t === null) {
          ctx.report({
            entry,
            message: `"${name}" directive invalid value`,
            hint: v.unit === 'ms' ? 'a time such as 30s, 5m or 500ms (no y or M)' : 'a time such as 5m or 1h (no ms)',
          });
        }
        return;
      }
      case 'reader': {
        const words: string[] = [];
        for (let i = 0; i < d.argCount; i++) words.push(arg(d, i));
        if (v.reader === 'types') {
          const types = perBlock(entry, ctx.state('invalid-value:types', newBlockState<MimeTypes>), (n) => ({ any: false, seen: new Set([defaultMimeType(n)]) }));
          for (const p of mimeTypeRepeats(words, types)) ctx.report({ entry, message: p.message, nginxLevel: 'warn', range: d.args[p.arg!]!.range, line: d.line });
          return;
        }
        const p = readerProblem(v.reader, name, words, ctx.version);
        if (p) return ctx.report({ entry, message: p.message, range: p.arg === undefined ? undefined : d.args[p.arg]!.range, line: d.line });
        if (v.reader === 'path') {
          const levels = words.slice(1).map(Number);
          const message = addPath(ctx, { ...pathOf(words[0]!), levels, owner: 'temp', file: entry.file, line: d.line });
          if (message) ctx.report({ entry, message, range: d.args[0]!.range, line: d.line });
        }
        return;
      }
      default:
        return;
    }
  },
});

function readerProblem(reader: 'access' | 'path' | 'cache-valid' | 'param' | 'bind', name: string, words: string[], version: string): ReaderProblem | null {
  switch (reader) {
    case 'access':
      return accessProblem(words);
    case 'path':
      return pathProblem(name, words);
    case 'cache-valid':
      return cacheValidProblem(words);
    case 'param':
      return paramProblem(words);
    case 'bind':
      return bindProblem(words, version);
  }
}

function newBlockState<T>(): Map<Entry | null, Map<string, T>> {
  return new Map();
}

/**
 * What earlier directives of the same name have set at the same level: the words of a bitmask
 * (they OR together), the MIME types of a *_types list.
 */
function perBlock<T>(entry: Entry, state: Map<Entry | null, Map<string, T>>, init: (name: string) => T): T {
  let level = state.get(entry.parent);
  if (!level) state.set(entry.parent, (level = new Map()));
  const name = entry.directive.name;
  let value = level.get(name);
  if (value === undefined) level.set(name, (value = init(name)));
  return value;
}

const newSet = (): Set<string> => new Set();

/** A value as nginx's C code sees it (cut at a NUL). Module-level: no closure per statement. */
function arg(d: Directive, i: number): string {
  return cstr(d.argValue(i));
}

