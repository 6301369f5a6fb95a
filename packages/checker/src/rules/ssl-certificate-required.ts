import { atLeast } from '../version.js';
import { defineRule } from '../rule.js';
import type { ServerModel } from '../model.js';
import type { RuleContext } from '../rule.js';
import { postParseOrder, serverEntry, statementRange } from './server-checks-util.js';

/** D5, D9: TLS enabled without certificate or key; client verification without a CA. */
export default defineRule({
  meta: {
    id: 'ssl-certificate-required',
    description: 'TLS enabled (listen ssl, starttls, ssl on) without certificate and key',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['D5', 'D9'],
    docs: `A server that speaks TLS — \`listen ... ssl\`, \`starttls on|only\`, or \`ssl on\` before 1.25.1 —
needs \`ssl_certificate\` and \`ssl_certificate_key\` (its own or from \`mail {}\`), one key per
certificate. \`ssl_verify_client on|optional\` also needs \`ssl_client_certificate\` (or, from
1.27.2, \`ssl_trusted_certificate\`).`,
  },
  config(ctx) {
    const servers = ctx.model.servers;
    // Indexed: runs per server (see engine.ts on for...of).
    for (let si = 0; si < servers.length; si++) {
      const server = servers[si]!;
      if (!server.sslMode || !server.listens.length) continue;
      const s = server.settings;
      const where = modeLocation(ctx, server);
      const base = { ...where, order: postParseOrder(ctx, 'ssl', server) };
      const certs = s.ssl_certificate.value;
      const keys = s.ssl_certificate_key.value;
      if (!certs.length) {
        ctx.report({ message: `no "ssl_certificate" is defined for the "${server.sslMode}" directive`, ...base });
        continue;
      }
      if (!keys.length) {
        ctx.report({ message: `no "ssl_certificate_key" is defined for the "${server.sslMode}" directive`, ...base });
        continue;
      }
      if (keys.length < certs.length) {
        ctx.report({
          message: `no "ssl_certificate_key" is defined for certificate "${certs[certs.length - 1]}" and the "${server.sslMode}" directive`,
          ...base,
        });
        continue;
      }
      const verify = s.ssl_verify_client.value;
      if (verify === 'on' || verify === 'optional') {
        const newer = atLeast(ctx.version, '1.27.2');
        const hasCa = s.ssl_client_certificate.value !== null || (newer && s.ssl_trusted_certificate.value !== null);
        if (!hasCa) {
          const d = s.ssl_verify_client.directive!;
          ctx.report({
            message: newer ? 'no ssl_client_certificate or ssl_trusted_certificate for ssl_verify_client' : 'no ssl_client_certificate for ssl_verify_client',
            file: s.ssl_verify_client.file!,
            line: d.line,
            range: d.range,
            order: postParseOrder(ctx, 'ssl', server, 1),
          });
        }
      }
    }
  },
});

/**
 * Where nginx points (config-checks.md D5): the server's last `listen ... ssl`; else its last
 * `starttls` (or `ssl`) directive; else the last one in `mail {}`.
 */
function modeLocation(ctx: RuleContext, server: ServerModel) {
  const sslListens = server.listens.filter((l) => l.ssl);
  let d = sslListens.length ? sslListens[sslListens.length - 1]!.directive : null;
  let file = sslListens.length ? sslListens[sslListens.length - 1]!.file : server.file;
  if (!d) {
    const entry = serverEntry(ctx, server);
    const own = entry?.children.filter((c) => c.directive.name === 'starttls' || c.directive.name === 'ssl') ?? [];
    if (own.length) {
      d = own[own.length - 1]!.directive;
      file = own[own.length - 1]!.file;
    } else {
      const mail = ctx.walk.roots.find((e) => e.directive === ctx.model.mail);
      const inMail = (mail ? mail.children : ctx.walk.roots).filter((c) => c.directive.name === 'starttls' || c.directive.name === 'ssl');
      if (inMail.length) {
        d = inMail[inMail.length - 1]!.directive;
        file = inMail[inMail.length - 1]!.file;
      }
    }
  }
  const target = d ?? server.directive;
  return { file, line: target.line, range: statementRange(target) };
}
