import { defineRule } from '../rule.js';
import type { MailProtocol } from '../model.js';

/**
 * The well-known ports where clients start TLS at once (RFC 8314: 993, 995, 465) and those where
 * they start in plaintext and may upgrade with STARTTLS/STLS (143, 110, 25, 587).
 */
const IMPLICIT_TLS: Record<number, [MailProtocol, string, number]> = { 993: ['imap', 'IMAPS', 143], 995: ['pop3', 'POP3S', 110], 465: ['smtp', 'SMTPS (submission over TLS)', 587] };
const PLAINTEXT_FIRST: Record<number, [MailProtocol, string, number | null]> = {
  143: ['imap', 'IMAP', 993],
  110: ['pop3', 'POP3', 995],
  25: ['smtp', 'SMTP between mail servers', null],
  587: ['smtp', 'SMTP submission', 465],
};

/** Lint: TLS from the first byte on a STARTTLS port, or plaintext on a TLS port. */
export default defineRule({
  meta: {
    id: 'tls-port-mismatch',
    description: 'A TLS port (993, 995, 465) without `ssl`, or a STARTTLS port (143, 110, 25, 587) with it',
    kind: 'lint',
    severity: 'warning',
    docs: `Clients decide how to start from the port (RFC 8314): on 993 (IMAP), 995 (POP3) and 465 (SMTP
submission) they begin with a TLS handshake, so those listens need \`ssl\`; on 143, 110, 25
and 587 they expect a plaintext greeting and upgrade with STARTTLS/STLS, so \`ssl\` there (or
\`ssl on\` before 1.25.1) makes every client fail. nginx accepts both: the mistake shows only
when clients cannot connect. Use \`listen 993 ssl\`, and \`starttls on\` (or \`only\`) on the
plaintext ports. Listens with \`proxy_protocol\` are left alone: clients dial the load balancer
in front, which may end TLS itself.`,
  },
  config(ctx) {
    const servers = ctx.model.servers;
    // Indexed: runs per server (see engine.ts on for...of).
    for (let si = 0; si < servers.length; si++) {
      const server = servers[si]!;
      if (!server.protocol) continue;
      // `ssl on` (before 1.25.1; later it is not a directive) makes every listen of the server
      // TLS, also beside a `listen ... ssl` (which then gives sslMode its name).
      const allTls = server.settings.ssl.value;
      for (let li = 0; li < server.listens.length; li++) {
        const l = server.listens[li]!;
        // Behind a load balancer (PROXY protocol) clients dial the balancer, not this port:
        // it may end TLS itself and pass plaintext on to 993, as is common.
        if (l.proxyProtocol) continue;
        const port = l.address.port;
        const tls = allTls || l.ssl;
        const implicit = IMPLICIT_TLS[port];
        const plain = PLAINTEXT_FIRST[port];
        // Another protocol on a well-known port is port-protocol-mismatch's to report.
        if (implicit && implicit[0] === server.protocol && !tls) {
          ctx.report({
            message: `port ${port} is ${implicit[1]}, where clients start with TLS, but this listen has no "ssl"`,
            hint: `use "listen ${port} ssl", or port ${implicit[2]} with "starttls on"`,
            file: l.file,
            line: l.directive.line,
            range: l.directive.range,
          });
        } else if (plain && plain[0] === server.protocol && tls) {
          ctx.report({
            message: `port ${port} is ${plain[1]}, where clients start in plaintext and upgrade with ${server.protocol === 'pop3' ? 'STLS' : 'STARTTLS'}, but ${allTls && !l.ssl ? '"ssl on" makes this listen TLS' : 'this listen has "ssl"'}`,
            hint: plain[2] ? `use port ${plain[2]} for TLS from the first byte, or drop "ssl" and set "starttls on"` : 'drop "ssl" and set "starttls on"',
            file: l.file,
            line: l.directive.line,
            range: l.directive.range,
          });
        }
      }
    }
  },
});
