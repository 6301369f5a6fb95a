import { defineRule } from '../rule.js';
import type { Entry } from '../walk.js';
import { serverEntry, serverOpen } from './server-checks-util.js';

/** D1: a mail server with no listen. */
export default defineRule({
  meta: {
    id: 'server-without-listen',
    description: 'A mail server {} without any listen',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['D1'],
    docs: `Every mail \`server {}\` needs at least one \`listen\`. nginx reports this as soon as the server
block ends, at the line of its \`{\`.`,
  },
  config(ctx) {
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
