import { defineRule } from '../rule.js';
import { statementRange } from './server-checks-util.js';
import type { ListenModel } from '../model.js';

/** Lint: passwords in the clear. */
export default defineRule({
  meta: {
    id: 'plaintext-auth-without-tls',
    description: 'Plaintext LOGIN/PLAIN authentication offered on a server without TLS',
    kind: 'lint',
    severity: 'warning',
    docs: `The default \`imap_auth\`, \`pop3_auth\` and \`smtp_auth\` methods send passwords in the clear
(IMAP LOGIN, POP3 USER/PASS, AUTH PLAIN/LOGIN). Without \`listen ... ssl\` or \`starttls only\`
anyone on the path reads them. Use \`starttls only\` (clients must upgrade before logging in) or a
\`listen ... ssl\` port; \`starttls on\` still lets clients log in unencrypted.`,
  },
  config(ctx) {
    const servers = ctx.model.servers;
    // Indexed: runs per server (see engine.ts on for...of).
    for (let si = 0; si < servers.length; si++) {
      const server = servers[si]!;
      // `ssl on` (before 1.25.1; later it is not a directive) makes every listen of the server
      // TLS, also beside a `listen ... ssl` (which then gives sslMode its name).
      if (!server.protocol || !server.listens.length || server.settings.ssl.value) continue;
      const s = server.settings;
      const methods = server.protocol === 'imap' ? s.imap_auth.value : server.protocol === 'pop3' ? s.pop3_auth.value : s.smtp_auth.value;
      if (server.protocol === 'smtp' && methods.length === 1 && methods[0] === 'none') continue;
      const plaintext = server.protocol === 'imap' || server.protocol === 'pop3' || methods.some((m) => m === 'plain' || m === 'login');
      if (!plaintext) continue;
      const starttls = s.starttls.value;
      if (starttls === 'only') continue;
      // The listens without ssl, as "a, b": indexed and without closures, as this runs per server.
      let first: ListenModel | null = null;
      let where = '';
      for (let i = 0; i < server.listens.length; i++) {
        const l = server.listens[i]!;
        if (l.ssl) continue;
        where = first ? `${where}, ${l.address.text}` : l.address.text;
        first ??= l;
      }
      if (!first) continue;
      const at = first.directive;
      ctx.report({
        message: `${server.protocol.toUpperCase()} passwords can be sent unencrypted on ${where}`,
        hint: starttls === 'on' ? 'use "starttls only" so clients must upgrade first' : 'use "listen ... ssl" or "starttls only"',
        file: first.file,
        line: at.line,
        range: statementRange(at),
      });
    }
  },
});
