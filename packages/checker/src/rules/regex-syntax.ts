import { mapKeyRegex, regexesOf, type CompiledRegex } from '../regex/compiled-regexes.js';
import { pcreCaptureCount, pcreSyntaxError } from '../regex/pcre-syntax.js';
import { defineRule, type Report, type RuleContext } from '../rule.js';
import { contextFamily, type Entry } from '../walk.js';

const NAMES = ['location', 'server_name', 'rewrite', 'if', 'proxy_redirect', 'proxy_cookie_domain', 'proxy_cookie_path', 'proxy_cookie_flags', 'valid_referers', 'gzip_disable', 'fastcgi_split_path_info', 'map'];

/** A lone "~", with no regex after it: ngx_http_core_server_name's and ngx_http_add_regex_referer's messages. */
const EMPTY_REGEX: Record<string, string> = { server_name: 'empty regex in server name "~"', valid_referers: 'empty regex in "~"' };

/**
 * nginx compiles each regular expression of http {} and stream {} with PCRE2 as it reads the
 * statement (regex/compiled-regexes.ts lists where), and a pattern PCRE2 refuses fails the
 * configuration: `pcre2_compile() failed: missing closing parenthesis in "^/(api"`.
 */
export default defineRule({
  meta: {
    id: 'regex-syntax',
    description: 'regular expressions PCRE2 cannot compile (location ~, map ~, if, rewrite, server_name ~, ...)',
    kind: 'nginx',
    severity: 'error',
    docs: `nginx compiles every regular expression of \`http {}\` and \`stream {}\` with PCRE2 while it
reads the configuration, and stops at the first one PCRE2 refuses, with PCRE2's message:
\`pcre2_compile() failed: missing closing parenthesis in "^/(api"\`. They stand in
\`location ~\` and \`~*\`, \`server_name ~\`, \`rewrite\`, \`if ($var ~ ...)\`, a \`map\`'s \`~\` keys,
\`proxy_redirect\` and \`proxy_cookie_*\` with \`~\`, \`valid_referers ~\`, \`gzip_disable\` and
\`fastcgi_split_path_info\`.

The usual mistakes: a glob where a regex belongs (\`location ~ *.php$\`: \`*\` repeats nothing;
write \`\\.php$\`), a parenthesis or \`]\` left open, a range written backwards (\`[z-a]\`), a
group name used twice. The message names the pattern and, after \`at\`, where PCRE2 stopped.
mailconf finds these as PCRE2 10.42 does (the version nginx 1.22 uses in Debian); patterns in
extended mode (\`(?x)\`) and constructs of newer PCRE2 releases are left to nginx.

Two more checks of the same statements: \`fastcgi_split_path_info\` needs exactly two captures
(the script name and the path info: \`^(.+\\.php)(/.*)$\`), and \`server_name\` and \`valid_referers\` a
regex after a \`~\`.`,
  },
  stage: 'value',
  names: NAMES,
  appliesTo: (_spec, context) => context !== null && (context.startsWith('http') || context.startsWith('stream')),
  directive(entry, ctx) {
    const family = contextFamily(entry);
    if (family !== 'http' && family !== 'stream') return;
    const d = entry.directive;
    if (d.name === 'map') {
      if (!d.block) return;
      for (const pair of entry.children) {
        const r = mapKeyRegex(pair.directive);
        if (r) check(pair, r, ctx);
      }
      return;
    }
    const empty = EMPTY_REGEX[d.name];
    if (empty) for (let i = 0; i < d.argCount; i++) if (d.argValue(i) === '~') return ctx.report({ entry, message: empty, range: d.args[i]!.range });
    for (const r of regexesOf(d, family, ctx.version)) if (!check(entry, r, ctx)) return;
    if (d.name === 'fastcgi_split_path_info' && d.argCount === 1) {
      // The script name and the path info: exactly two captures.
      const captures = pcreCaptureCount(d.argValue(0));
      if (captures !== null && captures !== 2) ctx.report({ entry, message: `pattern "${d.argValue(0)}" must have 2 captures`, range: d.args[0]!.range });
    }
  },
});

/** Reports the regex's error, if PCRE2 would find one; returns whether it compiles. */
function check(entry: Entry, r: CompiledRegex, ctx: RuleContext): boolean {
  const error = pcreSyntaxError(r.pattern);
  if (!error) return true;
  const d = entry.directive;
  const at = error.offset < r.pattern.length ? ` at "${r.pattern.slice(error.offset)}"` : '';
  const word = r.arg < 0 ? d.nameWord : d.args[r.arg];
  const report: Report = { entry, message: `pcre2_compile() failed: ${error.message} in "${r.pattern}"${at}` };
  if (word) report.range = word.range;
  if (error.message === 'quantifier does not follow a repeatable item' && error.offset === 0 && r.pattern[0] === '*') {
    report.hint = `a regular expression, not a glob: "${r.pattern}" is probably meant as "${globHint(r.pattern)}"`;
  }
  if (error.message.startsWith('character code point value')) {
    report.hint = 'nginx compiles regexes without UTF mode: begin the pattern with (*UTF) to match characters above \\xff';
  }
  ctx.report(report);
  return false;
}

/** `*.php$` → `\.php$`: what a glob-minded pattern most likely means. */
function globHint(pattern: string): string {
  const rest = pattern.replace(/^\*+/, '');
  return rest.startsWith('.') ? `\\${rest}` : rest;
}
