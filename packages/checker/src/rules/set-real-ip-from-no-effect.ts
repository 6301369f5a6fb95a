import { defineRule } from '../rule.js';
import type { ServerModel } from '../model.js';
import { settingsWithoutEffect, statementRange } from './server-checks-util.js';

/** Lint: trusted proxies listed where no PROXY header is read. */
export default defineRule({
  meta: {
    id: 'set-real-ip-from-no-effect',
    description: '`set_real_ip_from` for mail servers none of whose listens has `proxy_protocol`',
    kind: 'lint',
    severity: 'warning',
    docs: `In mail, \`set_real_ip_from\` only decides whose PROXY protocol header to believe: nginx reads
the client's address from that header, and only on a \`listen ... proxy_protocol\`. On servers
without one it changes nothing — the auth server's \`Client-IP\`, the logs and XCLIENT keep the
address of whatever connected. Usually \`proxy_protocol\` was forgotten on the listen behind the
load balancer. A \`set_real_ip_from\` in \`mail {}\` is reported only when no server that inherits
it reads PROXY headers.`,
  },
  config(ctx) {
    const readsProxyHeader = (s: ServerModel) => s.listens.some((l) => l.proxyProtocol);
    for (const server of settingsWithoutEffect(ctx, 'set_real_ip_from', (s) => s.settings.set_real_ip_from.value.length > 0, readsProxyHeader)) {
      const setting = server.settings.set_real_ip_from;
      const d = setting.directive!;
      ctx.report({
        message: `set_real_ip_from has no effect: no listen of ${setting.origin === 'server' ? 'this server' : 'the servers that inherit it'} has "proxy_protocol"`,
        hint: 'add "proxy_protocol" to the listen that the load balancer connects to',
        file: setting.file ?? server.file,
        line: d.line,
        range: statementRange(d),
      });
    }
  },
});
