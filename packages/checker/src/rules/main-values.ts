import { defineRule } from '../rule.js';
import { DNS_HINT, hostNotFound } from '../net/dns.js';
import { cstr } from '../mail/listen.js';
import { parseCidr } from '../mail/cidr.js';
import { atoi } from '../values.js';

/**
 * The event methods of a Linux build. nginx builds select and poll only where it finds no
 * better method (or when asked to with --with-poll_module), so Linux packages have epoll alone
 * (confirmed with Debian's nginx: `use poll` and `use select` are "invalid event type").
 */
const EVENT_METHODS_LINUX = ['epoll'];
const OTHER_SYSTEMS: Record<string, string> = { kqueue: 'FreeBSD, macOS', eventport: 'Solaris', '/dev/poll': 'Solaris' };

/** Main and events directives with syntaxes of their own (worker_processes, use, thread_pool, ...). */
export default defineRule({
  meta: {
    id: 'main-values',
    description: 'A main or events value nginx rejects (worker_processes, use, worker_cpu_affinity, thread_pool, debug_connection)',
    kind: 'nginx',
    severity: 'error',
    docs: `\`worker_processes\` is a number or \`auto\` (lowercase); \`use\` names an event method built
into nginx (\`epoll\` on Linux builds: select and poll are built only on request); \`thread_pool\`
needs \`threads=\` above zero and each pool once; \`debug_connection\` takes an address, a CIDR block,
\`unix:\` or a host name (low bits set in a CIDR block are a warning).`,
  },
  stage: 'value',
  names: ['worker_processes', 'use', 'worker_cpu_affinity', 'thread_pool', 'debug_connection'],
  directive(entry, ctx) {
    const d = entry.directive;
    if (!d.argCount) return;
    const v = cstr(d.argValue(0));
    if (entry.context === 'main' && d.name === 'worker_processes') {
      if (v !== 'auto' && atoi(v) === null) ctx.report({ entry, message: '"worker_processes" directive invalid value' });
    } else if (entry.context === 'events' && d.name === 'use') {
      if (EVENT_METHODS_LINUX.includes(v)) return;
      const elsewhere = OTHER_SYSTEMS[v];
      ctx.report({ entry, message: `invalid event type "${v}"`, hint: elsewhere ? `${v} is for ${elsewhere}; nginx on Linux uses epoll` : 'nginx on Linux uses epoll' });
    } else if (entry.context === 'main' && d.name === 'worker_cpu_affinity' && v !== 'auto') {
      for (const a of d.args) {
        const bad = [...cstr(a.value)].find((c) => c !== '0' && c !== '1');
        if (bad) return ctx.report({ entry, message: `invalid character "${bad}" in "worker_cpu_affinity"` });
      }
    } else if (entry.context === 'main' && d.name === 'thread_pool') {
      threadPool(v, d.args.slice(1).map((a) => cstr(a.value)));
    } else if (entry.context === 'events' && d.name === 'debug_connection') {
      // ngx_ptocidr first; what it cannot read is looked up as a host name.
      const r = parseCidr(v);
      if (!r.ok) ctx.report({ entry, message: `host not found in debug_connection "${v}"` });
      else if (r.value.family === 'host' && hostNotFound(ctx, v)) ctx.report({ entry, message: `host not found in debug_connection "${v}"`, hint: DNS_HINT });
      else if (r.lowBits) ctx.report({ entry, message: `low address bits of ${v} are meaningless`, nginxLevel: 'warn' });
    }

    /** ngx_thread_pool: threads= above zero (required), max_queue= a number, other words ignored; each name once. */
    function threadPool(name: string, params: string[]): void {
      const defined = ctx.state('main-values:thread-pools', () => new Set<string>());
      if (defined.has(name)) return ctx.report({ entry, message: `duplicate thread pool "${name}"` });
      let threads = 0n;
      for (const p of params) {
        if (p.startsWith('threads=')) {
          const n = atoi(p.slice(8));
          if (n === null || n === 0n) return ctx.report({ entry, message: `invalid threads value "${p}"` });
          threads = n;
        } else if (p.startsWith('max_queue=') && atoi(p.slice(10)) === null) {
          return ctx.report({ entry, message: `invalid max_queue value "${p}"` });
        }
      }
      if (threads === 0n) return ctx.report({ entry, message: '"thread_pool" must have "threads" parameter' });
      defined.add(name);
    }
  },
});
