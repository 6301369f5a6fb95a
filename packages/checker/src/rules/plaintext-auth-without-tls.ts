import { defineRule } from '../rule.js';

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
    for (const server of ctx.model.servers) {
      // `ssl on` (before 1.25.1) makes every listen of the server TLS.
      if (!server.protocol || !server.listens.length || server.sslMode === 'ssl') continue;
      const s = server.settings;
      const methods = server.protocol === 'imap' ? s.imap_auth.value : server.protocol === 'pop3' ? s.pop3_auth.value : s.smtp_auth.value;
      if (server.protocol === 'smtp' && methods.length === 1 && methods[0] === 'none') continue;
      const plaintext = server.protocol === 'imap' || server.protocol === 'pop3' || methods.some((m) => m === 'plain' || m === 'login');
      if (!plaintext) continue;
      const allTls = server.listens.every((l) => l.ssl) || s.starttls.value === 'only';
      if (allTls) continue;
      const clear = server.listens.filter((l) => !l.ssl);
      const at = clear[0]!.directive;
      ctx.report({
        message: `${server.protocol.toUpperCase()} passwords can be sent unencrypted on ${clear.map((l) => l.address.text).join(', ')}`,
        hint: s.starttls.value === 'on' ? 'use "starttls only" so clients must upgrade first' : 'use "listen ... ssl" or "starttls only"',
        file: clear[0]!.file,
        line: at.line,
        range: { start: at.range.start, end: (at.terminatorRange ?? at.range).end },
      });
    }
  },
});
