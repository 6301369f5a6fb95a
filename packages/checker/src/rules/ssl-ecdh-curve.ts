import { defineRule } from '../rule.js';
import { groupListProblem } from '../tls/group-list.js';
import { checkTlsValue } from '../tls/server-values.js';

/**
 * ssl_ecdh_curve in mail and http: nginx hands the list to OpenSSL (SSL_CTX_set1_curves_list)
 * when it sets up a server's TLS, after the certificates and the DH parameters, and fails
 * when OpenSSL cannot set a group.
 */
export default defineRule({
  meta: {
    id: 'ssl-ecdh-curve',
    description: 'An ssl_ecdh_curve list OpenSSL refuses: a near miss of a group name, another separator than ":", "auto" in a list',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['D10'],
    docs: `nginx passes \`ssl_ecdh_curve\` (all but \`auto\`) to OpenSSL when it sets up a server's TLS (in mail,
every server that speaks TLS; in http, every server with a certificate; in stream, up to 1.25.4 every
server with a \`listen ... ssl\`, from 1.25.5 every server with a certificate), and \`nginx -t\` fails with
no line on the first group OpenSSL cannot set: \`group 'P256' cannot be set\`. Judged here:
- a near miss of a standard name: \`P256\` (\`P-256\`), \`secp384\` (\`secp384r1\`), \`prime256\`;
- names separated by anything but \`:\` (\`"X25519, secp384r1"\`, \`"X25519 secp384r1"\`);
- \`auto\` in a list or in capitals: nginx knows \`auto\` only alone, in lower case.

Other unknown names are left to nginx: providers may add groups of any name (post-quantum ones
such as \`p256_mlkem768\`), and OpenSSL 3.5 reads a richer syntax (\`X25519MLKEM768/X25519:secp384r1\`,
\`?\`, \`*\`, \`-\`, \`DEFAULT\`); past a group some builds lack (binary curves, brainpool, ML-KEM) nothing is
said. The message is OpenSSL 3.0's to 3.2's: from 3.3 nginx prints \`SSL_CTX_set1_curves_list("...") failed\` alone.`,
  },
  config(ctx) {
    checkTlsValue(ctx, {
      directive: 'ssl_ecdh_curve',
      problem(value) {
        const p = groupListProblem(value);
        return (
          p && {
            message: `SSL_CTX_set1_curves_list("${value}") failed (SSL: error:0A080106:SSL routines::passed invalid argument:group '${p.group}' cannot be set)`,
            hint: p.hint,
          }
        );
      },
      // After the certificates, the CA files and the DH parameters (missing-file), before the
      // session ticket keys (mail) or the commands (http).
      mailStep: 8.5,
      httpStep: 0.9,
    });
  },
});
