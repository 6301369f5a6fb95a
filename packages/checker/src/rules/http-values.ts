import type { Directive } from '@mailconf/syntax';
import { parseCidr } from '../mail/cidr.js';
import { cstr } from '../mail/listen.js';
import { defineRule } from '../rule.js';
import { atoi, timeMs, timeSec } from '../values.js';
import { readIfCondition } from '../variables/if-condition.js';
import { contextFamily, type Entry } from '../walk.js';

/** A value with a variable is compiled, and read per request: nothing to check now (ngx_http_compile_complex_value). */
const hasVariable = (s: string) => s.includes('$');

/**
 * The values of the most used http (and stream) directives whose handlers are nginx's own
 * rather than a standard reader, with the handlers' messages: each case follows the handler
 * in nginx's sources, in its order.
 */
export default defineRule({
  meta: {
    id: 'http-values',
    description: 'Values of common http and stream directives nginx reads with handlers of their own (error_page, return, expires, keepalive_timeout, add_header, allow, deny, if, rewrite, index, root, alias, try_files)',
    kind: 'nginx',
    severity: 'error',
    docs: `A mail proxy's nginx.conf usually has an \`http {}\` too, and \`nginx -t\` stops at its mistakes
as well. Besides the standard value kinds (invalid-value), these directives are checked as their
own handlers read them:
- \`error_page\`: codes from 300 to 599 (not 499), an optional \`=code\` before the URI;
- \`return\`: a code up to 999, or a URL starting with \`http://\`, \`https://\` or \`$scheme\`;
- \`expires\`: \`epoch\`, \`max\`, \`off\`, or a time with \`+\`, \`-\` or \`@\` (daily, under 24 hours), after an optional \`modified\`;
- \`keepalive_timeout\`: a time, then optionally the \`Keep-Alive: timeout=\` seconds;
- \`add_header\`, \`add_trailer\`: a third word can only be \`always\`;
- \`rewrite\`: a replacement, and a flag among \`last\`, \`break\`, \`redirect\`, \`permanent\`;
- \`index\`: no empty name, and only the last one absolute (a warning);
- \`try_files\`: a last word \`=code\` has a code up to 999;
- \`root\`, \`alias\`: one of the two per block, no \`alias\` in a named location, and neither may use
  \`$document_root\` or \`$realpath_root\` (which they define);
- \`if\`: a condition in parentheses, \`$variable\` alone, compared with \`=\`, \`!=\`, \`~\`, \`~*\`, \`!~\`,
  \`!~*\`, or a file test \`-f\`, \`-d\`, \`-e\`, \`-x\` (and \`!-f\` ...);
- \`allow\`, \`deny\` (http and stream): an address, a CIDR block, \`unix:\` or \`all\` — not a host
  name; a block with bits set below its prefix is a warning.
Values holding variables are read per request and not checked.`,
  },
  stage: 'value',
  names: ['error_page', 'return', 'expires', 'keepalive_timeout', 'add_header', 'add_trailer', 'allow', 'deny', 'if', 'root', 'alias', 'rewrite', 'index', 'try_files'],
  directive(entry, ctx) {
    const d = entry.directive;
    const family = contextFamily(entry);
    if (family !== 'http' && !(family === 'stream' && (d.name === 'allow' || d.name === 'deny'))) return;
    if (!d.argCount) return;
    const fail = (message: string, at?: number, order?: readonly number[]) => ctx.report({ entry, message, line: d.line, range: at === undefined ? d.range : d.args[at]!.range, order });
    const arg = (i: number) => cstr(d.argValue(i));
    switch (d.name) {
      case 'if': {
        const c = readIfCondition(d);
        if (c.error) fail(c.error, c.errorArg);
        return;
      }
      case 'root':
      case 'alias': {
        // One document root per block, given by root or by alias (ngx_http_core_root).
        const roots = ctx.state('http-values:roots', () => new Map<Entry | null, string>());
        const earlier = roots.get(entry.parent);
        if (earlier === d.name) return fail(`"${d.name}" directive is duplicate`);
        if (earlier) return fail(`"${d.name}" directive is duplicate, "${earlier}" directive was specified earlier`);
        if (d.name === 'alias' && entry.parent?.directive.name === 'location' && entry.parent.directive.argCount === 1 && entry.parent.directive.argValue(0).startsWith('@')) {
          return fail('the "alias" directive cannot be used inside the named location');
        }
        for (const v of ['document_root', 'realpath_root']) {
          if (arg(0).includes(`$${v}`) || arg(0).includes(`\${${v}}`)) return fail(`the $${v} variable cannot be used in the "${d.name}" directive`);
        }
        roots.set(entry.parent, d.name);
        return;
      }
      case 'rewrite': {
        if (d.argCount < 2) return;
        if (!d.argValue(1)) return fail('empty replacement', 1);
        // The flag is read before the replacement is compiled (its variables' errors come after).
        if (d.argCount === 3 && !['last', 'break', 'redirect', 'permanent'].includes(d.argValue(2))) {
          ctx.report({ entry, message: `invalid parameter "${d.argValue(2)}"`, line: d.line, range: d.args[2]!.range, order: [entry.seq, -1] });
        }
        return;
      }
      case 'index':
        for (let i = 0; i < d.argCount; i++) {
          const v = d.argValue(i);
          if (v.startsWith('/') && i !== d.argCount - 1) {
            ctx.report({ entry, message: 'only the last index in "index" directive should be absolute', line: d.line, range: d.args[i]!.range, nginxLevel: 'warn', severity: 'warning' });
          }
          // nginx's message names the first index, whichever is empty.
          if (!v) return fail(`index "${d.argValue(0)}" in "index" directive is invalid`, i);
        }
        return;
      case 'try_files': {
        // ngx_http_try_files reads the code after the "=" of the last word. A word without
        // variables has had a NUL appended by then, one with variables has not, so nginx reads
        // (and names) one character less of the latter: "=$status" gives invalid code "=$statu".
        const last = arg(d.argCount - 1);
        if (d.argCount < 2 || !last.startsWith('=')) return;
        const cut = last.includes('$') ? 1 : 0;
        const code = atoi(last.slice(1, last.length - cut));
        if (code === null || code > 999n) fail(`invalid code "${last.slice(0, last.length - cut)}"`, d.argCount - 1);
        return;
      }
      case 'keepalive_timeout':
        if (timeMs(arg(0)) === null || (d.argCount > 1 && timeSec(arg(1)) === null)) fail('"keepalive_timeout" directive invalid value');
        return;
      case 'error_page':
        return errorPage(d, arg, fail, entry.seq);
      case 'return': {
        const code = atoi(arg(0));
        if (code === null) {
          if (d.argCount === 1 && /^(https?:\/\/|\$scheme)/.test(arg(0))) return;
          return fail(`invalid return code "${arg(0)}"`, 0);
        }
        if (code > 999n) fail(`invalid return code "${arg(0)}"`, 0);
        return;
      }
      case 'expires': {
        let modified = false;
        if (d.argCount === 2) {
          if (arg(0) !== 'modified') return fail('"expires" directive invalid value');
          modified = true;
        }
        const v = arg(d.argCount - 1);
        if (hasVariable(v)) return;
        const err = expiresError(v, modified);
        if (err) fail(`"expires" directive ${err}`);
        return;
      }
      case 'add_header':
      case 'add_trailer':
        if (d.argCount === 3 && arg(2) !== 'always') fail(`invalid parameter "${arg(2)}"`, 2);
        return;
      case 'allow':
      case 'deny': {
        const v = arg(0);
        if (v === 'all' || v === 'unix:') return;
        const r = parseCidr(v, false);
        if (!r.ok) return fail(`invalid parameter "${v}"`, 0);
        if (r.lowBits) ctx.report({ entry, message: `low address bits of ${v} are meaningless`, nginxLevel: 'warn', severity: 'warning', line: d.line, range: d.args[0]!.range });
        return;
      }
    }
  },
});

/**
 * ngx_http_core_error_page: `code ... [=[response]] uri`. It reads the `=response` first, then
 * compiles the URI (the variables rule reports its errors), then reads the codes: a code's
 * error comes after the URI's in nginx's order, though it stands before it.
 */
function errorPage(d: Directive, arg: (i: number) => string, fail: (message: string, at?: number, order?: readonly number[]) => void, seq: number): void {
  const last = d.argCount - 1;
  let codes = last;
  const answer = arg(last - 1);
  if (answer.startsWith('=')) {
    if (last - 1 === 0) return fail(`invalid value "${answer}"`, 0);
    if (answer.length > 1 && atoi(answer.slice(1)) === null) return fail(`invalid value "${answer}"`, last - 1);
    codes = last - 1;
  }
  const afterUri = [seq, 1];
  for (let i = 0; i < codes; i++) {
    const n = atoi(arg(i));
    if (n === null || n === 499n) return fail(`invalid value "${arg(i)}"`, i, afterUri);
    if (n < 300n || n > 599n) return fail(`value "${arg(i)}" must be between 300 and 599`, i, afterUri);
  }
}

/** ngx_http_parse_expires: null, or the text nginx gives after the directive's name. */
function expiresError(value: string, modified: boolean): string | null {
  if (!modified && (value === 'epoch' || value === 'max' || value === 'off')) return null;
  let v = value;
  let daily = false;
  if (v.startsWith('@')) {
    if (modified) return 'daily time cannot be used with "modified" parameter';
    daily = true;
    v = v.slice(1);
  } else if (v.startsWith('+') || v.startsWith('-')) v = v.slice(1);
  const t = timeSec(v);
  if (t === null) return 'invalid value';
  if (daily && t > 24n * 60n * 60n) return 'daily time value must be less than 24 hours';
  return null;
}
