import { cstr } from '../mail/listen.js';
import { defineRule, type RuleContext } from '../rule.js';
import { upstreamTlsConfs, upstreamTlsHint, type UpstreamTlsConf } from '../upstream-tls-confs.js';
import type { Entry } from '../walk.js';

/** When TLS to an upstream is set up: a client certificate needs its key, verification needs CAs. */
export default defineRule({
  meta: {
    id: 'upstream-tls',
    description: 'TLS to upstreams: a client certificate without its key, or proxy_ssl_verify without trusted certificates',
    kind: 'nginx',
    severity: 'error',
    docs: `Where nginx talks TLS to an upstream — a location whose \`proxy_pass\` is \`https://\`, whose
\`grpc_pass\` is \`grpcs://\`, whose \`uwsgi_pass\` is \`suwsgi://\` (or any of them with variables, as
the scheme may be either), and a stream server with \`proxy_ssl on\` — it sets that TLS up when it
reads the configuration, with the settings the location inherits:
- \`proxy_ssl_certificate\` needs \`proxy_ssl_certificate_key\`: \`no "proxy_ssl_certificate_key" is
  defined for certificate "/etc/ssl/client.pem"\`;
- \`proxy_ssl_verify on\` needs \`proxy_ssl_trusted_certificate\`, the CAs to check the upstream's
  certificate against: \`no proxy_ssl_trusted_certificate for proxy_ssl_verify\` (likewise
  \`grpc_ssl_*\` and \`uwsgi_ssl_*\`).

Settings written in \`http {}\` or a server for locations that never pass to TLS are not read. nginx
gives these messages no line; they are reported at the statement in effect.`,
  },
  config(ctx) {
    const reported = new Set<Entry>();
    for (const conf of upstreamTlsConfs(ctx)) checkTls(conf, reported, ctx);
  },
});

function checkTls(conf: UpstreamTlsConf, reported: Set<Entry>, ctx: RuleContext): void {
  const { prefix, pick, order } = conf;
  // Steps: upstream-tls-confs.ts (the key before the certificate files load, verification after).
  const report = (entry: Entry, message: string, step: number) => {
    if (reported.has(entry)) return;
    reported.add(entry);
    ctx.report({ entry, message, order: order(step), hint: upstreamTlsHint(conf) });
  };
  const cert = pick(`${prefix}_ssl_certificate`);
  if (cert && cert.directive.argCount === 1 && !pick(`${prefix}_ssl_certificate_key`)) {
    report(cert, `no "${prefix}_ssl_certificate_key" is defined for certificate "${cstr(cert.directive.argValue(0))}"`, 0.9);
    return;
  }
  const verify = pick(`${prefix}_ssl_verify`);
  if (!verify || verify.directive.argCount !== 1 || verify.directive.argValue(0).toLowerCase() !== 'on') return;
  const trusted = pick(`${prefix}_ssl_trusted_certificate`);
  if (!trusted || trusted.directive.argCount !== 1 || trusted.directive.argValue(0) === '') report(verify, `no ${prefix}_ssl_trusted_certificate for ${prefix}_ssl_verify`, 0.925);
}
