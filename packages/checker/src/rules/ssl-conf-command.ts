import { mergeOrder } from '../http-phases.js';
import { tlsServers } from '../http-servers.js';
import { cstr } from '../mail/listen.js';
import { defineRule } from '../rule.js';
import type { ServerModel } from '../model.js';
import type { RuleContext } from '../rule.js';
import { sslConfCommandError } from '../tls/ssl-conf-command.js';
import { upstreamTlsConfs, upstreamTlsHint } from '../upstream-tls-confs.js';
import type { Entry } from '../walk.js';
import { postParseOrder, serverEntry, statementRange } from './server-checks-util.js';

/**
 * ssl_conf_command in mail, http and stream: nginx hands each pair to OpenSSL when it sets up a
 * server's TLS, after the block is read, and fails on the first OpenSSL refuses.
 */
export default defineRule({
  meta: {
    id: 'ssl-conf-command',
    description: 'An ssl_conf_command that OpenSSL refuses (unknown command, protocol or option word, cipher-suite name)',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['D10'],
    docs: `\`ssl_conf_command NAME VALUE\` passes a setting straight to OpenSSL (SSL_CONF_cmd) when nginx sets up
a server's TLS, with the commands of the server or, when it has none, of \`mail {}\` or \`http {}\`: in
mail, every server that speaks TLS (\`listen ... ssl\`, \`starttls\`); in http, every server with a
certificate (its own or http's), \`ssl_reject_handshake on\` or (up to 1.25.0) \`ssl on\`; in stream, up to
1.25.4 every server with a \`listen ... ssl\`, from 1.25.5 every server with a certificate. Likewise
\`proxy_ssl_conf_command\` (\`grpc_\`, \`uwsgi_\`) where nginx sets up TLS to an upstream: a location passing
to \`https://\`, \`grpcs://\`, \`suwsgi://\` or a URL with variables, a stream server with \`proxy_ssl on\`.
OpenSSL refuses, and \`nginx -t\` fails with no line:
- a command it does not know (names are OpenSSL's file names, in any case: \`Ciphersuites\`,
  \`MinProtocol\`, \`Options\`, \`Groups\`, ...);
- \`MinProtocol\`/\`MaxProtocol\` other than \`None\`, \`SSLv3\`, \`TLSv1\`, \`TLSv1.1\`, \`TLSv1.2\`, \`TLSv1.3\`
  (\`TLS1.2\` is refused);
- a \`Protocol\` or \`Options\` word it does not know (\`Options -SessionTicket,PrioritizeChaCha\`);
- \`Ciphersuites\` with a TLS 1.2 suite name: TLS 1.3 suites are named \`TLS_AES_256_GCM_SHA384\`,
  \`TLS_CHACHA20_POLY1305_SHA256\`, ...; \`ECDHE-RSA-AES128-GCM-SHA256\` belongs in \`ssl_ciphers\`.

The message is OpenSSL 3.0's. Group names and files are left to nginx: they depend on the build.`,
  },
  config(ctx) {
    const servers = ctx.model.servers;
    // Indexed: runs per server (see engine.ts on for...of).
    for (let si = 0; si < servers.length; si++) {
      const server = servers[si]!;
      if (!server.sslMode || !server.listens.length) continue;
      const setting = server.settings.ssl_conf_command;
      const pairs = setting.value;
      for (let k = 0; k < pairs.length; k++) {
        const [name, value] = pairs[k]!;
        const message = sslConfCommandError(name, value);
        if (!message) continue;
        const statement = commandStatements(ctx, server, setting.origin)[k];
        ctx.report({
          message,
          ...(statement ? { file: statement.file, line: statement.directive.line, range: statementRange(statement.directive) } : {}),
          // ngx_mail_ssl_merge_conf applies the commands last, after certificates and the rest.
          order: postParseOrder(ctx, 'ssl', server, 9),
        });
        break;
      }
    }
    checkHttpServers(ctx);
    checkUpstreams(ctx);
  },
});

/**
 * proxy_ssl_conf_command (grpc_, uwsgi_, and stream's proxy_): applied last where TLS to an
 * upstream is set up, the location's own list or the one it inherits.
 */
function checkUpstreams(ctx: RuleContext): void {
  const reported = new Set<Entry>();
  for (const conf of upstreamTlsConfs(ctx)) {
    for (const c of conf.pickAll(`${conf.prefix}_ssl_conf_command`)) {
      if (c.directive.argCount !== 2) continue;
      const message = sslConfCommandError(cstr(c.directive.argValue(0)), cstr(c.directive.argValue(1)));
      if (!message) continue;
      if (!reported.has(c)) ctx.report({ entry: c, message, hint: upstreamTlsHint(conf), order: conf.order(0.97) });
      reported.add(c);
      break;
    }
  }
}

/** ngx_http_ssl_merge_srv_conf: the commands run last, for each server whose TLS it sets up. */
function checkHttpServers(ctx: RuleContext): void {
  // A statement of http {} that several servers inherit is reported once, for the first of them.
  const reported = new Set<Entry>();
  for (const { block, server, pick } of tlsServers(ctx)) {
    for (const c of pick('ssl_conf_command')) {
      if (c.directive.argCount !== 2) continue;
      const message = sslConfCommandError(cstr(c.directive.argValue(0)), cstr(c.directive.argValue(1)));
      if (!message) continue;
      // After the certificate checks of the same merge (http-ssl-keys).
      if (!reported.has(c)) ctx.report({ entry: c, message, order: mergeOrder(block, 'ssl', server.seq, 1) });
      reported.add(c);
      break;
    }
  }
}

/**
 * The ssl_conf_command statements a server's value came from, in order: its own, or mail {}'s
 * (the top of the file when it is a `--context mail` or `server` fragment).
 */
function commandStatements(ctx: RuleContext, server: ServerModel, origin: string): Entry[] {
  const mail = ctx.walk.roots.find((e) => e.directive === ctx.model.mail);
  const statements = origin === 'server' ? (serverEntry(ctx, server)?.children ?? ctx.walk.roots) : mail ? mail.children : ctx.walk.roots;
  return statements.filter((c) => c.directive.name === 'ssl_conf_command' && !ctx.invalid.has(c));
}
