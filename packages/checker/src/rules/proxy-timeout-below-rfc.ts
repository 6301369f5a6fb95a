import { defineRule } from '../rule.js';
import { statementRange } from './server-checks-util.js';
import type { MailProtocol } from '../model.js';

/**
 * How long a client may stay silent, by protocol: RFC 3501 §5.4 (IMAP autologout at least 30
 * minutes), RFC 1939 §3 (POP3 at least 10 minutes), RFC 5321 §4.5.3.2.6 (an SMTP client waits
 * up to 10 minutes for the reply to the end of DATA, and says nothing meanwhile). nginx's
 * proxy_timeout counts only what happens on the client's side (proxy-runtime.md §1.9).
 */
const MINIMUM: Record<MailProtocol, { ms: number; text: string; value: string; rfc: string; why: string }> = {
  imap: { ms: 30 * 60_000, text: '30 minutes', value: '30m', rfc: 'RFC 3501', why: 'clients in IDLE speak only every 29 minutes, as RFC 2177 advises' },
  pop3: { ms: 10 * 60_000, text: '10 minutes', value: '10m', rfc: 'RFC 1939', why: 'clients may pause that long between commands' },
  smtp: { ms: 10 * 60_000, text: '10 minutes', value: '10m', rfc: 'RFC 5321', why: 'a sender waits that long, silent, for the reply to its message while the backend checks it' },
};

/** Lint: an idle timeout shorter than the protocol allows. */
export default defineRule({
  meta: {
    id: 'proxy-timeout-below-rfc',
    description: '`proxy_timeout` shorter than the time a client may stay silent (IMAP 30m, POP3 10m, SMTP 10m)',
    kind: 'lint',
    severity: 'warning',
    docs: `After login nginx closes a proxied session when nothing has come from the client for
\`proxy_timeout\` (default 24h); what the backend sends does not count. Clients count on
staying silent as long as their protocol allows: an IMAP server must allow 30 minutes (RFC
3501), and clients in IDLE speak only every 29 minutes (RFC 2177) while the server pushes
updates, so a shorter timeout cuts every idle mailbox connection and clients reconnect over and
over; POP3 allows 10 minutes (RFC 1939); an SMTP client waits up to 10 minutes for the reply to
its message (RFC 5321), silent while the backend scans it. Set \`proxy_timeout\` to at least
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
      // Reported per server; the engine merges reports with the same place, rule and message,
      // so a mail {} value inherited by many servers of a protocol gives one diagnostic.
      ctx.report({
        message: `proxy_timeout ${d.argCount ? d.argValue(0) : ''} cuts ${server.protocol.toUpperCase()} clients that are silent for less than the ${min.text} ${min.rfc} allows`,
        hint: `${min.why}; set "proxy_timeout ${min.value}" or more`,
        file: setting.file ?? server.file,
        line: d.line,
        range: statementRange(d),
      });
    }
  },
});
