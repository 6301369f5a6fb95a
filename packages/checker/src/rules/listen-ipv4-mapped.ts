import { blockServers } from '../http-servers.js';
import { defineRule, type RuleContext } from '../rule.js';
import { statementRange } from './server-checks-util.js';
import { AFTER_PARSE } from '../engine.js';
import { isIPv4Mapped } from '../net/ipv6.js';
import { plannedSockets } from '../listen-sockets.js';

/**
 * A C12 case that does not depend on the machine: Linux refuses to bind an IPv6 socket to an
 * IPv4-mapped address (`::ffff:a.b.c.d`) while IPV6_V6ONLY is on, and nginx turns it on for
 * every IPv6 listen unless `ipv6only=off`. `nginx -t` binds each socket it would open, so it
 * fails — for sockets of their own only (one folded into an `[::]:port` wildcard is never bound).
 */
export default defineRule({
  meta: {
    id: 'listen-ipv4-mapped',
    description: 'An IPv4-mapped IPv6 listen address (mail, http, stream) that cannot be bound with ipv6only on',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['C12'],
    docs: `\`listen [::ffff:192.0.2.1]:465;\` (in mail, http or stream) names an IPv4 address in IPv6 form. nginx opens IPv6 sockets
with \`ipv6only=on\` by default, and Linux refuses to bind such a socket to an IPv4-mapped
address, so \`nginx -t\` (and start-up) fails with \`bind() to [::ffff:192.0.2.1]:465 failed (22:
Invalid argument)\`. Listen on the IPv4 address itself (\`listen 192.0.2.1:465;\`), or add
\`ipv6only=off\`. A mapped address that shares the socket of an \`[::]:465\` wildcard is never bound
on its own and is not reported.`,
  },
  config(ctx) {
    // Putting every socket in nginx's order costs: only when some listen may be mapped.
    if (!mayHaveMapped(ctx)) return;
    const sockets = plannedSockets(ctx);
    for (let k = 0; k < sockets.length; k++) {
      const { address, directive: d, file, ipv6only } = sockets[k]!;
      if (address.family !== 'ipv6' || !isIPv4Mapped(address.host) || !ipv6only) continue;
      ctx.report({
        message: `bind() to ${address.text} failed (22: Invalid argument)`,
        hint: `listen on ${address.host.slice(7)} itself, or add "ipv6only=off"`,
        file,
        line: d.line,
        range: statementRange(d),
        // Sockets are bound after the configuration is read and checked (F1 comes first), in
        // this order (listen-bind's are among them); nginx stops at the first one that fails, the
        // others fail as well once it is mended.
        order: [AFTER_PARSE, 2, k],
      });
    }
  },
});

/**
 * Whether a mail socket is IPv4-mapped, or an http or stream listen may be: every way to write
 * such an address has the group "ffff" (`::ffff:192.0.2.1`, `0:0:0:0:0:ffff:c000:201`).
 */
function mayHaveMapped(ctx: RuleContext): boolean {
  const sockets = ctx.model.sockets;
  for (let i = 0; i < sockets.length; i++) {
    const a = sockets[i]!.address;
    if (a.family === 'ipv6' && isIPv4Mapped(a.host)) return true;
  }
  for (const family of ['http', 'stream'] as const) {
    for (const { server } of blockServers(ctx, family)) {
      for (const e of server.children) if (e.directive.name === 'listen' && e.directive.argCount && e.directive.argValue(0).toLowerCase().includes('ffff')) return true;
    }
  }
  return false;
}
