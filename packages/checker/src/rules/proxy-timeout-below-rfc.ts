import { defineRule } from '../rule.js';
import type { MailProtocol } from '../model.js';

/**
 * How long each protocol's RFC says a server must let an idle session be: RFC 3501 §5.4 (IMAP
 * autologout at least 30 minutes), RFC 1939 §3 (POP3 at least 10 minutes), RFC 5321 §4.5.3.2.7
 * (SMTP server timeout at least 5 minutes).
 */
const MINIMUM: Record<MailProtocol, { ms: number; text: string; value: string; rfc: string; why: string }> = {
  imap: { ms: 30 * 60_000, text: '30 minutes', value: '30m', rfc: 'RFC 3501', why: 'clients in IDLE speak only every 29 minutes, as RFC 2177 advises' },
  pop3: { ms: 10 * 60_000, text: '10 minutes', value: '10m', rfc: 'RFC 1939', why: 'clients may pause that long between commands' },
  smtp: { ms: 5 * 60_000, text: '5 minutes', value: '5m', rfc: 'RFC 5321', why: 'senders may wait that long, e.g. while the message is scanned' },
};

/** Lint: an idle timeout shorter than the protocol allows. */
export default defineRule({
  meta: {
    id: 'proxy-timeout-below-rfc',
    description: '`proxy_timeout` shorter than the idle time the protocol promises clients (IMAP 30m, POP3 10m, SMTP 5m)',
    kind: 'lint',
    severity: 'warning',
    docs: `After login nginx closes a proxied session when nothing has been sent for \`proxy_timeout\`
(default 24h). Clients count on the idle time their protocol promises: an IMAP server must
allow 30 minutes (RFC 3501), and clients in IDLE refresh only every 29 minutes (RFC 2177), so
a shorter timeout cuts every idle mailbox connection and clients reconnect over and over;
POP3 promises 10 minutes (RFC 1939) and SMTP 5 (RFC 5321). Set \`proxy_timeout\` to at least
that in servers of that protocol.`,
  },
  config(ctx) {
    const servers = ctx.model.servers;
    // Indexed: runs per server (see engine.ts on for...of).
    for (let si = 0; si < servers.length; si++) {
      const server = servers[si]!;
      if (!server.protocol || !server.listens.length) continue;
      const setting = server.settings.proxy_timeout;
      const min = MINIMUM[server.protocol];
      if (!setting.directive || setting.value >= min.ms) continue;
      const d = setting.directive;
      // One diagnostic per statement and protocol, however many servers inherit it.
      ctx.report({
        message: `proxy_timeout ${d.argCount ? d.argValue(0) : ''} closes idle ${server.protocol.toUpperCase()} sessions before the ${min.text} ${min.rfc} promises them`,
        hint: `${min.why}; set "proxy_timeout ${min.value}" or more`,
        file: setting.file ?? server.file,
        line: d.line,
        range: { start: d.range.start, end: (d.terminatorRange ?? d.range).end },
      });
    }
  },
});
