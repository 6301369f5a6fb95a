import { defineRule } from '../rule.js';
import type { ServerModel } from '../model.js';
import { settingsWithoutEffect, statementRange } from './server-checks-util.js';

/** Why a server never sends Auth-SSL-Cert, or null when it may. */
function whyNoCertificate(s: ServerModel): string | null {
  if (!s.sslMode) return 'this server has no TLS ("listen ... ssl" or "starttls")';
  if (s.settings.ssl_verify_client.value === 'off') return '"ssl_verify_client" is off, so clients are never asked for a certificate';
  return null;
}

/** Lint: the client certificate is to be passed to the auth server, but there never is one. */
export default defineRule({
  meta: {
    id: 'auth-http-pass-client-cert-no-effect',
    description: '`auth_http_pass_client_cert on` where clients are never asked for a certificate',
    kind: 'lint',
    severity: 'warning',
    docs: `nginx adds the client's certificate to the auth request (\`Auth-SSL-Cert\`) only on a TLS
connection of a server whose \`ssl_verify_client\` is not \`off\` — the same condition as for
\`Auth-SSL-Verify\`, \`-Subject\`, \`-Issuer\`, \`-Serial\` and \`-Fingerprint\`. With the default
\`ssl_verify_client off\` clients are never asked for a certificate, and an auth server that
relies on the header sees none, for every client. Set \`ssl_verify_client optional\` (or \`on\`)
with \`ssl_client_certificate\`, or \`optional_no_ca\` to let the auth server judge certificates
itself. A statement in \`mail {}\` is reported only when no server inheriting it can send one.`,
  },
  config(ctx) {
    const isOn = (s: ServerModel) => s.settings.auth_http_pass_client_cert.value;
    for (const server of settingsWithoutEffect(ctx, 'auth_http_pass_client_cert', isOn, (s) => whyNoCertificate(s) === null)) {
      const setting = server.settings.auth_http_pass_client_cert;
      const d = setting.directive!;
      ctx.report({
        message: `auth_http_pass_client_cert has no effect: ${whyNoCertificate(server)}${setting.origin === 'server' ? '' : ' (in the servers that inherit it)'}`,
        hint: server.sslMode ? 'set "ssl_verify_client optional" (or on) with "ssl_client_certificate", or optional_no_ca' : 'remove it, or enable TLS on this server',
        file: setting.file ?? server.file,
        line: d.line,
        range: statementRange(d),
      });
    }
  },
});
