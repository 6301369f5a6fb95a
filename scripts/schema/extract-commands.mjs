#!/usr/bin/env node
/**
 * Reads nginx's `ngx_command_t` tables from its C sources and writes them as JSON: for every
 * directive its name, module, module family, contexts (from the NGX_*_CONF flags), argument
 * count (NGX_CONF_TAKE* / FLAG / 1MORE / 2MORE / ANY / NOARGS), whether it takes a block and
 * what its block body is, which standard value reader it uses (`slot`), what that reader's
 * `post` argument adds (the words of an enum or bitmask, the bounds of a number, a deprecation
 * notice), and the preprocessor conditions it is compiled under. Also the variables each http
 * and stream module defines (`ngx_http_variable_t` tables and single `ngx_*_add_variable` calls
 * on a named string), and which of them are prefixes (`$http_*`, `$arg_*`, ...).
 *
 * Usage:
 *   node scripts/schema/extract-commands.mjs --src <nginx source tree> [--out file.json]
 *   node scripts/schema/extract-commands.mjs --git <nginx .git dir> --refs <ref,ref,...> [--out file.json]
 *
 * With several refs (oldest first) the tables are merged: each distinct form of a directive
 * gets `since`/`until` versions (read from src/core/nginx.h of each ref). A form present in the
 * first ref has no `since`; one present in the last has no `until`. Refs must be on one line of
 * development (mainline), so that "since" means the same in every later version.
 *
 * The output is data about nginx (names and flags), not nginx code.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Module type → family, and per family the flag → context mapping used by ngx_conf_handler. */
const FAMILY_OF_TYPE = {
  NGX_CORE_MODULE: 'core',
  NGX_CONF_MODULE: 'conf',
  NGX_EVENT_MODULE: 'event',
  NGX_HTTP_MODULE: 'http',
  NGX_MAIL_MODULE: 'mail',
  NGX_STREAM_MODULE: 'stream',
};

const ALL_CONTEXTS = [
  'main', 'events', 'mail', 'mail:server', 'http', 'http:server', 'http:location', 'http:if-server',
  'http:if-location', 'http:limit_except', 'http:upstream', 'stream', 'stream:server', 'stream:upstream',
];

const CONTEXT_FLAGS = {
  core: { NGX_MAIN_CONF: ['main'] },
  conf: { NGX_ANY_CONF: ALL_CONTEXTS },
  event: { NGX_EVENT_CONF: ['events'] },
  http: {
    NGX_HTTP_MAIN_CONF: ['http'],
    NGX_HTTP_SRV_CONF: ['http:server'],
    NGX_HTTP_LOC_CONF: ['http:location'],
    NGX_HTTP_UPS_CONF: ['http:upstream'],
    NGX_HTTP_SIF_CONF: ['http:if-server'],
    NGX_HTTP_LIF_CONF: ['http:if-location'],
    NGX_HTTP_LMT_CONF: ['http:limit_except'],
  },
  mail: { NGX_MAIL_MAIN_CONF: ['mail'], NGX_MAIL_SRV_CONF: ['mail:server'] },
  stream: {
    NGX_STREAM_MAIN_CONF: ['stream'],
    NGX_STREAM_SRV_CONF: ['stream:server'],
    NGX_STREAM_UPS_CONF: ['stream:upstream'],
  },
};

/** Flags that do not describe contexts or arguments. */
const IGNORED_FLAGS = new Set(['NGX_DIRECT_CONF']);

const COUNT_FLAGS = {
  NGX_CONF_NOARGS: [0],
  NGX_CONF_TAKE1: [1],
  NGX_CONF_TAKE2: [2],
  NGX_CONF_TAKE3: [3],
  NGX_CONF_TAKE4: [4],
  NGX_CONF_TAKE5: [5],
  NGX_CONF_TAKE6: [6],
  NGX_CONF_TAKE7: [7],
  NGX_CONF_TAKE12: [1, 2],
  NGX_CONF_TAKE13: [1, 3],
  NGX_CONF_TAKE23: [2, 3],
  NGX_CONF_TAKE123: [1, 2, 3],
  NGX_CONF_TAKE1234: [1, 2, 3, 4],
};

/**
 * What a block directive's body is. Keyed by `module name`; bodies not listed here are
 * handled by the directive's own parser (types, map, geo, ...) and are `raw`.
 */
const BODIES = {
  'ngx_events_module events': 'events',
  'ngx_http_module http': 'http',
  'ngx_mail_module mail': 'mail',
  'ngx_stream_module stream': 'stream',
  'ngx_http_core_module server': 'http:server',
  'ngx_http_core_module location': 'http:location',
  'ngx_http_core_module limit_except': 'http:limit_except',
  'ngx_http_upstream_module upstream': 'http:upstream',
  'ngx_mail_core_module server': 'mail:server',
  'ngx_stream_core_module server': 'stream:server',
  'ngx_stream_upstream_module upstream': 'stream:upstream',
};

/** `if` opens a different context depending on where it stands. */
const BODIES_BY_CONTEXT = {
  'ngx_http_rewrite_module if': { 'http:server': 'http:if-server', 'http:location': 'http:if-location' },
};

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--src' || a === '--git' || a === '--refs' || a === '--out') opts[a.slice(2)] = argv[++i];
    else if (a === '-h' || a === '--help') opts.help = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

function listCFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const p = path.join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...listCFiles(p));
    else if (entry.endsWith('.c')) out.push(p);
  }
  return out.sort();
}

function readVersion(root) {
  const h = readFileSync(path.join(root, 'src/core/nginx.h'), 'utf8');
  const m = /#define\s+NGINX_VERSION\s+"([\d.]+)"/.exec(h);
  if (!m) throw new Error('NGINX_VERSION not found in src/core/nginx.h');
  return m[1];
}

/** Module definitions: `ngx_module_t name = { NGX_MODULE_V1, ctx, commands, type, ...`. */
function parseModules(text) {
  const modules = [];
  const re = /ngx_module_t\s+(\w+)\s*=\s*\{\s*NGX_MODULE_V1\s*,\s*[^,]+,\s*(\w+)\s*,\s*(\w+)\s*,/g;
  for (const m of text.matchAll(re)) modules.push({ name: m[1], commands: m[2], type: m[3] });
  return modules;
}

/**
 * Command arrays with the preprocessor conditions in force for each entry. Only the
 * `#if`/`#ifdef`/`#else`/`#endif` lines inside the array matter: the arrays do not sit inside
 * conditionals themselves except where the whole file is optional (a module the build omits).
 */
function parseCommandArrays(text) {
  const arrays = new Map();
  const start = /ngx_command_t\s+(\w+)\s*\[\]\s*=\s*\{/g;
  for (const m of text.matchAll(start)) {
    const body = text.slice(m.index + m[0].length, text.indexOf('ngx_null_command', m.index));
    const entries = [];
    const conds = [];
    const lines = body.split('\n');
    let pending = null; // text of the entry being read
    for (const line of lines) {
      if (preprocessor(line, conds)) continue;
      if (pending === null) {
        const s = /\{\s*ngx_string\("([^"]+)"\)\s*,(.*)$/.exec(line);
        if (!s) continue;
        pending = { name: s[1], flags: s[2], cond: [...conds] };
      } else {
        pending.flags += ' ' + line;
      }
      // `FLAGS, handler, conf, offset, post }`: the entry is read once its closing brace is.
      const close = closingBrace(pending.flags);
      if (close >= 0) {
        const fields = topLevelFields(pending.flags.slice(0, close));
        const flags = fields[0].split('|').map((f) => f.trim()).filter(Boolean);
        entries.push({ name: pending.name, flags, handler: fields[1] ?? '', post: fields[4] ?? 'NULL', cond: pending.cond });
        pending = null;
      }
    }
    arrays.set(m[1], entries);
  }
  return arrays;
}

/** Index of the `}` that closes an entry (the text starts after its `{ ngx_string("...")`), or -1. */
function closingBrace(text) {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '{') depth++;
    else if (c === ')') depth--;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** The comma-separated fields of an entry, commas inside parentheses (offsetof(t, f)) kept. */
function topLevelFields(text) {
  const out = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out.filter((f, i) => i === 0 || f !== '');
}

/**
 * What the standard readers' `post` arguments point at, by symbol, from every file of the tree
 * (a table may be defined in one module and used by another: the upstream cache methods):
 *   ngx_conf_enum_t X[] = { { ngx_string("w"), V }, ... }     → words of an enum
 *   ngx_conf_bitmask_t X[] = { { ngx_string("w"), MASK }, ... } → words of a bitmask, with their masks
 *   ngx_conf_num_bounds_t X = { ngx_conf_check_num_bounds, LOW, HIGH }
 *   ngx_conf_deprecated_t X = { ngx_conf_deprecated, "old", "new" }
 * Entries under a preprocessor condition are kept (nginx's own builds have them).
 */
export function parsePostTables(text) {
  const tables = new Map();
  for (const m of text.matchAll(/ngx_conf_(enum|bitmask)_t\s+(\w+)\s*\[\s*\]\s*=\s*\{([\s\S]*?)\n\};/g)) {
    const words = [...m[3].matchAll(/\{\s*ngx_string\("([^"]*)"\)\s*,\s*([^}]*?)\s*\}/g)].map((w) => ({ word: w[1], value: w[2].replace(/\s+/g, ' ') }));
    tables.set(m[2], m[1] === 'enum' ? { kind: 'enum', values: words.map((w) => w.word) } : { kind: 'bitmask', values: words.map((w) => w.word), masks: words.map((w) => w.value) });
  }
  for (const m of text.matchAll(/ngx_conf_num_bounds_t\s+(\w+)\s*=\s*\{\s*ngx_conf_check_num_bounds\s*,\s*(-?\d+)\s*,\s*(-?\d+)\s*\}/g)) {
    tables.set(m[1], { kind: 'bounds', low: Number(m[2]), high: Number(m[3]) });
  }
  for (const m of text.matchAll(/ngx_conf_deprecated_t\s+(\w+)\s*=\s*\{\s*ngx_conf_deprecated\s*,\s*"([^"]+)"\s*,\s*"([^"]+)"\s*\}/g)) {
    tables.set(m[1], { kind: 'deprecated', old: m[2], new: m[3] });
  }
  return tables;
}

/**
 * nginx's standard value readers (ngx_conf_set_*_slot): the checker knows each one's syntax,
 * message and "is duplicate" rule. Directives with handlers of their own get no `slot`.
 */
const SLOTS = {
  ngx_conf_set_flag_slot: 'flag',
  ngx_conf_set_num_slot: 'num',
  ngx_conf_set_size_slot: 'size',
  ngx_conf_set_off_slot: 'off',
  ngx_conf_set_msec_slot: 'msec',
  ngx_conf_set_sec_slot: 'sec',
  ngx_conf_set_str_slot: 'str',
  ngx_conf_set_enum_slot: 'enum',
  ngx_conf_set_bitmask_slot: 'bitmask',
  ngx_conf_set_bufs_slot: 'bufs',
  // A size, or a value with variables read per request (limit_rate, proxy_limit_rate, ...).
  ngx_http_set_complex_value_size_slot: 'complex-size',
  ngx_stream_set_complex_value_size_slot: 'complex-size',
  // Readers of one kind of value each, with checks of their own (the checker's slot-readers.ts).
  ngx_conf_set_access_slot: 'access',
  ngx_conf_set_path_slot: 'path',
  ngx_http_file_cache_valid_set_slot: 'cache-valid',
  ngx_http_upstream_param_set_slot: 'param',
  ngx_http_upstream_bind_set_slot: 'bind',
  // A handler of its own that reads its words as ngx_http_upstream_bind_set_slot does.
  ngx_stream_proxy_bind: 'bind',
  ngx_http_types_slot: 'types',
};

function arityOf(flags, where) {
  if (flags.includes('NGX_CONF_ANY')) return { kind: 'any' };
  if (flags.includes('NGX_CONF_FLAG')) return { kind: 'flag' };
  if (flags.includes('NGX_CONF_1MORE')) return { kind: 'min', min: 1 };
  if (flags.includes('NGX_CONF_2MORE')) return { kind: 'min', min: 2 };
  const counts = new Set();
  for (const f of flags) for (const n of COUNT_FLAGS[f] ?? []) counts.add(n);
  if (counts.size === 0) throw new Error(`${where}: no argument flag in ${flags.join('|')}`);
  return { kind: 'counts', counts: [...counts].sort((a, b) => a - b) };
}

const ARG_FLAGS = new Set([
  'NGX_CONF_ANY', 'NGX_CONF_FLAG', 'NGX_CONF_1MORE', 'NGX_CONF_2MORE', 'NGX_CONF_BLOCK',
  ...Object.keys(COUNT_FLAGS),
]);

function contextsOf(family, flags, where) {
  const map = CONTEXT_FLAGS[family];
  const out = new Set();
  for (const f of flags) {
    if (ARG_FLAGS.has(f) || IGNORED_FLAGS.has(f)) continue;
    const ctx = map[f];
    if (!ctx) throw new Error(`${where}: flag ${f} is not a ${family} context`);
    for (const c of ctx) out.add(c);
  }
  return ALL_CONTEXTS.filter((c) => out.has(c));
}

/**
 * The variables a file defines, with the preprocessor conditions in force:
 *   static ngx_http_variable_t X[] = { { ngx_string("name"), set, get, data, FLAGS, index }, ... }
 *   static ngx_str_t X = ngx_string("name");  ...  ngx_http_add_variable(cf, &X, FLAGS)
 * Variables made from configuration (set, map, geo, regex captures) are not here: the checker
 * reads those from the configuration itself.
 */
export function parseVariables(text) {
  const out = [];
  const start = /ngx_(http|stream)_variable_t\s+\w+\s*\[\]\s*=\s*\{/g;
  for (const m of text.matchAll(start)) {
    const end = text.indexOf('ngx_' + m[1] + '_null_variable', m.index);
    const conds = [];
    let pending = null;
    for (const line of text.slice(m.index + m[0].length, end).split('\n')) {
      if (preprocessor(line, conds)) continue;
      if (pending === null) {
        const s = /\{\s*ngx_string\("([^"]+)"\)(.*)$/.exec(line);
        if (!s) continue;
        pending = { name: s[1], rest: s[2], cond: [...conds] };
      } else pending.rest += ' ' + line;
      const close = closingBrace(pending.rest);
      if (close >= 0) {
        const fields = topLevelFields(pending.rest.slice(0, close));
        out.push({ name: pending.name, flags: fields[4] ?? '', cond: pending.cond });
        pending = null;
      }
    }
  }
  const named = new Map();
  for (const m of text.matchAll(/static\s+ngx_str_t\s+(\w+)\s*=\s*ngx_string\("([^"]+)"\)/g)) named.set(m[1], m[2]);
  for (const m of text.matchAll(/ngx_(?:http|stream)_add_variable\(cf,\s*&(\w+)\s*,\s*([^)]*)\)/g)) {
    if (named.has(m[1])) out.push({ name: named.get(m[1]), flags: m[2], cond: [] });
  }
  return out;
}

/** Follows one `#if`/`#ifdef`/`#else`/`#endif` line in `conds`; false when the line is not one. */
function preprocessor(line, conds) {
  const pp = /^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)$/.exec(line);
  if (!pp) return false;
  const [, kw, rest] = pp;
  const expr = rest.trim();
  if (kw === 'if') conds.push(expr);
  else if (kw === 'ifdef') conds.push(`(${expr})`);
  else if (kw === 'ifndef') conds.push(`!(${expr})`);
  else if (kw === 'else') conds.push(`!${conds.pop()}`);
  else if (kw === 'elif') {
    const prev = conds.pop();
    conds.push(`!${prev} && ${expr}`);
  } else conds.pop();
  return true;
}

/** All directives of one source tree. */
export function extractTree(root) {
  const version = readVersion(root);
  const directives = [];
  const modules = [];
  // Comments would get in the way of the simple patterns below.
  const texts = listCFiles(path.join(root, 'src')).map((file) => ({ file, text: readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, ' ') }));
  const posts = new Map();
  for (const { text } of texts) for (const [k, v] of parsePostTables(text)) posts.set(k, v);
  const refusesRepeat = new Set();
  for (const { text } of texts) for (const h of duplicateCheckingHandlers(text)) refusesRepeat.add(h);
  for (const { text } of texts) for (const h of delegatingHandlers(text, refusesRepeat)) refusesRepeat.add(h);
  const variables = [];
  for (const { file, text } of texts) {
    const defs = parseModules(text);
    const rel = path.relative(root, file).split(path.sep).join('/');
    const varFamily = /^src\/(http|stream)\//.exec(rel)?.[1];
    if (varFamily) {
      // A file without a module of its own (ngx_http_variables.c) holds the core module's variables.
      const owner = defs.find((d) => FAMILY_OF_TYPE[d.type] === varFamily)?.name ?? `ngx_${varFamily}_core_module`;
      for (const v of parseVariables(text)) {
        const rec = { name: v.name, module: owner, family: varFamily };
        // A changeable variable may be defined again by the configuration (`set $args ...`);
        // defining any other is "the duplicate ... variable".
        if (/_VAR_PREFIX\b/.test(v.flags)) rec.prefix = true;
        if (/_VAR_CHANGEABLE\b/.test(v.flags)) rec.changeable = true;
        if (v.cond.length) rec.cond = v.cond.join(' && ');
        variables.push(rec);
      }
    }
    if (defs.length === 0) continue;
    const arrays = parseCommandArrays(text);
    for (const mod of defs) {
      const family = FAMILY_OF_TYPE[mod.type];
      if (!family) throw new Error(`${rel}: unknown module type ${mod.type} of ${mod.name}`);
      modules.push({ name: mod.name, family, file: rel });
      if (mod.commands === 'NULL') continue;
      const entries = arrays.get(mod.commands);
      if (!entries) throw new Error(`${rel}: command array ${mod.commands} of ${mod.name} not found`);
      for (const e of entries) {
        const where = `${rel}: ${e.name}`;
        const block = e.flags.includes('NGX_CONF_BLOCK');
        const d = {
          name: e.name,
          module: mod.name,
          family,
          contexts: contextsOf(family, e.flags, where),
          arity: arityOf(e.flags, where),
          block,
        };
        if (block) {
          const key = `${mod.name} ${e.name}`;
          if (BODIES_BY_CONTEXT[key]) {
            d.bodyIn = BODIES_BY_CONTEXT[key];
            d.body = Object.values(BODIES_BY_CONTEXT[key]).at(-1);
          } else d.body = BODIES[key] ?? 'raw';
        }
        const slot = SLOTS[e.handler];
        if (slot) {
          d.slot = slot;
          Object.assign(d, postOf(slot, e.post, posts));
        } else if (refusesRepeat.has(e.handler)) d.once = true;
        if (e.cond.length) d.cond = e.cond.join(' && ');
        directives.push(d);
      }
    }
  }
  return { version, modules, directives, variables };
}

/** A directive handler's definition: its name and body. Shared readers (ngx_http_set_complex_value_slot) are not static; some signatures take two lines. */
const HANDLER = /\n(?:static )?char \*\n(\w+)\(ngx_conf_t \*cf, ngx_command_t \*cmd,\s+void \*conf\)\n\{\n([\s\S]*?)\n\}\n/g;

/**
 * Handlers of their own that begin by refusing a second use in the same block, as the
 * standard readers do: the first statement of the function body is
 *   if (<the field is already set>) { return "is duplicate"; }
 * (keepalive_timeout, proxy_pass, expires, try_files, ...). A test of "is unset" written as
 * `== NULL`, `== 0` or `!= 0` is left out: there the field can stay unset after a first use
 * (proxy_cookie_domain off, then a domain, is the duplicate; two domains are fine).
 */
export function duplicateCheckingHandlers(text) {
  const out = [];
  for (const m of text.matchAll(HANDLER)) {
    const body = m[2];
    const first = /^[ \t]*(if|for|while|switch|return)\b/m.exec(body);
    const check = /^[ \t]*if \(([^\n]*)\) \{\n[ \t]*return "is duplicate";\n[ \t]*\}/m.exec(body);
    if (!first || !check || first.index !== check.index) continue;
    if (/==\s*(NULL|0)\b|!=\s*0\b/.test(check[1])) continue;
    out.push(m[1]);
  }
  return out;
}

/**
 * Handlers that begin by handing the statement to one of those and return what it refused
 * (ngx_http_set_complex_value_size_slot: `rv = ngx_http_set_complex_value_slot(cf, cmd, conf);`).
 */
export function delegatingHandlers(text, once) {
  const out = [];
  for (const m of text.matchAll(HANDLER)) {
    const call = /^[ \t]*(\w+) = (\w+)\(cf, cmd, conf\);\n\s*if \(\1 != NGX_CONF_OK\) \{\n\s*return \1;/m.exec(m[2]);
    const first = /^[ \t]*(if|for|while|switch|return|\w+ = \w+\()/m.exec(m[2]);
    if (call && first && first.index === call.index && once.has(call[2])) out.push(m[1]);
  }
  return out;
}

/** What a standard reader's post argument adds to the record: `values`, `masks`, `bounds` or `deprecated`. */
function postOf(slot, post, posts) {
  const symbol = post.replace(/^&/, '').trim();
  const t = posts.get(symbol);
  if (!t) return {};
  if ((slot === 'enum' && t.kind === 'enum') || (slot === 'bitmask' && t.kind === 'bitmask')) return t.kind === 'enum' ? { values: t.values } : { values: t.values, masks: t.masks };
  if (t.kind === 'bounds' && slot === 'num') return { bounds: [t.low, t.high] };
  if (t.kind === 'deprecated') return { deprecated: { old: t.old, new: t.new } };
  return {};
}

function withGitTree(gitDir, ref, fn) {
  const dir = mkdtempSync(path.join(tmpdir(), 'nginx-src-'));
  try {
    const tar = execFileSync('git', ['--git-dir', gitDir, 'archive', ref, 'src'], { maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Merges per-version tables into records with since/until ranges. */
export function merge(trees) {
  const versions = trees.map((t) => t.version);
  const directives = withRanges(trees, (t) => t.directives, (d) => [d.module, d.name, d.family, d.contexts, d.arity, d.block, d.body, d.bodyIn, d.slot, d.values, d.masks, d.bounds, d.deprecated, d.once, d.cond]);
  const modules = withRanges(trees, (t) => t.modules, (m) => [m.name, m.family]);
  const variables = withRanges(trees, (t) => t.variables ?? [], (v) => [v.module, v.name, v.family, v.prefix, v.changeable, v.cond]);
  const byName = (a, b) => (a.module + ' ' + a.name < b.module + ' ' + b.name ? -1 : a.module + ' ' + a.name > b.module + ' ' + b.name ? 1 : 0);
  directives.sort(byName);
  variables.sort(byName);
  modules.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { versions, modules, directives, variables };
}

/**
 * The distinct records of every tree (as `keyOf` tells them apart), each with the versions it
 * is present in as `since`/`until` ranges: none in the first ref has no `since`, one in the
 * last has no `until`, and a record that leaves and comes back gets one copy per range.
 */
function withRanges(trees, pick, keyOf) {
  const versions = trees.map((t) => t.version);
  const seen = new Map(); // key → { record, present: boolean[] }
  trees.forEach((t, i) => {
    for (const r of pick(t)) {
      const k = JSON.stringify(keyOf(r));
      if (!seen.has(k)) seen.set(k, { record: r, present: versions.map(() => false) });
      seen.get(k).present[i] = true;
    }
  });
  const out = [];
  for (const { record, present } of seen.values()) {
    for (let i = 0; i < present.length; i++) {
      if (!present[i] || (i > 0 && present[i - 1])) continue;
      let j = i;
      while (j + 1 < present.length && present[j + 1]) j++;
      const r = {};
      if (i > 0) r.since = versions[i];
      if (j < present.length - 1) r.until = versions[j + 1];
      out.push({ ...record, ...r });
    }
  }
  return out;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help || (!opts.src && !(opts.git && opts.refs))) {
    console.error('usage: extract-commands.mjs (--src DIR | --git GITDIR --refs REF[,REF...]) [--out FILE]');
    process.exit(opts.help ? 0 : 2);
  }
  let trees;
  if (opts.src) trees = [extractTree(opts.src)];
  else {
    trees = opts.refs.split(',').map((ref) => {
      const t = withGitTree(opts.git, ref, extractTree);
      console.error(`${ref}: nginx ${t.version}, ${t.modules.length} modules, ${t.directives.length} directives, ${t.variables.length} variables`);
      return t;
    });
  }
  const merged = merge(trees);
  const json = JSON.stringify(
    { source: 'nginx/nginx ngx_command_t and ngx_*_variable_t tables', generator: 'scripts/schema/extract-commands.mjs', ...merged },
    null,
    0,
  )
    // One record per line keeps diffs of regenerated data readable.
    .replace(/\},\{"name"/g, '},\n{"name"');
  if (opts.out) writeFileSync(opts.out, json + '\n');
  else process.stdout.write(json + '\n');
}

// Runs as a script; tests import extractTree and merge.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
