/**
 * Which words of an http or stream statement nginx compiles into scripts (so a `$name` in them
 * is a variable reference), and which define variables: set, map, geo, split_clients,
 * auth_request_set, perl_set, and the named captures of the regular expressions nginx compiles
 * with ngx_http_regex_compile (location, server_name, rewrite, if, map keys, proxy_redirect,
 * proxy_cookie_*). Read from each directive's handler in nginx's sources; a directive not
 * listed here keeps `$` as text, and is never reported.
 */
import { compareVersions } from '@mailconf/schema';
import type { Directive } from '@mailconf/syntax';
import type { MergeModule } from '../http-phases.js';
import { mapKeyRegex, regexesOf } from '../regex/compiled-regexes.js';
import type { Entry, WalkResult } from '../walk.js';
import { readIfCondition } from './if-condition.js';

/** What nginx does with the word. */
export type Grammar =
  /** ngx_*_script_compile: `$name`, `${name}`, `$1`…`$9` captures. */
  | 'script'
  /** log_format's own reader: the same names, but `$1` is a variable named "1". */
  | 'log'
  /** The `$` stripped and the rest taken whole as the name (`if ($x)`, `charset $x`, geo's source). */
  | 'name';

export interface CompiledWord {
  /** Index into the statement's arguments. */
  arg: number;
  /** The text nginx compiles (the argument's value, or the part after `threads=`, `from=`, `if=`). */
  value: string;
  /** Where `value` starts in the argument's value. */
  offset: number;
  grammar: Grammar;
  /**
   * Compiled when the blocks are merged, after the block is read (proxy_set_header,
   * fastcgi_param, ssl_certificate, ...): by which module, as which group of statements (a
   * block with any of the group's own does not inherit the others), and at which step of the
   * module's merge; null when compiled while the statement is read.
   */
  merge: MergeGroup | null;
}

export interface MergeGroup {
  module: MergeModule;
  /** The directive whose statements are inherited together. */
  group: string;
  step: number;
}

export interface Definition {
  name: string;
  /** The argument that names it; -1 for the statement's first word (a map's `~regex` key). */
  arg: number;
  /** A regex capture `(?<name>...)` rather than the directive's own variable. */
  capture: boolean;
}

export interface References {
  words: CompiledWord[];
  defines: Definition[];
  /** A word that should name a variable and does not (`set a 1;`, `set $ 1;`): nginx's message. */
  invalid: { arg: number; message: string }[];
  /** Variables the handler itself looks up (memcached_pass: `$memcached_key`). */
  implicit: string[];
}

const NONE: References = { words: [], defines: [], invalid: [], implicit: [] };

export type Family = 'http' | 'stream';
type Reader = (d: Directive, out: References, version: string) => void;

const word = (d: Directive, arg: number, grammar: Grammar = 'script', merge: MergeGroup | null = null, offset = 0): CompiledWord => ({
  arg,
  value: d.argValue(arg).slice(offset),
  offset,
  grammar,
  merge,
});

const args =
  (indexes: number[], merge: MergeGroup | null = null): Reader =>
  (d, out) => {
    for (const i of indexes) if (i < d.argCount) out.words.push(word(d, i, 'script', merge));
  };
const first = args([0]);
const second = args([1]);
const all: Reader = (d, out) => {
  for (let i = 0; i < d.argCount; i++) out.words.push(word(d, i));
};
const last: Reader = (d, out) => {
  if (d.argCount) out.words.push(word(d, d.argCount - 1));
};
const since =
  (version: string, reader: Reader): Reader =>
  (d, out, v) => {
    if (compareVersions(v, version) >= 0) reader(d, out, v);
  };
const until =
  (version: string, reader: Reader): Reader =>
  (d, out, v) => {
    if (compareVersions(v, version) < 0) reader(d, out, v);
  };
/** Words of the form `prefix=value`: the value is compiled. */
const parameter =
  (prefix: string, from = 0): Reader =>
  (d, out) => {
    for (let i = from; i < d.argCount; i++) if (d.argValue(i).startsWith(prefix)) out.words.push(word(d, i, 'script', null, prefix.length));
  };
const captures =
  (arg: number): Reader =>
  (d, out) => {
    if (arg < d.argCount) for (const name of namedCaptures(d.argValue(arg))) out.defines.push({ name, arg, capture: true });
  };
/** The named captures of the regexes the statement compiles (regex/compiled-regexes.ts says which words those are). */
const regexCaptures =
  (family: Family): Reader =>
  (d, out, version) => {
    for (const r of regexesOf(d, family, version)) for (const name of namedCaptures(r.pattern)) out.defines.push({ name, arg: r.arg, capture: true });
  };
/** `~regex` (a regex whose captures define variables) or a compiled word. */
const regexOrWord =
  (arg: number): Reader =>
  (d, out) => {
    if (arg >= d.argCount) return;
    const v = d.argValue(arg);
    if (v.startsWith('~')) captures(arg)(d, out, '');
    else out.words.push(word(d, arg));
  };
/** A `$name` the statement defines: the rest of the word after the `$`, whatever it is. */
const defines =
  (arg: number): Reader =>
  (d, out) => {
    if (arg >= d.argCount) return;
    const v = d.argValue(arg);
    if (v.length > 1 && v.startsWith('$')) out.defines.push({ name: v.slice(1), arg, capture: false });
    else out.invalid.push({ arg, message: `invalid variable name "${v}"` });
  };
const both =
  (...readers: Reader[]): Reader =>
  (d, out, v) => {
    for (const r of readers) r(d, out, v);
  };
/** Compiled by `module`'s merge; proxy compiles the body before the headers (ngx_http_proxy_merge_loc_conf). */
const merged = (module: MergeModule, group: string, indexes: number[], step = 0) => args(indexes, { module, group, step });

/** Directives that read one or more words as scripts, by family. */
const HTTP: Record<string, Reader> = {
  // A variable path or a server name, when the value holds a `$`.
  root: first,
  alias: first,
  limit_rate: first,
  limit_rate_after: first,
  auth_basic: first,
  auth_basic_user_file: first,
  proxy_method: first,
  secure_link: first,
  secure_link_md5: first,
  error_page: last,
  index: all,
  try_files: all,
  early_hints: since('1.29.0', all),
  client_body_early_read: all,
  aio: parameter('threads='),
  disable_symlinks: parameter('from='),
  add_header: second,
  add_trailer: second,
  sub_filter: args([0, 1]),
  hash: first,
  limit_conn_zone: first,
  limit_req_zone: first,
  split_clients: both(first, defines(1)),
  auth_request_set: both(defines(0), second),
  perl_set: defines(0),
  set: both(defines(0), second),
  map: both(first, defines(1)),
  geo: (d, out) => {
    // `geo [$source] $variable { ... }`: the source is a variable name, taken whole.
    if (d.argCount === 2) {
      if (d.argValue(0).startsWith('$')) out.words.push(word(d, 0, 'name'));
      else out.invalid.push({ arg: 0, message: `invalid variable name "${d.argValue(0)}"` });
    }
    // Without arguments (a statement cut short) there is nothing to define.
    if (d.argCount) defines(d.argCount - 1)(d, out, '');
  },
  memcached_pass: (_d, out) => {
    out.implicit.push('memcached_key');
  },
  charset: charsetReader,
  source_charset: charsetReader,
  expires: (d, out) => {
    if (d.argCount === 2 && d.argValue(0) === 'modified') out.words.push(word(d, 1));
    else if (d.argCount) out.words.push(word(d, 0));
  },
  return: (d, out) => {
    if (d.argCount === 2) out.words.push(word(d, 1));
    else if (d.argCount === 1 && /^(https?:\/\/|\$scheme)/.test(d.argValue(0))) out.words.push(word(d, 0));
  },
  rewrite: both(regexCaptures('http'), second),
  if: both(ifReader, regexCaptures('http')),
  location: regexCaptures('http'),
  server_name: regexCaptures('http'),
  proxy_redirect: replacement,
  proxy_cookie_domain: replacement,
  proxy_cookie_path: replacement,
  proxy_cookie_flags: (d, out) => {
    if (d.argCount < 2) return;
    regexOrWord(0)(d, out, '');
    for (let i = 1; i < d.argCount; i++) out.words.push(word(d, i));
  },
  access_log: (d, out) => {
    if (!d.argCount) return;
    const path = d.argValue(0);
    if (path !== 'off' && !path.startsWith('syslog:')) out.words.push(word(d, 0));
    parameter('if=', 2)(d, out, '');
  },
  log_format: (d, out) => {
    const from = d.argCount > 1 && d.argValue(1).startsWith('escape=') ? 2 : 1;
    for (let i = from; i < d.argCount; i++) out.words.push(word(d, i, 'log'));
  },
  image_filter: (d, out) => {
    const mode = d.argCount ? d.argValue(0) : '';
    if (mode === 'rotate') args([1])(d, out, '');
    else if (mode === 'resize' || mode === 'crop') args([1, 2])(d, out, '');
  },
  image_filter_jpeg_quality: first,
  image_filter_webp_quality: first,
  image_filter_sharpen: first,
  xslt_stylesheet: (d, out) => {
    for (let i = 1; i < d.argCount; i++) out.words.push(word(d, i));
  },
  xslt_param: second,
  xslt_string_param: second,
  http2_push: until('1.25.1', (d, out) => {
    if (d.argCount && d.argValue(0) !== 'off') out.words.push(word(d, 0));
  }),
  // Compiled when the blocks are merged.
  proxy_set_body: merged('proxy', 'proxy_set_body', [0], 1),
  proxy_set_header: merged('proxy', 'proxy_set_header', [1], 2),
  grpc_set_header: merged('grpc', 'grpc_set_header', [1]),
  fastcgi_param: merged('fastcgi', 'fastcgi_param', [1]),
  scgi_param: merged('scgi', 'scgi_param', [1]),
  uwsgi_param: merged('uwsgi', 'uwsgi_param', [1]),
  ssl_certificate: merged('ssl', 'ssl_certificate', [0]),
  ssl_certificate_key: merged('ssl', 'ssl_certificate_key', [0]),
};

// The upstream modules share their readers.
for (const m of ['proxy', 'fastcgi', 'scgi', 'uwsgi', 'grpc', 'memcached']) HTTP[`${m}_bind`] = first;
for (const m of ['proxy', 'fastcgi', 'scgi', 'uwsgi', 'grpc']) HTTP[`${m}_pass`] = first;
HTTP.tunnel_bind = first;
HTTP.tunnel_pass = first;
for (const m of ['proxy', 'fastcgi', 'scgi', 'uwsgi']) {
  HTTP[`${m}_cache`] = first;
  HTTP[`${m}_cache_key`] = first;
  HTTP[`${m}_cache_bypass`] = all;
  HTTP[`${m}_no_cache`] = all;
  HTTP[`${m}_store`] = (d, out) => {
    if (d.argCount && d.argValue(0) !== 'on' && d.argValue(0) !== 'off') out.words.push(word(d, 0));
  };
  // A size before 1.27.0 (a `$` there is an invalid size: invalid-value says so).
  HTTP[`${m}_limit_rate`] = since('1.27.0', first);
}
for (const m of ['proxy', 'grpc', 'uwsgi']) {
  HTTP[`${m}_ssl_name`] = first;
  HTTP[`${m}_ssl_certificate`] = first;
  HTTP[`${m}_ssl_certificate_key`] = first;
}

const STREAM: Record<string, Reader> = {
  proxy_pass: first,
  proxy_bind: first,
  proxy_upload_rate: first,
  proxy_download_rate: first,
  proxy_ssl_name: first,
  proxy_ssl_certificate: first,
  proxy_ssl_certificate_key: first,
  proxy_ssl_alpn: since('1.31.0', all),
  pass: since('1.25.5', first),
  return: first,
  set: both(defines(0), second),
  map: both(first, defines(1)),
  geo: HTTP.geo!,
  split_clients: HTTP.split_clients!,
  limit_conn_zone: first,
  hash: first,
  log_format: HTTP.log_format!,
  access_log: HTTP.access_log!,
  server_name: regexCaptures('stream'),
  ssl_certificate: merged('ssl', 'ssl_certificate', [0]),
  ssl_certificate_key: merged('ssl', 'ssl_certificate_key', [0]),
};

function charsetReader(d: Directive, out: References): void {
  if (d.argCount && d.argValue(0).startsWith('$')) out.words.push(word(d, 0, 'name'));
}

/** `proxy_redirect`/`proxy_cookie_*` with two words: what to find (a `~regex` or text), and its replacement. */
function replacement(d: Directive, out: References): void {
  if (d.argCount !== 2) return;
  regexOrWord(0)(d, out, '');
  out.words.push(word(d, 1));
}

/** `if (condition)`: a leading `$name` taken whole, and a compared or tested operand (a regex's captures: regexCaptures). */
function ifReader(d: Directive, out: References): void {
  const c = readIfCondition(d);
  if (c.variable) out.words.push({ ...c.variable, grammar: 'name', merge: null });
  if (c.operand) out.words.push({ ...c.operand, grammar: 'script', merge: null });
}

/**
 * The names of a regex's named groups, as PCRE lists them: `(?<name>`, `(?'name'`, `(?P<name>`.
 * Escaped characters, `\Q...\E`, `(?#...)` comments and character classes are skipped; `(?<=`
 * and `(?<!` are lookbehinds. (Comments of the `(?x)` mode are not: rare enough in nginx.conf.)
 */
export function namedCaptures(regex: string): string[] {
  const out: string[] = [];
  let inClass = false;
  for (let i = 0; i < regex.length; i++) {
    const c = regex[i];
    if (c === '\\') {
      // \Q...\E is text, parentheses included.
      if (regex[i + 1] === 'Q') {
        const end = regex.indexOf('\\E', i + 2);
        i = end === -1 ? regex.length : end + 1;
      } else i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      // A `]` right after `[` or `[^` is a member of the class.
      if (regex[i + 1] === '^') i++;
      if (regex[i + 1] === ']') i++;
      continue;
    }
    if (c !== '(' || regex[i + 1] !== '?') continue;
    if (regex[i + 2] === '#') {
      // A comment, up to the next ")".
      const end = regex.indexOf(')', i);
      i = end === -1 ? regex.length : end;
      continue;
    }
    const m = /^\(\?(?:P?<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(regex.slice(i, i + 40));
    if (m) out.push(m[1] ?? m[2]!);
  }
  return out;
}

/** The compiled words and definitions of a statement in an http or stream context. */
export function referencesOf(d: Directive, family: Family, version: string): References {
  const reader = (family === 'http' ? HTTP : STREAM)[d.name];
  if (!reader) return NONE;
  const out: References = { words: [], defines: [], invalid: [], implicit: [] };
  reader(d, out, version);
  return out;
}

/** What one statement of a block holds, with the statement (a map's pairs are statements of their own). */
export interface BlockReferences {
  words: { entry: Entry; word: CompiledWord }[];
  defines: { entry: Entry; definition: Definition }[];
  invalid: { entry: Entry; arg: number; message: string }[];
  implicit: { entry: Entry; name: string }[];
}

/**
 * Every compiled word and definition in the statements of an http {} or stream {} body, in
 * reading order, nested blocks and includes included; `skip` leaves out statements nginx
 * would not read. A map's `key value;` pairs have compiled values, and their `~regex` keys
 * define the regex's named captures (arg -1: the key itself).
 */
export function blockReferences(body: readonly Entry[], family: Family, version: string, skip: (e: Entry) => boolean = () => false): BlockReferences {
  const out: BlockReferences = { words: [], defines: [], invalid: [], implicit: [] };
  const stack: Entry[] = [];
  for (let i = body.length - 1; i >= 0; i--) stack.push(body[i]!);
  while (stack.length) {
    const e = stack.pop()!;
    const d = e.directive;
    if (!e.context || !d.name || skip(e)) continue;
    const refs = referencesOf(d, family, version);
    for (const definition of refs.defines) out.defines.push({ entry: e, definition });
    for (const word of refs.words) out.words.push({ entry: e, word });
    for (const bad of refs.invalid) out.invalid.push({ entry: e, ...bad });
    for (const name of refs.implicit) out.implicit.push({ entry: e, name });
    if (d.name === 'map' && d.block) mapPairs(e, out);
    // A map's body is read by map itself; other raw bodies hold no statements.
    else if (e.children.length) for (let i = e.children.length - 1; i >= 0; i--) stack.push(e.children[i]!);
  }
  return out;
}

function mapPairs(map: Entry, out: BlockReferences): void {
  for (const c of map.children) {
    const d = c.directive;
    if (d.argCount !== 1 || d.name === 'include') continue;
    const value = d.argValue(0);
    if (value.includes('$')) out.words.push({ entry: c, word: { arg: 0, value, offset: 0, grammar: 'script', merge: null } });
    const regex = mapKeyRegex(d);
    if (regex) for (const name of namedCaptures(regex.pattern)) out.defines.push({ entry: c, definition: { name, arg: -1, capture: true } });
  }
}

/**
 * The statements of a configuration's http {} or stream {} body: the block's children, or, for
 * a fragment of that block (`--context http`), the fragment's top level.
 */
export function familyBodies(walk: WalkResult, family: Family, rootContext: string): { top: Entry | null; body: readonly Entry[] }[] {
  if (rootContext === family) return [{ top: null, body: walk.roots }];
  return walk.roots.filter((e) => e.directive.name === family && e.context === 'main' && e.directive.block).map((top) => ({ top, body: top.children }));
}

/** The variables a configuration defines in http {} or stream {} (set, map, geo, captures, ...): each name with its first definition. */
export function definedVariables(walk: WalkResult, family: Family, version: string, rootContext: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const { body } of familyBodies(walk, family, rootContext)) {
    for (const { entry, definition } of blockReferences(body, family, version).defines) {
      const lower = definition.name.toLowerCase();
      if (!out.has(lower)) out.set(lower, entry);
    }
  }
  return out;
}
