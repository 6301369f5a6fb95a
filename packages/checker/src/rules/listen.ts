import { defineRule } from '../rule.js';
import { cstr, parseListen } from '../mail/listen.js';
import { DNS_HINT, hostNotFound, writtenHost } from '../net/dns.js';

/** C1-C7: the mail `listen` address and parameters. */
export default defineRule({
  meta: {
    id: 'listen-syntax',
    description: 'A mail listen address or parameter nginx rejects',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7'],
    docs: `The mail \`listen\` takes an address first (\`143\`, \`127.0.0.1:143\`, \`[::1]:993\`,
\`unix:/run/mail.sock\`, a port range \`143-145\`), then any of \`ssl\`, \`proxy_protocol\`, \`bind\`,
\`backlog=N\`, \`rcvbuf=SIZE\`, \`sndbuf=SIZE\`, \`ipv6only=on|off\`,
\`so_keepalive=on|off|[idle]:[interval]:[count]\`. http-only parameters such as
\`default_server\`, \`reuseport\` or \`http2\` are rejected in mail.

With \`mailconf lint --check-dns\` (run where nginx runs) a host name that does not resolve there is
reported as nginx reports it: \`host not found in "mail.example.org:143" of the "listen" directive\`.`,
  },
  stage: 'value',
  names: ['listen'],
  directive(entry, ctx) {
    if (entry.context !== 'mail:server' || entry.directive.name !== 'listen' || !entry.directive.argCount) return;
    const r = parseListen(entry.directive.args, ctx.version);
    if (!r.ok) ctx.report({ entry, message: r.message, range: entry.directive.args[r.arg]!.range, line: entry.directive.line });
    else if (r.value.hostName && hostNotFound(ctx, writtenHost(cstr(entry.directive.args[0]!.value)))) {
      const arg = entry.directive.args[0]!;
      ctx.report({ entry, message: `host not found in "${cstr(arg.value)}" of the "listen" directive`, range: arg.range, line: entry.directive.line, hint: DNS_HINT });
    }
  },
});
