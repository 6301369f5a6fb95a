import { defineRule } from '../rule.js';
import { cstr } from '../mail/listen.js';
import { parseSessionCache } from '../mail/session-cache.js';
import type { Entry } from '../walk.js';

/** E4, E5: ssl_session_cache values and shared zone sizes. */
export default defineRule({
  meta: {
    id: 'ssl-session-cache',
    description: 'An ssl_session_cache value nginx rejects, or a shared zone declared with two sizes',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['E4', 'E5'],
    docs: `\`ssl_session_cache\` takes up to two of \`off\`, \`none\`, \`builtin[:size]\`,
\`shared:name:size\`. A shared zone needs a name and a size of at least 32k (8 pages), and one
name may only be declared with one size across the whole configuration.`,
  },
  stage: 'value',
  names: ['ssl_session_cache'],
  directive(entry, ctx) {
    const d = entry.directive;
    if (d.name !== 'ssl_session_cache' || !entry.context?.startsWith('mail')) return;
    const zones = ctx.state('ssl-session-cache', () => new Map<string, { size: number; entry: Entry }>());
    for (const a of d.args) {
      const r = parseSessionCache(cstr(a.value));
      if (!r.ok) return ctx.report({ entry, message: r.error, range: a.range, line: d.line });
      if (r.shared) {
        const prev = zones.get(r.shared.name);
        if (prev && prev.size !== r.shared.size) {
          return ctx.report({
            entry,
            message: `the size ${r.shared.size} of shared memory zone "${r.shared.name}" conflicts with already declared size ${prev.size}`,
            range: a.range,
            line: d.line,
          });
        }
        if (!prev) zones.set(r.shared.name, { size: r.shared.size, entry });
      }
    }
  },
});
