import { defineRule } from '../rule.js';
import type { MailProtocol } from '../model.js';
import { serverEntry } from './server-checks-util.js';

/** Which protocol a protocol-specific directive is for. */
function protocolOf(name: string): MailProtocol | null {
  if (name.startsWith('imap_')) return 'imap';
  if (name.startsWith('pop3_')) return 'pop3';
  if (name.startsWith('smtp_') || name === 'xclient' || name === 'proxy_smtp_auth') return 'smtp';
  return null;
}

/** Lint: a directive for one protocol inside a server of another. */
export default defineRule({
  meta: {
    id: 'unused-protocol-directive',
    description: 'A protocol-specific directive in a server of another protocol',
    kind: 'lint',
    severity: 'warning',
    docs: `\`imap_*\` directives only affect IMAP servers, \`pop3_*\` POP3 servers, and \`smtp_*\`,
\`xclient\` and \`proxy_smtp_auth\` SMTP servers. nginx accepts them anywhere and ignores them where
they do not apply — usually a sign that the server's protocol is not the one intended (check its
\`protocol\` and \`listen\` ports), or a copy-paste leftover. In \`mail {}\` they are fine: they are
inherited by the servers of their protocol.`,
  },
  config(ctx) {
    const servers = ctx.model.servers;
    // Indexed: runs per server (see engine.ts on for...of).
    for (let si = 0; si < servers.length; si++) {
      const server = servers[si]!;
      if (!server.protocol) continue;
      const children = serverEntry(ctx, server)?.children ?? [];
      // Indexed: every statement of every server passes here (see engine.ts on for...of).
      for (let i = 0; i < children.length; i++) {
        const e = children[i]!;
        const p = protocolOf(e.directive.name);
        if (!p || p === server.protocol) continue;
        ctx.report({
          entry: e,
          message: `"${e.directive.name}" has no effect in ${server.protocol === 'pop3' ? 'a' : 'an'} ${server.protocol.toUpperCase()} server`,
          hint: server.protocolOrigin === 'inferred' ? `the protocol is inferred from port ${server.protocolListen?.address.port}` : undefined,
        });
      }
    }
  },
});
