/**
 * nginx's shared value readers beyond the basic kinds (flag, number, size, time, ...), each
 * as nginx 1.22.1 reads its words: the first problem, with nginx's message and the word it
 * names, or null. The invalid-value rule reports them; `values` are the statement's words
 * as C strings (cut at a NUL).
 */
import { parseIPv4, parseIPv6 } from './net/ipv6.js';
import { atoi, timeSec } from './values.js';
import { atLeast } from './version.js';

export interface ReaderProblem {
  message: string;
  /** The word the message is about; undefined for the whole statement. */
  arg?: number;
}

/** ngx_conf_set_access_slot: each word `user:`, `group:` or `all:` followed by `rw` or `r`. */
export function accessProblem(values: readonly string[]): ReaderProblem | null {
  for (let i = 0; i < values.length; i++) {
    const m = /^(?:user|group|all):(.*)$/s.exec(values[i]!);
    if (!m || (m[1] !== 'rw' && m[1] !== 'r')) return { message: `invalid value "${values[i]}"`, arg: i };
  }
  return null;
}

/**
 * ngx_conf_set_path_slot: a directory, then up to three levels, each a number above 0, adding
 * up to 10 at most (ngx_atoi: digits only).
 */
export function pathProblem(name: string, values: readonly string[]): ReaderProblem | null {
  let sum = 0n;
  for (let i = 1; i < values.length; i++) {
    const level = atoi(values[i]!);
    if (level === null || level === 0n) return { message: `"${name}" directive invalid value`, arg: i };
    sum += level;
  }
  return sum > 10n ? { message: `"${name}" directive invalid value` } : null;
}

/**
 * ngx_http_file_cache_valid_set_slot: `[code ...] time`. The time (ngx_parse_time in seconds)
 * is read first, then each code: `any` or a number from 100 to 599.
 */
export function cacheValidProblem(values: readonly string[]): ReaderProblem | null {
  const last = values.length - 1;
  if (timeSec(values[last]!) === null) return { message: `invalid time value "${values[last]}"`, arg: last };
  for (let i = 0; i < last; i++) {
    if (values[i] === 'any') continue;
    const status = atoi(values[i]!);
    if (status === null || status < 100n || status > 599n) return { message: `invalid status "${values[i]}"`, arg: i };
  }
  return null;
}

/** ngx_http_upstream_param_set_slot: `name value [if_not_empty]`, the last word as written. */
export function paramProblem(values: readonly string[]): ReaderProblem | null {
  return values.length === 3 && values[2] !== 'if_not_empty' ? { message: `invalid parameter "${values[2]}"`, arg: 2 } : null;
}

/**
 * ngx_http_upstream_bind_set_slot: `off`, or an address (read when the configuration is, unless
 * it has variables) and an optional `transparent`.
 */
export function bindProblem(values: readonly string[], version: string): ReaderProblem | null {
  if (values.length === 1 && values[0] === 'off') return null;
  // With variables the address is compiled (the variables rule) and read per request.
  if (!values[0]!.includes('$') && !addrPort(values[0]!, version)) return { message: `invalid address "${values[0]}"`, arg: 0 };
  if (values.length > 1 && values[1] !== 'transparent') return { message: `invalid parameter "${values[1]}"`, arg: 1 };
  return null;
}

/**
 * ngx_parse_addr_port: an IPv4 or IPv6 address, or one with a port from 1 to 65535 after a
 * colon (`[...]:port` for IPv6; from 1.27.3 also `[...]` alone).
 */
function addrPort(text: string, version: string): boolean {
  if (addr(text)) return true;
  let host: string;
  let port: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === text.length - 1 && atLeast(version, '1.27.3')) return addr(text.slice(1, -1));
    if (close === -1 || close === text.length - 1 || text[close + 1] !== ':') return false;
    host = text.slice(1, close);
    port = text.slice(close + 2);
  } else {
    const colon = text.indexOf(':');
    if (colon === -1) return false;
    host = text.slice(0, colon);
    port = text.slice(colon + 1);
  }
  const n = atoi(port);
  return n !== null && n >= 1n && n <= 65535n && addr(host);
}

/** ngx_parse_addr: ngx_inet_addr (whose 255.255.255.255 is its "none"), else ngx_inet6_addr. */
function addr(text: string): boolean {
  const v4 = parseIPv4(text);
  if (v4 && !v4.every((b) => b === 255)) return true;
  return parseIPv6(text) !== null;
}

/**
 * The MIME types of the *_types directives nginx has seen in one block (lower-cased), the
 * module's first default type among them: a type seen before only warns. `*` ends the list.
 */
export interface MimeTypes {
  any: boolean;
  seen: Set<string>;
}

/** The first default type of each *_types directive (its command's `post`). */
export function defaultMimeType(name: string): string {
  return name === 'xslt_types' ? 'text/xml' : 'text/html';
}

/** ngx_http_types_slot: the words it warns about as duplicates ("duplicate MIME type"), by index. */
export function mimeTypeRepeats(values: readonly string[], types: MimeTypes): ReaderProblem[] {
  const out: ReaderProblem[] = [];
  for (let i = 0; i < values.length && !types.any; i++) {
    if (values[i] === '*') {
      types.any = true;
      break;
    }
    const type = values[i]!.replace(/[A-Z]+/g, (c) => c.toLowerCase()); // ngx_hash_strlow: ASCII only
    if (types.seen.has(type)) out.push({ message: `duplicate MIME type "${type}"`, arg: i });
    else types.seen.add(type);
  }
  return out;
}
