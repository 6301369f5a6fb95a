import { defineRule } from '../rule.js';
import { parseListen } from '../mail/listen.js';
import { isIPv4Mapped } from '../net/ipv6.js';

/** Lint: ipv6only= where it cannot apply. */
export default defineRule({
  meta: {
    id: 'ipv6only-no-effect',
    description: '`ipv6only=` on a listen that is not an IPv6 wildcard',
    kind: 'lint',
    severity: 'warning',
    docs: `\`ipv6only=on|off\` only changes an IPv6 wildcard socket (\`[::]:143\`). On an IPv4 address or
a specific IPv6 address nginx accepts it silently and ignores it (except an IPv4-mapped one,
which binds only with \`ipv6only=off\`) — but it still implies \`bind\`,
which gives the listen a socket of its own.`,
  },
  stage: 'value',
  names: ['listen'],
  directive(entry, ctx) {
    const d = entry.directive;
    if (d.name !== 'listen' || entry.context !== 'mail:server' || !d.argCount) return;
    const r = parseListen(d.args, ctx.version);
    if (!r.ok || r.value.ipv6only === null) return;
    const a = r.value.addresses[0];
    // On an IPv6 wildcard it decides whether IPv4 clients are served; on an IPv4-mapped
    // address whether the socket can be bound at all (listen-ipv4-mapped).
    if (a && a.family === 'ipv6' && (r.value.wildcard || isIPv4Mapped(a.host))) return;
    const arg = d.args.find((w) => w.value.startsWith('ipv6only='));
    ctx.report({ entry, message: `ipv6only has no effect on ${a ? a.text : 'this address'}`, ...(arg ? { range: arg.range } : {}) });
  },
});
