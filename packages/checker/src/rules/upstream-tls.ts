import { blockServers } from '../http-servers.js';
import { mergeOrder, type MergeModule } from '../http-phases.js';
import { cstr } from '../mail/listen.js';
import { defineRule, type RuleContext } from '../rule.js';
import type { Entry } from '../walk.js';

/**
 * The http modules that pass to TLS upstreams: a pass to a URL with this scheme, or with
 * variables (the scheme is known only per request), sets up TLS for that location when it is
 * merged (ngx_http_proxy_set_ssl and its grpc and uwsgi twins).
 */
const HTTP_MODULES: { module: MergeModule; prefix: string; pass: string; scheme: string }[] = [
  { module: 'proxy', prefix: 'proxy', pass: 'proxy_pass', scheme: 'https://' },
  { module: 'uwsgi', prefix: 'uwsgi', pass: 'uwsgi_pass', scheme: 'suwsgi://' },
  { module: 'grpc', prefix: 'grpc', pass: 'grpc_pass', scheme: 'grpcs://' },
];

/** Blocks merged into one another, from http {} down: what a location's settings are inherited through. */
const MERGED = new Set(['server', 'location', 'if', 'limit_except']);

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
    for (const http of ctx.walk.roots) {
      if (http.directive.name !== 'http' || ctx.invalid.has(http) || !http.directive.block) continue;
      for (const m of HTTP_MODULES) {
        const visit = (block: Entry, chain: Entry[]) => {
          const path = [...chain, block];
          if (block.directive.name === 'location' || block.directive.name === 'if') {
            const pass = own(ctx, block, m.pass).at(-1);
            if (pass && pass.directive.argCount === 1 && passesToTls(pass.directive.argValue(0), m.scheme)) {
              checkTls(ctx, path, m.prefix, mergeOrder(http, m.module, block.seq, 0.9), reported, pass);
            }
          }
          for (const c of block.children) if (MERGED.has(c.directive.name) && c.directive.block && !ctx.invalid.has(c)) visit(c, path);
        };
        for (const server of http.children) if (server.directive.name === 'server' && server.directive.block && !ctx.invalid.has(server)) visit(server, [http]);
      }
    }
    // stream: every server with proxy_ssl on (its own or stream's) sets TLS up when it is merged.
    for (const { block, server } of blockServers(ctx, 'stream')) {
      if (ctx.invalid.has(server)) continue;
      const path = [block, server];
      const enable = inEffect(ctx, path, 'proxy_ssl');
      if (!enable || enable.directive.argCount !== 1 || enable.directive.argValue(0).toLowerCase() !== 'on') continue;
      checkTls(ctx, path, 'proxy', mergeOrder(block, 'proxy', server.seq, 0.9), reported, enable);
    }
  },
});

function own(ctx: RuleContext, block: Entry, name: string): Entry[] {
  return block.children.filter((c) => c.directive.name === name && !ctx.invalid.has(c));
}

/** The statement of `name` a block merges to: its own last one, else the nearest enclosing block's. */
function inEffect(ctx: RuleContext, path: Entry[], name: string): Entry | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const found = own(ctx, path[i]!, name).at(-1);
    if (found) return found;
  }
  return undefined;
}

function passesToTls(url: string, scheme: string): boolean {
  return url.includes('$') || url.slice(0, scheme.length).toLowerCase() === scheme;
}

function checkTls(ctx: RuleContext, path: Entry[], prefix: string, order: number[], reported: Set<Entry>, via: Entry): void {
  const report = (entry: Entry, message: string) => {
    if (reported.has(entry)) return;
    reported.add(entry);
    ctx.report({ entry, message, order, hint: `TLS to the upstream is set up for the ${via.directive.name} on line ${via.directive.line}` });
  };
  const cert = inEffect(ctx, path, `${prefix}_ssl_certificate`);
  if (cert && cert.directive.argCount === 1 && !inEffect(ctx, path, `${prefix}_ssl_certificate_key`)) {
    report(cert, `no "${prefix}_ssl_certificate_key" is defined for certificate "${cstr(cert.directive.argValue(0))}"`);
    return;
  }
  const verify = inEffect(ctx, path, `${prefix}_ssl_verify`);
  if (!verify || verify.directive.argCount !== 1 || verify.directive.argValue(0).toLowerCase() !== 'on') return;
  const trusted = inEffect(ctx, path, `${prefix}_ssl_trusted_certificate`);
  if (!trusted || trusted.directive.argCount !== 1 || trusted.directive.argValue(0) === '') report(verify, `no ${prefix}_ssl_trusted_certificate for ${prefix}_ssl_verify`);
}
