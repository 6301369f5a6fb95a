/**
 * The regular expressions nginx compiles while it reads a statement of http {} or stream {}
 * (each handler calls ngx_http_regex_compile or ngx_regex_compile on them, and fails the
 * configuration with PCRE2's message when one does not compile):
 *   location ~ re, location ~* re, location ~re          (ngx_http_core_location)
 *   server_name ~re                                      (every `~` name; stream from 1.25.5)
 *   rewrite re ...                                       (its first word)
 *   if ($var ~ re), ~*, !~, !~*                          (ngx_http_rewrite_if_condition)
 *   proxy_redirect, proxy_cookie_path ~re / ~*re; proxy_cookie_domain, proxy_cookie_flags ~re
 *   valid_referers ~re                                   (the `*` after `~` is part of the regex)
 *   gzip_disable re ...                                  (every word but msie6 and degradation)
 *   fastcgi_split_path_info re
 *   a map's `~re` / `~*re` keys                          (ngx_http_map / ngx_stream_map)
 */
import type { Directive } from '@mailconf/syntax';
import { readIfCondition } from '../variables/if-condition.js';
import { atLeast } from '../version.js';

export interface CompiledRegex {
  /** The pattern as PCRE2 gets it. */
  pattern: string;
  /** The argument holding it; -1 for the statement's first word (a map key). */
  arg: number;
}

/** The regexes a statement compiles, in the order nginx compiles them. */
export function regexesOf(d: Directive, family: 'http' | 'stream', version: string): CompiledRegex[] {
  const out: CompiledRegex[] = [];
  const n = d.argCount;
  const tilde = (arg: number, star: boolean) => {
    const v = d.argValue(arg);
    if (!v.startsWith('~')) return;
    out.push({ pattern: v.slice(star && v[1] === '*' ? 2 : 1), arg });
  };
  if (family === 'stream') {
    if (d.name === 'server_name' && atLeast(version, '1.25.5')) for (let i = 0; i < n; i++) tilde(i, false);
    return out;
  }
  switch (d.name) {
    case 'location': {
      const a0 = n ? d.argValue(0) : '';
      if (n === 2 && (a0 === '~' || a0 === '~*')) out.push({ pattern: d.argValue(1), arg: 1 });
      else if (n === 1 && a0.startsWith('~')) out.push({ pattern: a0.slice(a0.startsWith('~*') ? 2 : 1), arg: 0 });
      break;
    }
    case 'server_name':
      for (let i = 0; i < n; i++) tilde(i, false);
      break;
    case 'rewrite':
      if (n >= 2) out.push({ pattern: d.argValue(0), arg: 0 });
      break;
    case 'if': {
      const c = readIfCondition(d);
      if (!c.error && c.regex) out.push({ pattern: c.regex.value, arg: c.regex.arg });
      break;
    }
    // proxy_redirect and proxy_cookie_path read `~*` as caseless; proxy_cookie_domain and
    // proxy_cookie_flags take off the `~` only (they are always caseless): `~*re` is the regex `*re`.
    case 'proxy_redirect':
    case 'proxy_cookie_path':
      if (n === 2) tilde(0, true);
      break;
    case 'proxy_cookie_domain':
      if (n === 2) tilde(0, false);
      break;
    case 'proxy_cookie_flags':
      if (n >= 2) tilde(0, false);
      break;
    case 'valid_referers':
      for (let i = 0; i < n; i++) if (d.argValue(i).length > 1) tilde(i, false);
      break;
    case 'gzip_disable':
      for (let i = 0; i < n; i++) {
        const v = d.argValue(i);
        if (v !== 'msie6' && v !== 'degradation') out.push({ pattern: v, arg: i });
      }
      break;
    case 'fastcgi_split_path_info':
      if (n === 1) out.push({ pattern: d.argValue(0), arg: 0 });
      break;
  }
  return out;
}

/** The regex of a map's `key value;` pair, when the key is `~re` or `~*re`. */
export function mapKeyRegex(d: Directive): CompiledRegex | null {
  if (d.argCount !== 1 || !d.name.startsWith('~')) return null;
  return { pattern: d.name.slice(d.name.startsWith('~*') ? 2 : 1), arg: -1 };
}
