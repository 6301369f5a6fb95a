import { defineRule } from '../rule.js';
import { postParseOrder, serverOpen } from './server-checks-util.js';

/** D2: no protocol, and no listen on a well-known port to infer one from. */
export default defineRule({
  meta: {
    id: 'unknown-mail-protocol',
    description: 'A mail server whose protocol is neither set nor inferable from its ports',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['D2'],
    docs: `Without a \`protocol\` directive nginx infers the protocol from the first listen on a well-known
port: 143 and 993 are IMAP, 110 and 995 POP3, 25, 465 and 587 SMTP. A server listening only on
other ports (\`1143\`), on unix sockets or without a port needs \`protocol imap|pop3|smtp;\`.`,
  },
  config(ctx) {
    const servers = ctx.model.servers;
    // Indexed: runs per server (see engine.ts on for...of).
    for (let si = 0; si < servers.length; si++) {
      const server = servers[si]!;
      if (server.protocol || !server.listens.length) continue;
      ctx.report({
        message: 'unknown mail protocol for server',
        hint: 'add "protocol imap;", "protocol pop3;" or "protocol smtp;"',
        ...serverOpen(ctx, server),
        order: postParseOrder(ctx, 'core', server),
      });
    }
  },
});
