import { defineRule } from '../rule.js';
import { removeStatementFix } from '../fixes.js';
import type { Directive } from '@mailconf/syntax';
import type { Entry } from '../walk.js';

/** A6, B1: a directive that may be set once per level, set again at the same level. */
export default defineRule({
  meta: {
    id: 'duplicate-directive',
    description: 'A directive set twice at the same level',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['A6', 'B1', 'E6'],
    fixable: true,
    docs: `Most directives may be set once per level: a second \`timeout\` in the same \`server {}\` is
\`"timeout" directive is duplicate\`. Setting a value in \`mail {}\` and again in a \`server {}\` is
fine (the server's wins). The same holds in every module: directives read by nginx's standard
readers (\`sendfile\`, \`keepalive_requests\`, \`proxy_read_timeout\` ...) and those whose own handler
refuses a second use (\`keepalive_timeout\`, \`proxy_pass\`, \`try_files\`, \`expires\`, \`resolver\`,
\`http {}\` ...). List directives (capabilities, \`ssl_certificate\`, \`auth_http_header\`)
append instead; \`auth_http\` and \`protocol\` silently take the last value.
When both statements are identical, \`--fix\` removes the second.`,
  },
  stage: 'value',
  directive(entry, ctx) {
    if (!entry.spec || entry.spec.repeat !== 'error') return;
    const seen = ctx.state('duplicate-directive', newLevels);
    let level = seen.get(entry.parent);
    if (!level) seen.set(entry.parent, (level = new Map()));
    const d = entry.directive;
    const first = level.get(d.name);
    if (!first) {
      level.set(d.name, entry);
      return;
    }
    const same =
      !d.block && first.directive.argCount === d.argCount && sameValues(first.directive, d);
    const file = ctx.set.files.get(entry.file);
    ctx.report({
      entry,
      message: `"${d.name}" directive is duplicate`,
      hint: `first set on line ${first.directive.line}${first.file !== entry.file ? ` of ${first.file.split(/[\\/]/).pop()}` : ''}`,
      ...(same && file ? { fix: removeStatementFix(entry, file.source, `remove the repeated "${d.name}"`) } : {}),
    });
  },
});

function sameValues(a: Directive, b: Directive): boolean {
  for (let i = 0; i < a.argCount; i++) if (a.argValue(i) !== b.argValue(i)) return false;
  return true;
}

/** Module-level, so the hot path does not make a closure per statement. */
function newLevels(): Map<Entry | null, Map<string, Entry>> {
  return new Map();
}
