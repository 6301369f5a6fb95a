import { defineRule } from '../rule.js';
import { serverOpen } from './server-checks-util.js';

/** Lint: unauthenticated SMTP passed on without the client's host name. */
export default defineRule({
  meta: {
    id: 'smtp-client-name-unavailable',
    description: 'SMTP for unauthenticated clients with XCLIENT but no `resolver`: the backend sees NAME=[UNAVAILABLE]',
    kind: 'lint',
    severity: 'warning',
    docs: `With \`xclient on\` (the default) nginx tells the backend who the client is:
\`XCLIENT ADDR=... NAME=...\`, where the name comes from a reverse DNS lookup through
\`resolver\`. Without a resolver (the default is off) every client is \`NAME=[UNAVAILABLE]\`, and
the auth server gets \`Client-Host: [UNAVAILABLE]\`. For mail from other servers
(\`smtp_auth none\`), the backend's client checks then see no names: Postfix's
\`reject_unknown_client_hostname\` refuses everyone, and host-name based spam scoring is lost.
Set \`resolver\` (with \`valid=\`) in the server or in \`mail {}\`.`,
  },
  config(ctx) {
    const servers = ctx.model.servers;
    // Indexed: runs per server (see engine.ts on for...of).
    for (let si = 0; si < servers.length; si++) {
      const server = servers[si]!;
      if (server.protocol !== 'smtp' || !server.listens.length) continue;
      const s = server.settings;
      if (!s.xclient.value || !s.smtp_auth.value.includes('none') || s.resolver.value) continue;
      // Clients on a unix socket are [TEMPUNAVAIL] with or without a resolver (unless a PROXY header names them).
      if (server.listens.every((l) => l.address.family === 'unix' && !l.proxyProtocol)) continue;
      ctx.report({
        message: 'without a resolver, nginx tells the backend NAME=[UNAVAILABLE] for every client (XCLIENT)',
        hint: 'set "resolver" so the backend sees client host names; checks such as Postfix\'s reject_unknown_client_hostname refuse [UNAVAILABLE]',
        ...serverOpen(ctx, server),
      });
    }
  },
});
