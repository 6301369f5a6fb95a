import { defineRule } from '../rule.js';
import { DNS_HINT, hostNotFound } from '../net/dns.js';
import { cstr } from '../mail/listen.js';
import { parseCidr } from '../mail/cidr.js';

/** E3: realip's trusted addresses. */
export default defineRule({
  meta: {
    id: 'set-real-ip-from',
    description: 'A set_real_ip_from value that is not an address, CIDR, unix: or host name',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['E3'],
    docs: `\`set_real_ip_from\` takes an address (\`10.0.0.1\`), a CIDR block (\`192.168.1.0/24\`,
\`2001:db8::/32\`), \`unix:\` or a host name. Bits set below the prefix (\`192.168.1.1/24\`) are a
warning: nginx ignores them.`,
  },
  stage: 'value',
  names: ['set_real_ip_from'],
  directive(entry, ctx) {
    const d = entry.directive;
    // The realip modules of mail, http and stream read it alike (ngx_ptocidr, then a host name).
    if (d.name !== 'set_real_ip_from' || !/^(mail|http|stream)/.test(entry.context ?? '') || d.argCount !== 1) return;
    const v = cstr(d.argValue(0));
    const r = parseCidr(v);
    if (!r.ok) return ctx.report({ entry, message: `host not found in set_real_ip_from "${v}"` });
    if (r.value.family === 'host' && hostNotFound(ctx, v)) return ctx.report({ entry, message: `host not found in set_real_ip_from "${v}"`, hint: DNS_HINT });
    if (r.lowBits) ctx.report({ entry, message: `low address bits of ${v} are meaningless`, nginxLevel: 'warn' });
  },
});
