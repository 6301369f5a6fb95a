/**
 * The servers of each `http {}` block with what they merge from it: a server's setting is its
 * own statements of a name or, when it has none, those of http {} (ngx_conf_merge_*_value and
 * ngx_conf_merge_ptr_value take the whole list, never a mix). Statements already reported as
 * invalid are left out, as nginx never got to them.
 */
import { compareVersions } from '@mailconf/schema';
import type { RuleContext } from './rule.js';
import type { Entry } from './walk.js';

export interface HttpServer {
  http: Entry;
  server: Entry;
  /** The statements of `name` in effect for the server: its own, else http {}'s. */
  pick(name: string): Entry[];
}

export function* httpServers(ctx: RuleContext): Generator<HttpServer> {
  const own = (block: Entry, name: string) => block.children.filter((c) => c.directive.name === name && !ctx.invalid.has(c));
  for (const http of ctx.walk.roots) {
    if (http.directive.name !== 'http' || http.context !== 'main' || !http.directive.block) continue;
    for (const server of http.children) {
      if (server.directive.name !== 'server' || !server.directive.block) continue;
      yield { http, server, pick: (name) => (own(server, name).length ? own(server, name) : own(http, name)) };
    }
  }
}

/**
 * Whether ngx_http_ssl_merge_srv_conf sets up TLS for the server (and so hands OpenSSL its
 * ciphers and commands): it has a certificate (its own or http's), `ssl_reject_handshake on`
 * or, up to 1.25.0, `ssl on`.
 */
export function setsUpTls(ctx: RuleContext, { pick }: HttpServer): boolean {
  const on = (name: string) => pick(name).at(-1)?.directive.argValue(0).toLowerCase() === 'on';
  return pick('ssl_certificate').length > 0 || on('ssl_reject_handshake') || (compareVersions(ctx.version, '1.25.1') < 0 && on('ssl'));
}
