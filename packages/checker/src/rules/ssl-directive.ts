import { atLeast } from '../version.js';
import { defineRule } from '../rule.js';
import type { Fix } from '../diagnostic.js';
import type { Entry } from '../walk.js';

/** D7: the `ssl` directive of mail and http is deprecated (1.15.0) and removed in 1.25.1. */
export default defineRule({
  meta: {
    id: 'ssl-directive-deprecated',
    description: 'The deprecated `ssl on|off` directive (use `listen ... ssl`)',
    kind: 'nginx',
    severity: 'warning',
    nginxChecks: ['D7'],
    fixable: true,
    docs: `\`ssl on\` (in mail and in http) was deprecated in nginx 1.15.0 and removed in 1.25.1, where it is an
unknown directive. Put \`ssl\` on the \`listen\` instead (\`listen 993 ssl;\`). \`--fix\` does that when the
directive is in a mail server: it adds \`ssl\` to the server's listens and removes \`ssl on\` (not in http, where an address
and its \`ssl\` are shared by every server listening on it).`,
  },
  stage: 'value',
  names: ['ssl'],
  directive(entry, ctx) {
    const d = entry.directive;
    if (d.name !== 'ssl' || !(entry.context?.startsWith('mail') || entry.context?.startsWith('http')) || d.argCount !== 1) return;
    if (atLeast(ctx.version, '1.25.1')) return;
    const fix = d.argValue(0).toLowerCase() === 'on' ? listenSslFix(entry, ctx.set.files.get(entry.file)?.source ?? '') : null;
    ctx.report({
      entry,
      message: 'the "ssl" directive is deprecated, use the "listen ... ssl" directive instead',
      nginxLevel: 'warn',
      ...(fix ? { fix } : {}),
    });
  },
});

function listenSslFix(entry: Entry, source: string): Fix | null {
  const server = entry.parent;
  // Only in mail: an http address is shared by every server that listens on it, so "ssl" on one
  // server's listen would change the others.
  if (!server || entry.context !== 'mail:server') return null;
  const listens = server.children.filter((c) => c.directive.name === 'listen');
  // Every listen must be in this file: one in an included file (perhaps shared with other
  // servers) would be left without ssl, and serve plaintext where ssl on made it TLS.
  if (!listens.length || listens.some((l) => l.file !== entry.file)) return null;
  const edits: Fix['edits'] = [];
  for (const l of listens) {
    if (l.directive.args.some((a) => a.value === 'ssl')) continue;
    const first = l.directive.args[0];
    if (!first) return null;
    edits.push({ file: entry.file, start: first.range.end.offset, end: first.range.end.offset, newText: ' ssl' });
  }
  const d = entry.directive;
  let start = d.range.start.offset;
  let end = d.range.end.offset;
  while (start > 0 && (source[start - 1] === ' ' || source[start - 1] === '\t')) start--;
  if (source[end] === '\r') end++;
  if (source[end] === '\n') end++;
  edits.push({ file: entry.file, start, end, newText: '' });
  return { description: 'replace "ssl on" with "listen ... ssl"', edits };
}
