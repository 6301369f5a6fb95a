import { defineRule } from '../rule.js';
import { cstr } from '../mail/listen.js';
import { parseSessionCache } from '../mail/session-cache.js';
import { contextFamily } from '../walk.js';
import { addZone } from '../zones.js';

/** E4, E5: ssl_session_cache values and shared zone sizes. */
export default defineRule({
  meta: {
    id: 'ssl-session-cache',
    description: 'An ssl_session_cache value nginx rejects, or a shared zone declared with two sizes or for two uses',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['E4', 'E5'],
    docs: `\`ssl_session_cache\` takes up to two of \`off\`, \`none\`, \`builtin[:size]\`,
\`shared:name:size\`. A shared zone needs a name and a size of at least 32k (8 pages), and one
name may only be declared with one size across the whole configuration — nor be used by
another module: \`shared:SSL:10m\` in \`http {}\` and again in \`mail {}\` are two different
uses of one zone for nginx (see shared-memory-zone). Checked in \`mail\`, \`http\` and \`stream\`,
whose handlers are the same.`,
  },
  stage: 'value',
  names: ['ssl_session_cache'],
  directive(entry, ctx) {
    const d = entry.directive;
    // The same handler in the mail, http and stream ssl modules; each module owns its zones.
    const family = contextFamily(entry);
    if (d.name !== 'ssl_session_cache' || (family !== 'mail' && family !== 'http' && family !== 'stream')) return;
    for (const a of d.args) {
      const r = parseSessionCache(cstr(a.value));
      if (!r.ok) return ctx.report({ entry, message: r.error, range: a.range, line: d.line });
      if (r.shared) {
        const added = addZone(ctx, r.shared.name, r.shared.size, `${family}_ssl`, entry);
        if ('error' in added) return ctx.report({ entry, message: added.error, range: a.range, line: d.line });
      }
    }
  },
});
