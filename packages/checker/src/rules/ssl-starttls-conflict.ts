import { atLeast } from '../version.js';
import { defineRule } from '../rule.js';
import type { Entry } from '../walk.js';

/** D6: `ssl on` and `starttls on|only` at the same level (1.22.1; `ssl` is gone later). */
export default defineRule({
  meta: {
    id: 'ssl-starttls-conflict',
    description: '`ssl on` and `starttls` set at the same level',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['D6'],
    docs: `Before 1.25.1, \`ssl on\` and \`starttls on|only\` in the same block conflict: a connection is
either TLS from the start or upgraded with STARTTLS. Use \`listen ... ssl\` for the implicit-TLS
port and \`starttls\` for the plaintext one, in separate servers.`,
  },
  stage: 'value',
  names: ['ssl', 'starttls'],
  directive(entry, ctx) {
    const d = entry.directive;
    if ((d.name !== 'ssl' && d.name !== 'starttls') || !entry.context?.startsWith('mail') || d.argCount !== 1) return;
    if (atLeast(ctx.version, '1.25.1')) return;
    const state = ctx.state('ssl-starttls-conflict', () => new Map<Entry | null, { ssl?: boolean; starttls?: boolean }>());
    let level = state.get(entry.parent);
    if (!level) state.set(entry.parent, (level = {}));
    const v = d.argValue(0).toLowerCase();
    if (d.name === 'ssl') {
      if (v === 'on' && level.starttls) return ctx.report({ entry, message: '"starttls" directive conflicts with "ssl on"' });
      if (v === 'on') level.ssl = true;
    } else {
      if ((v === 'on' || v === 'only') && level.ssl) return ctx.report({ entry, message: '"ssl" directive conflicts with "starttls"' });
      if (v === 'on' || v === 'only') level.starttls = true;
    }
  },
});
