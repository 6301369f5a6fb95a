import { defineRule } from '../rule.js';
import { serverOpen } from './server-checks-util.js';

/** Lint: an SMTP server that introduces itself with whatever the machine is called. */
export default defineRule({
  meta: {
    id: 'smtp-server-name-unset',
    description: 'An SMTP server without `server_name`: it greets, and says EHLO to backends, with the machine\'s host name',
    kind: 'lint',
    severity: 'info',
    docs: `Without \`server_name\` (in the server or in \`mail {}\`; an empty one counts as none) nginx uses
the host name of the machine it runs on: in the greeting (\`220 <name> ESMTP ready\`), in its
EHLO reply, in the EHLO or HELO it sends to the SMTP backend, and in CRAM-MD5 challenges. In a
container that is a random id, on a VM often a name without a domain; mail servers are expected
to present their fully qualified name (RFC 5321, 4.1.3 and 4.3.1), and a backend that checks
HELO names (Postfix's \`reject_non_fqdn_helo_hostname\`) refuses an unqualified one. Set
\`server_name\` to the name in your MX record.`,
  },
  config(ctx) {
    const servers = ctx.model.servers;
    // Indexed: runs per server (see engine.ts on for...of).
    for (let si = 0; si < servers.length; si++) {
      const server = servers[si]!;
      if (server.protocol !== 'smtp' || !server.listens.length) continue;
      const name = server.settings.server_name;
      if (name.origin !== 'default' && name.value !== '') continue;
      ctx.report({
        message: 'this SMTP server greets, and says EHLO to its backends, with the machine\'s host name: no "server_name" here or in mail {}',
        hint: 'set "server_name" to the name of your MX record, e.g. server_name mx.example.org;',
        ...serverOpen(ctx, server),
      });
    }
  },
});
