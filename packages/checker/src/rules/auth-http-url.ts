import { defineRule } from '../rule.js';
import { cstr } from '../mail/listen.js';
import { parseAuthHttp } from '../mail/urls.js';
import { DNS_HINT, hostNotFound, isName } from '../net/dns.js';

/** E2: the auth_http URL. */
export default defineRule({
  meta: {
    id: 'auth-http-url',
    description: 'An auth_http URL nginx cannot use',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['E2'],
    docs: `\`auth_http\` takes \`[http://]host[:port][/uri]\`, \`[ipv6]:port/uri\` or \`unix:/path[:/uri]\`.
Only plain \`http://\` (lowercase) is understood: \`https://\` fails as \`invalid port\`, because
nginx reads \`https\` as the host. Port 0 is invalid; the default port is 80 and the default URI \`/\`.

With \`mailconf lint --check-dns\` (run where nginx runs) a host name that does not resolve there is
reported as nginx reports it: \`host not found in auth_http "auth.example.org:9000/auth"\`.`,
  },
  stage: 'value',
  names: ['auth_http'],
  directive(entry, ctx) {
    const d = entry.directive;
    if (d.name !== 'auth_http' || !entry.context?.startsWith('mail') || d.argCount !== 1) return;
    const r = parseAuthHttp(cstr(d.argValue(0)));
    if (!r.ok) {
      const hint = /^https:\/\//i.test(d.argValue(0)) ? 'nginx talks plain HTTP to the auth server; https is not supported' : undefined;
      ctx.report({ entry, message: r.error, ...(hint ? { hint } : {}) });
    } else if (r.value.kind === 'inet' && isName(r.value.host) && hostNotFound(ctx, r.value.host)) {
      ctx.report({ entry, message: `host not found in auth_http "${r.shown}"`, hint: DNS_HINT });
    }
  },
});
