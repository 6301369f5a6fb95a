import { defineRule } from '../rule.js';

const WEAK = ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1'];

/** Lint: obsolete TLS versions enabled. */
export default defineRule({
  meta: {
    id: 'weak-ssl-protocols',
    description: 'SSLv2, SSLv3, TLSv1 or TLSv1.1 enabled in ssl_protocols',
    kind: 'lint',
    severity: 'warning',
    fixable: true,
    docs: `SSLv2, SSLv3, TLS 1.0 and 1.1 are broken or deprecated (RFC 8996). Use
\`ssl_protocols TLSv1.2 TLSv1.3;\` — the default from nginx 1.27.3 on. \`--fix\` rewrites the list.`,
  },
  stage: 'value',
  names: ['ssl_protocols'],
  directive(entry, ctx) {
    const d = entry.directive;
    if (d.name !== 'ssl_protocols' || !entry.context?.startsWith('mail')) return;
    const weak = d.args.filter((a) => WEAK.some((w) => w.toLowerCase() === a.value.toLowerCase()));
    if (!weak.length) return;
    const first = d.args[0]!;
    const lastArg = d.args[d.argCount - 1]!;
    ctx.report({
      entry,
      message: `ssl_protocols enables ${weak.map((w) => w.value).join(', ')}`,
      hint: 'use "ssl_protocols TLSv1.2 TLSv1.3;"',
      fix: { description: 'use TLSv1.2 TLSv1.3', edits: [{ file: entry.file, start: first.range.start.offset, end: lastArg.range.end.offset, newText: 'TLSv1.2 TLSv1.3' }] },
    });
  },
});
