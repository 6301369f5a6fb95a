import { cstr } from '../mail/listen.js';
import { defineRule, type RuleContext } from '../rule.js';
import { cipherListProblem } from '../tls/cipher-list.js';
import { checkTlsValue } from '../tls/server-values.js';
import { upstreamTlsConfs, upstreamTlsHint } from '../upstream-tls-confs.js';
import type { Entry } from '../walk.js';

/**
 * ssl_ciphers in mail and http: nginx hands the string to OpenSSL (SSL_CTX_set_cipher_list)
 * when it sets up a server's TLS, right after creating its context and before loading its
 * certificates, and fails when OpenSSL refuses it.
 */
export default defineRule({
  meta: {
    id: 'ssl-ciphers',
    description: 'An ssl_ciphers string OpenSSL refuses: it selects no TLS 1.2 suite, or has a character or @ command OpenSSL cannot read',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['D10'],
    docs: `nginx passes \`ssl_ciphers\` to OpenSSL when it sets up a server's TLS (in mail, every server that
speaks TLS; in http, every server with a certificate; in stream, up to 1.25.4 every server with a
\`listen ... ssl\`, from 1.25.5 every server with a certificate), and \`proxy_ssl_ciphers\` (\`grpc_ssl_ciphers\`,
\`uwsgi_ssl_ciphers\`) where it sets up TLS to an upstream (a location passing to \`https://\`, \`grpcs://\`,
\`suwsgi://\` or a URL with variables; a stream server with \`proxy_ssl on\`). \`nginx -t\` fails with no
line when OpenSSL refuses it:
- \`no cipher match\`: nothing in the string selects a TLS 1.2 suite. OpenSSL skips names it does
  not know without a word, so a string made only of them fails: a misspelling, a name in lower
  case (\`high\`; names and aliases are exact), a TLS 1.3 suite (\`TLS_AES_128_GCM_SHA256\` belongs
  in \`ssl_conf_command Ciphersuites\`), \`TLSv1.3\` or \`TLSv1.1\` (not aliases), \`LOW\` (empty since OpenSSL 1.1.0), or what is taken
  out again (\`ECDHE:!ECDHE\`, \`HIGH:!ALL\`). \`FOO:DEFAULT\` fails too: \`DEFAULT\` is the default
  list only at the start of the string.
- \`invalid command\`: a character OpenSSL cannot read where an element starts (\`HIGH:*\`,
  a \`!\` with nothing after it), or an \`@\` command other than \`@STRENGTH\` and \`@SECLEVEL=0\` to \`5\`.

The message is OpenSSL 3.0's. Only what every OpenSSL 3 build refuses is judged: suites some
builds leave out or add (RC4, 3DES, SEED, IDEA, GOST) and IANA names (\`TLS_ECDHE_RSA_WITH_...\`,
which OpenSSL 3.0 does not take) count as known; names with \`_\` (read as one name only from 3.2) and
Fedora's, RHEL's and openSUSE's \`PROFILE=SYSTEM\` are left to nginx.`,
  },
  config(ctx) {
    checkTlsValue(ctx, {
      directive: 'ssl_ciphers',
      problem: cipherProblem,
      // After the certificate checks, before the certificates are loaded (mail) or the client
      // verification and the commands (http).
      mailStep: 0.5,
      httpStep: 0.5,
    });
    checkUpstreams(ctx);
  },
});

function cipherProblem(value: string): { message: string; hint?: string } | null {
  const p = cipherListProblem(value);
  return p && { message: `SSL_CTX_set_cipher_list("${value}") failed (SSL: ${p.errors})`, ...(p.hint ? { hint: p.hint } : {}) };
}

/**
 * proxy_ssl_ciphers, grpc_ssl_ciphers, uwsgi_ssl_ciphers (and stream's proxy_ssl_ciphers): set
 * first where TLS to an upstream is set up. A statement several locations inherit is reported once.
 */
function checkUpstreams(ctx: RuleContext): void {
  const reported = new Set<Entry>();
  for (const conf of upstreamTlsConfs(ctx)) {
    const c = conf.pick(`${conf.prefix}_ssl_ciphers`);
    if (!c || c.directive.argCount !== 1 || reported.has(c)) continue;
    const problem = cipherProblem(cstr(c.directive.argValue(0)));
    if (!problem) continue;
    reported.add(c);
    ctx.report({ entry: c, message: problem.message, hint: problem.hint ?? upstreamTlsHint(conf), order: conf.order(0.85) });
  }
}
