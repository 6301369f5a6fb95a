import { blockServers } from '../http-servers.js';
import { defineRule, type RuleContext } from '../rule.js';
import type { Entry } from '../walk.js';
import { serverEntry, serverOpen } from './server-checks-util.js';

/** D1: a mail (or stream) server with no listen. */
export default defineRule({
  meta: {
    id: 'server-without-listen',
    description: 'A mail or stream server {} without any listen',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['D1'],
    docs: `Every mail \`server {}\` needs at least one \`listen\`, and so does every stream \`server {}\` (an http
server without one listens on \`*:80\`). nginx reports this as soon as the server block ends, at
the line of its \`{\`.`,
  },
  config(ctx) {
    streamServers(ctx);
    const servers = ctx.model.servers;
    // Indexed: runs per server (see engine.ts on for...of).
    for (let si = 0; si < servers.length; si++) {
      const server = servers[si]!;
      const entry = serverEntry(ctx, server);
      if (entry && hasListen(entry.children)) continue;
      ctx.report({ message: 'no "listen" is defined for server', ...serverOpen(ctx, server), order: [entry ? entry.endSeq : 0] });
    }
  },
});

function hasListen(children: readonly Entry[]): boolean {
  for (let i = 0; i < children.length; i++) if (children[i]!.directive.name === 'listen') return true;
  return false;
}

/** ngx_stream_core_server: the same words, when a stream server's block has been read. */
function streamServers(ctx: RuleContext): void {
  for (const { server } of blockServers(ctx, 'stream')) {
    if (ctx.invalid.has(server) || hasListen(server.children)) continue;
    const d = server.directive;
    const open = d.terminatorRange ?? d.range;
    ctx.report({ entry: server, message: 'no "listen" is defined for server', line: open.start.line, range: { start: d.range.start, end: open.end }, order: [server.endSeq] });
  }
}
