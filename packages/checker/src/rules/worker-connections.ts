import { defineRule } from '../rule.js';
import { AFTER_PARSE } from '../engine.js';

/** F1: worker_connections must exceed the number of listening sockets. */
export default defineRule({
  meta: {
    id: 'worker-connections',
    description: 'Fewer worker_connections than listening sockets need',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['F1'],
    docs: `Each listening socket uses one of a worker's connections, so \`worker_connections\` (default
512) must be at least the number of sockets plus one. Explicit addresses on a port that also
has a wildcard listen share its socket unless they use \`bind\` (or \`backlog=\`, \`rcvbuf=\`,
\`sndbuf=\`, \`ipv6only=\`, \`so_keepalive=\`).`,
  },
  config(ctx) {
    if ((ctx.options.context ?? 'main') !== 'main') return;
    const n = ctx.model.main.worker_connections.value;
    const sockets = ctx.model.sockets.length;
    if (!sockets || n > sockets) return;
    const d = ctx.model.main.worker_connections.directive;
    ctx.report({
      message: `${n} worker_connections are not enough for ${sockets} listening sockets`,
      file: ctx.model.main.worker_connections.file ?? ctx.set.main.path,
      line: d ? d.line : 1,
      range: d ? d.range : ctx.set.main.lines.range(0, 0),
      order: [AFTER_PARSE, 1],
    });
  },
});
