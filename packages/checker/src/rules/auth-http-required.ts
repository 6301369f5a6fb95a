import { defineRule } from '../rule.js';
import { postParseOrder, serverOpen } from './server-checks-util.js';

/** D4: every mail server needs an auth_http, its own or from mail {}. */
export default defineRule({
  meta: {
    id: 'auth-http-required',
    description: 'A mail server without auth_http',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['D4'],
    docs: `nginx's mail proxy asks an HTTP auth server where to send each login, so every server needs
\`auth_http\`, set in the server or in \`mail {}\`.`,
  },
  config(ctx) {
    const servers = ctx.model.servers;
    // Indexed: runs per server (see engine.ts on for...of).
    for (let si = 0; si < servers.length; si++) {
      const server = servers[si]!;
      if (server.settings.auth_http.origin !== 'default' || !server.listens.length) continue;
      ctx.report({ message: 'no "auth_http" is defined for server', ...serverOpen(ctx, server), order: postParseOrder(ctx, 'auth_http', server) });
    }
  },
});
