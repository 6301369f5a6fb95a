import { mergeOrder } from '../http-phases.js';
import { httpServers, setsUpTls } from '../http-servers.js';
import { cstr } from '../mail/listen.js';
import { defineRule } from '../rule.js';
import { cipherListProblem } from '../tls/cipher-list.js';
import type { Entry } from '../walk.js';
import { postParseOrder, statementRange } from './server-checks-util.js';

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
    docs: `nginx passes \`ssl_ciphers\` to OpenSSL when it sets up a server's TLS (in mail, every server that
speaks TLS; in http, every server with a certificate), and \`nginx -t\` fails with no line when
OpenSSL refuses it:
- \`no cipher match\`: nothing in the string selects a TLS 1.2 suite. OpenSSL skips names it does
  not know without a word, so a string made only of them fails: a misspelling, a name in lower
  case (\`high\`; names and aliases are exact), a TLS 1.3 suite (\`TLS_AES_128_GCM_SHA256\` belongs
  in \`ssl_conf_command Ciphersuites\`), \`TLSv1.3\` or \`TLSv1.1\` (not aliases), or what is taken
  out again (\`ECDHE:!ECDHE\`, \`HIGH:!ALL\`). \`FOO:DEFAULT\` fails too: \`DEFAULT\` is the default
  list only at the start of the string.
- \`invalid command\`: a character OpenSSL cannot read where an element starts (\`HIGH:*\`,
  a \`!\` with nothing after it), or an \`@\` command other than \`@STRENGTH\` and \`@SECLEVEL=0\` to \`5\`.

The message is OpenSSL 3.0's. Only what every OpenSSL 3 build refuses is judged: suites some
builds leave out or add (RC4, 3DES, SEED, IDEA, GOST) and IANA names (\`TLS_ECDHE_RSA_WITH_...\`,
which OpenSSL 3.0 does not take) count as known.`,
  },
  config(ctx) {
    const servers = ctx.model.servers;
    // Indexed: runs per server (see engine.ts on for...of).
    for (let si = 0; si < servers.length; si++) {
      const server = servers[si]!;
      if (!server.sslMode || !server.listens.length) continue;
      const setting = server.settings.ssl_ciphers;
      const d = setting.directive;
      // The default, HIGH:!aNULL:!MD5, is fine.
      if (!d) continue;
      const problem = cipherListProblem(setting.value);
      if (!problem) continue;
      ctx.report({
        message: message(setting.value, problem.errors),
        ...(problem.hint ? { hint: problem.hint } : {}),
        file: setting.file ?? server.file,
        line: d.line,
        range: statementRange(d),
        // ngx_mail_ssl_merge_conf: after the certificate checks, before loading the files.
        order: postParseOrder(ctx, 'ssl', server, 0.5),
      });
    }
    // A statement of http {} that several servers inherit is reported once, for the first of them.
    const reported = new Set<Entry>();
    for (const s of httpServers(ctx)) {
      if (!setsUpTls(ctx, s)) continue;
      const c = s.pick('ssl_ciphers').at(-1);
      if (!c || c.directive.argCount !== 1 || reported.has(c)) continue;
      const value = cstr(c.directive.argValue(0));
      const problem = cipherListProblem(value);
      if (!problem) continue;
      reported.add(c);
      // ngx_http_ssl_merge_srv_conf: after the certificate checks (http-ssl-keys), before the
      // client verification and the commands.
      ctx.report({ entry: c, message: message(value, problem.errors), ...(problem.hint ? { hint: problem.hint } : {}), order: mergeOrder(s.http, 'ssl', s.server.seq, 0.5) });
    }
  },
});

function message(value: string, errors: string): string {
  return `SSL_CTX_set_cipher_list("${value}") failed (SSL: ${errors})`;
}
