import { compareVersions, variableRecords } from '@mailconf/schema';
import { SourceRange, type Range } from '@mailconf/syntax';
import { defineRule, type RuleContext } from '../rule.js';
import { suggestion } from '../suggest.js';
import { compareOrder } from '../diagnostic.js';
import { HTTP_PHASE, mergeOrder } from '../http-phases.js';
import { blockReferences, familyBodies, type CompiledWord, type Family, type MergeGroup } from '../variables/references.js';
import { scanScript } from '../variables/script.js';
import { seesWholeConfiguration } from '../whole-configuration.js';
import type { Entry } from '../walk.js';


interface Use {
  name: string;
  entry: Entry;
  range: Range;
  /**
   * Where nginx compiles it: null while reading; else the order key of the merge that does
   * (after every statement is read: by module, block and step).
   */
  merged: number[] | null;
  hint?: string;
}

/**
 * nginx's checks of the variables in http and stream: every `$name` in a word nginx compiles
 * must be a variable some module or the configuration defines, references must be well formed,
 * and the configuration must not define a built-in variable again.
 */
export default defineRule({
  meta: {
    id: 'variables',
    description: 'Unknown variables, malformed `$` references, and built-in variables defined again (http and stream)',
    kind: 'nginx',
    severity: 'error',
    docs: `A mail proxy's nginx.conf often serves its own \`auth_http\` endpoint from an \`http {}\` block,
and \`nginx -t\` fails on the variables there as well:
- \`unknown "name" variable\`: a \`$name\` in a value nginx compiles (return, add_header, proxy_pass,
  proxy_set_header, log_format, set, map, if, ...) that no module of the build and no \`set\`,
  \`map\`, \`geo\`, \`split_clients\`, \`auth_request_set\` or named regex capture \`(?<name>...)\`
  defines anywhere in the block. Prefixes such as \`$http_*\`, \`$arg_*\`, \`$cookie_*\`,
  \`$sent_http_*\` and \`$upstream_http_*\` are variables whatever follows. nginx names only the first
  unknown variable, without a line; mailconf points at every use. \`$geoip_*\` needs the geoip
  module, which Debian's nginx-light does not have.
- \`invalid variable name\`: a \`$\` with no name after it (\`"cost: $ 5"\`), and \`the closing bracket in
  "name" variable is missing\` for \`\${name\` without \`}\`. There is no way to escape a \`$\`; a
  literal one can come from a variable (\`geo $dollar { default "$"; }\`).
- \`the duplicate "host" variable\`: \`set\`, \`map\`, a regex capture or another definition of a
  built-in variable that cannot be changed (\`$host\`, \`$remote_addr\`, \`$uri\`, ...); \`$args\` and
  \`$limit_rate\` may be set.
- \`invalid variable name "backend"\`: \`set\`, \`map\`, \`geo\`, \`split_clients\` and \`auth_request_set\`
  define a \`$name\`, not a bare word.
Only the words nginx compiles are read: \`$\` at the end of a \`location ~ \\.php$\` regex, in
\`server_name\` or in a \`map\` key is text. Values nginx compiles when it merges the blocks
(\`proxy_set_header\`, \`fastcgi_param\`, \`proxy_set_body\`, \`ssl_certificate\`) count where a merge
compiles them: one in \`http {}\` that every server replaces with its own is never compiled.`,
  },
  config(ctx) {
    const root = ctx.options.context ?? 'main';
    for (const family of ['http', 'stream'] as const) for (const { top, body } of familyBodies(ctx.walk, family, root)) check(ctx, body, top, family);
  },
});

/** The variables of one http {} or stream {} block (`top`; null for a fragment of one). */
function check(ctx: RuleContext, body: readonly Entry[], top: Entry | null, family: Family): void {
  const builtin = ctx.profile.moduleVariables(family);
  const defined = new Set<string>();
  const uses: Use[] = [];
  const refs = blockReferences(body, family, ctx.version, (e) => ctx.invalid.has(e));
  for (const { entry, arg, message } of refs.invalid) ctx.report({ entry, message, range: entry.directive.args[arg]!.range });
  for (const { entry, definition } of refs.defines) {
    const lower = definition.name.toLowerCase();
    if (builtin.names.has(lower) && !builtin.changeable.has(lower)) {
      const d = entry.directive;
      ctx.report({ entry, message: `the duplicate "${definition.name}" variable`, range: definition.arg < 0 ? d.nameWord!.range : d.args[definition.arg]!.range });
    }
    defined.add(lower);
  }
  const compiledAt = mergeTimes(ctx, body, top, family);
  for (const { entry, word } of refs.words) {
    if (!word.merge) readWord(ctx, entry, word, uses, null);
    else {
      // Compiled by a merge, if one reaches it (an http-level value every server replaces is never compiled).
      const at = compiledAt(entry, word.merge);
      if (at) readWord(ctx, entry, word, uses, at);
    }
  }
  for (const { entry, name } of refs.implicit) {
    uses.push({ name, entry, range: entry.directive.nameWord!.range, merged: null, hint: `${entry.directive.name} reads its key from $${name}: set it, e.g. "set $${name} $uri;"` });
  }

  // Which names are unknown needs every definition of the block: a whole configuration only.
  if (!top || !seesWholeConfiguration(ctx)) return;
  const known = (lower: string) => defined.has(lower) || builtin.names.has(lower) || builtin.prefixes.some((p) => lower.startsWith(p));
  const candidates = [...builtin.names, ...defined];
  // nginx indexes variables in the order it compiles them: every statement as read, then the
  // values the merges compile; it reports the first unknown one when the block is done.
  const ordered = [...uses.filter((u) => !u.merged).sort((x, y) => x.entry.seq - y.entry.seq), ...uses.filter((u) => u.merged).sort((x, y) => compareOrder(x.merged!, y.merged!))];
  ordered.forEach((u, k) => {
    const lower = u.name.toLowerCase();
    if (known(lower)) return;
    ctx.report({
      entry: u.entry,
      message: `unknown "${lower}" variable`,
      range: u.range,
      hint: u.hint ?? elsewhere(ctx, family, lower) ?? suggestion(lower, candidates, 1),
      order: [top.endSeq, HTTP_PHASE.variables, k],
    });
  });
}

/**
 * Where a merge compiles a value: the order key of the first block whose merge compiles it, or
 * null when none does. A server's or location's own statement is compiled when that block is
 * merged; one at the top level only in a server that has none of the group of its own (with
 * none, it is never compiled). Before 1.25.5, stream's ssl module merges certificates only in
 * servers that listen with ssl.
 */
function mergeTimes(ctx: RuleContext, body: readonly Entry[], top: Entry | null, family: Family): (e: Entry, m: MergeGroup) => number[] | null {
  const servers = body.filter((c) => c.directive.name === 'server' && c.directive.block);
  const listensSsl = (server: Entry) => server.children.some((c) => c.directive.name === 'listen' && c.directive.args.some((a, i) => i > 0 && a.value === 'ssl'));
  const sslOnly = family === 'stream' && compareVersions(ctx.version, '1.25.5') < 0;
  return (e, m) => {
    const merging = (server: Entry) => !(sslOnly && m.module === 'ssl') || listensSsl(server);
    const block = e.parent;
    // A fragment's top level: its servers are not all seen.
    if (!top && !block) return null;
    if (!top) return [];
    if (block === top || !block) {
      const server = servers.find((s) => merging(s) && !s.children.some((c) => c.directive.name === m.group));
      return server ? mergeOrder(top, m.module, server.seq, m.step) : null;
    }
    let server: Entry = block;
    while (server.parent && server.parent !== top) server = server.parent;
    return merging(server) ? mergeOrder(top, m.module, block.seq, m.step) : null;
  };
}

/**
 * Why a name nginx has elsewhere is unknown here: a module the build lacks (`$geoip_*` without
 * the geoip module), or another nginx version (`$request_port` from 1.29.3).
 */
function elsewhere(ctx: RuleContext, family: Family, lower: string): string | undefined {
  const records = variableRecords(family, lower);
  const loaded = records.filter((r) => ctx.profile.modules.includes(r.module));
  const version = loaded.find((r) => r.since || r.until);
  if (version) return version.since ? `a variable of nginx ${version.since} and later` : `a variable of nginx before ${version.until}`;
  if (records.length && !loaded.length) return `a variable of ${records[0]!.module}, which this nginx build (${ctx.profile.build}) does not have`;
  return undefined;
}

/** The variables of one compiled word, and nginx's error for a malformed reference. */
function readWord(ctx: RuleContext, e: Entry, w: CompiledWord, uses: Use[], merged: number[] | null): void {
  const d = e.directive;
  const word = d.args[w.arg]!;
  // Where a character of the value stands in the file: exact when the word has no escapes.
  const base = word.range;
  const inner = word.quote ? word.raw.slice(1, word.raw.endsWith(word.quote) && word.raw.length > 1 ? -1 : undefined) : word.raw;
  const exact = inner === word.value;
  const lines = ctx.set.files.get(e.file)?.lines;
  const at = (from: number, length: number): Range => {
    if (!exact || !lines) return base;
    const start = (base as SourceRange).startOffset + (word.quote ? 1 : 0) + w.offset + from;
    return new SourceRange(lines, start, start + length);
  };
  if (w.grammar === 'name') {
    // A lone `$`: ngx_http_get_variable_index refuses the empty name.
    if (w.value.length < 2) return ctx.report({ entry: e, message: 'invalid variable name "$"', range: base });
    uses.push({ name: w.value.slice(1), entry: e, range: at(0, w.value.length), merged });
    return;
  }
  const scan = scanScript(w.value, w.grammar === 'log');
  for (const v of scan.variables) {
    const braced = w.value.charCodeAt(v.at + 1) === 123;
    const use: Use = { name: v.name, entry: e, range: at(v.at, v.name.length + (braced ? 3 : 1)), merged };
    if (w.grammar === 'log' && /^[1-9]/.test(v.name)) use.hint = `log_format has no regex captures: "$${v.name}" is a variable named "${v.name}"`;
    uses.push(use);
  }
  if (!scan.error) return;
  // A value compiled by a merge fails after the block is read: nginx names the line of its "}".
  let top = e;
  while (top.parent) top = top.parent;
  const close = top.directive.block?.close;
  if (merged && merged.length && close) ctx.report({ entry: e, message: scan.error, range: base, line: close.start.line, order: merged });
  else ctx.report({ entry: e, message: scan.error, range: base });
}
