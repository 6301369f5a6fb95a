import { HTTP_PHASE } from '../http-phases.js';
import { blockServers } from '../http-servers.js';
import { defineRule } from '../rule.js';
import { atLeast } from '../version.js';

/** The directives that give a stream server its handler (ngx_stream_proxy_pass, _return, _pass). */
const HANDLERS = new Set(['proxy_pass', 'return', 'pass']);

/** Up to 1.27.0 a stream server must say what to do with its connections. */
export default defineRule({
  meta: {
    id: 'stream-server-handler',
    description: 'A stream server with nothing to do with its connections (no proxy_pass, return or pass), up to 1.27.0',
    kind: 'nginx',
    severity: 'error',
    docs: `Up to 1.27.0 every \`server\` in \`stream {}\` needs a handler — \`proxy_pass\`, \`return\` or (from
1.25.5) \`pass\` — or nginx refuses the configuration when it merges the servers: \`no handler for
server in /etc/nginx/nginx.conf:12\` (the line of the server's \`{\`). A server meant to be a
placeholder, or whose \`proxy_pass\` went into another file, is the usual cause. From 1.27.1 such a
server is accepted and closes its connections.`,
  },
  config(ctx) {
    if (atLeast(ctx.version, '1.27.1')) return;
    for (const { block, server } of blockServers(ctx, 'stream')) {
      if (ctx.invalid.has(server)) continue;
      if (server.children.some((c) => HANDLERS.has(c.directive.name) && !ctx.invalid.has(c))) continue;
      const open = server.directive.block!.open;
      ctx.report({
        entry: server,
        // nginx writes the place into the message ("in FILE:LINE") and gives it no location of its own.
        message: 'no handler for server',
        hint: 'give it a proxy_pass, return or pass',
        line: server.directive.line,
        range: { start: server.directive.range.start, end: open.end },
        // The stream core module merges first, server by server, when stream {} has been read.
        order: [block.endSeq, HTTP_PHASE.merge - 0.05, server.seq],
      });
    }
  },
});
