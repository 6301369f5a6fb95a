import { defineRule } from '../rule.js';
import type { CidrValue, ListenModel } from '../model.js';

/** Whether some entry of `set_real_ip_from` can match a client of this listen (unix: for unix sockets). */
function canMatch(from: CidrValue[], l: ListenModel): boolean {
  const unix = l.address.family === 'unix';
  return from.some((c) => (c.family === 'unix') === unix);
}

/** Lint: PROXY protocol read, its client address thrown away. */
export default defineRule({
  meta: {
    id: 'proxy-protocol-without-real-ip',
    description: 'A `listen ... proxy_protocol` whose server has no `set_real_ip_from` that can match the load balancer',
    kind: 'lint',
    severity: 'warning',
    docs: `Behind a load balancer, \`listen ... proxy_protocol\` makes nginx read the client's address from
the PROXY header — and then use it only if the balancer is trusted by \`set_real_ip_from\` (for a
unix socket, \`set_real_ip_from unix:\`). Without that, every session keeps the balancer's
address: the auth server's \`Client-IP\` (its rate limits and blocklists then see one client),
XCLIENT \`ADDR=\` to SMTP backends (their spam checks too), the outgoing PROXY header of
\`proxy_protocol on\` and the error log. The auth server still gets the header's values as
\`Proxy-Protocol-Addr\`, but nothing else does. Add \`set_real_ip_from\` with the balancer's
address or network.`,
  },
  config(ctx) {
    const servers = ctx.model.servers;
    // Indexed: runs per server (see engine.ts on for...of).
    for (let si = 0; si < servers.length; si++) {
      const server = servers[si]!;
      const from = server.settings.set_real_ip_from.value;
      for (let li = 0; li < server.listens.length; li++) {
        const l = server.listens[li]!;
        if (!l.proxyProtocol || canMatch(from, l)) continue;
        const unix = l.address.family === 'unix';
        const word = l.directive.args.find((a) => a.value === 'proxy_protocol');
        const what = unix ? '"proxy_protocol" on a unix socket, but "set_real_ip_from" has no "unix:"' : !from.length ? '"proxy_protocol" without "set_real_ip_from"' : '"proxy_protocol" on a TCP listen, but "set_real_ip_from" lists only "unix:"';
        ctx.report({
          message: `${what}: Client-IP, XCLIENT and the logs show the load balancer, not the client`,
          hint: unix ? 'add "set_real_ip_from unix:;"' : 'add "set_real_ip_from" with the load balancer\'s address or network',
          file: l.file,
          line: word ? word.range.start.line : l.directive.line,
          range: word ? word.range : l.directive.range,
        });
      }
    }
  },
});
