import { defineRule } from '../rule.js';
import { cstr } from '../mail/listen.js';
import { atoi } from '../values.js';

const EVENT_METHODS_LINUX = ['epoll', 'poll'];

/** Main and events directives with syntaxes of their own (worker_processes, use, ...). */
export default defineRule({
  meta: {
    id: 'main-values',
    description: 'A main or events value nginx rejects (worker_processes, use, worker_cpu_affinity, ...)',
    kind: 'nginx',
    severity: 'error',
    docs: `\`worker_processes\` is a number or \`auto\` (lowercase); \`use\` names an event method built
into nginx (\`epoll\` or \`poll\` on Linux builds).`,
  },
  stage: 'value',
  names: ['worker_processes', 'use', 'worker_cpu_affinity'],
  directive(entry, ctx) {
    const d = entry.directive;
    if (!d.args.length) return;
    const v = cstr(d.args[0]!.value);
    if (entry.context === 'main' && d.name === 'worker_processes') {
      if (v !== 'auto' && atoi(v) === null) ctx.report({ entry, message: '"worker_processes" directive invalid value' });
    } else if (entry.context === 'events' && d.name === 'use') {
      if (!EVENT_METHODS_LINUX.includes(v)) ctx.report({ entry, message: `invalid event type "${v}"` });
    } else if (entry.context === 'main' && d.name === 'worker_cpu_affinity' && v !== 'auto') {
      for (const a of d.args) {
        const bad = [...cstr(a.value)].find((c) => c !== '0' && c !== '1');
        if (bad) return ctx.report({ entry, message: `invalid character "${bad}" in "worker_cpu_affinity"` });
      }
    }
  },
});
