import { atLeast } from '../version.js';
import { defineRule } from '../rule.js';
import { cstr } from '../mail/listen.js';
import { parseNameServer } from '../mail/urls.js';
import { timeSec } from '../values.js';
import { DNS_HINT, hostNotFound, isName } from '../net/dns.js';

/** E1: resolver name servers and parameters. */
export default defineRule({
  meta: {
    id: 'resolver-syntax',
    description: 'A resolver name server or parameter nginx rejects',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['E1'],
    docs: `\`resolver address ... [valid=time] [ipv4=on|off] [ipv6=on|off]\`, or in mail \`resolver off\` (http and
stream read \`off\` as a host name).
\`valid=\` is a time in seconds (\`30s\`, \`5m\`; not \`ms\`). \`ipv4=\` only exists from 1.23.1 on;
older versions take it for a host name. \`OFF\` in capitals is a host name too.

With \`mailconf lint --check-dns\` (run where nginx runs) a host name that does not resolve there is
reported as nginx reports it: \`host not found in resolver "dns.example.org"\`.`,
  },
  stage: 'value',
  names: ['resolver'],
  directive(entry, ctx) {
    const d = entry.directive;
    // ngx_resolver_create reads them, the same in mail, http and stream.
    if (d.name !== 'resolver' || !/^(mail|http|stream)/.test(entry.context ?? '') || !d.argCount) return;
    const args = d.args.map((a) => cstr(a.value));
    // Only mail's handler knows "off"; http's and stream's hand every word to ngx_resolver_create, which takes it for a host.
    if (args[0] === 'off' && entry.context?.startsWith('mail')) return;
    const hasIpv4 = atLeast(ctx.version, '1.23.1');
    let servers = 0;
    let ipv4 = true;
    let ipv6 = true;
    for (const a of args) {
      if (a.startsWith('valid=')) {
        if (timeSec(a.slice(6)) === null) return ctx.report({ entry, message: `invalid parameter: ${a}` });
        continue;
      }
      if (a.startsWith('ipv6=')) {
        if (a === 'ipv6=on') ipv6 = true;
        else if (a === 'ipv6=off') ipv6 = false;
        else return ctx.report({ entry, message: `invalid parameter: ${a}` });
        continue;
      }
      if (hasIpv4 && a.startsWith('ipv4=')) {
        if (a === 'ipv4=on') ipv4 = true;
        else if (a === 'ipv4=off') ipv4 = false;
        else return ctx.report({ entry, message: `invalid parameter: ${a}` });
        continue;
      }
      const r = parseNameServer(a);
      if (!r.ok) return ctx.report({ entry, message: r.error.replace(/^host not found/, 'host not found') });
      if (isName(r.value.host) && hostNotFound(ctx, r.value.host)) return ctx.report({ entry, message: `host not found in resolver "${a}"`, hint: DNS_HINT });
      servers++;
    }
    if (!ipv4 && !ipv6) return ctx.report({ entry, message: '"ipv4" and "ipv6" cannot both be "off"' });
    if (!servers) ctx.report({ entry, message: 'no name servers defined' });
  },
});
