/**
 * The value of a TLS directive that nginx hands to OpenSSL when it sets up a server's TLS
 * (ssl_ciphers, ssl_ecdh_curve), checked where nginx hands it over: in mail, every server that
 * speaks TLS (its own value or mail {}'s); in http, every server whose TLS the ssl module sets
 * up (its own statement or http {}'s). A statement several servers share is reported once.
 */
import { mergeOrder } from '../http-phases.js';
import { tlsServers } from '../http-servers.js';
import { cstr } from '../mail/listen.js';
import type { ServerSettings } from '../model.js';
import type { RuleContext } from '../rule.js';
import { postParseOrder, statementRange } from '../rules/server-checks-util.js';
import type { Entry } from '../walk.js';

export interface TlsValueCheck {
  directive: 'ssl_ciphers' | 'ssl_ecdh_curve';
  /** nginx's message and a hint for a value OpenSSL refuses, or null. */
  problem(value: string): { message: string; hint?: string } | null;
  /** Where in ngx_mail_ssl_merge_conf (the step among the ssl module's checks of a server). */
  mailStep: number;
  /** Where in ngx_http_ssl_merge_srv_conf. */
  httpStep: number;
}

export function checkTlsValue(ctx: RuleContext, check: TlsValueCheck): void {
  const servers = ctx.model.servers;
  // Indexed: runs per server (see engine.ts on for...of).
  for (let si = 0; si < servers.length; si++) {
    const server = servers[si]!;
    if (!server.sslMode || !server.listens.length) continue;
    const setting = (server.settings as ServerSettings)[check.directive];
    const d = setting.directive;
    // Defaults (HIGH:!aNULL:!MD5, auto) are fine.
    if (!d) continue;
    const problem = check.problem(setting.value);
    if (!problem) continue;
    ctx.report({ ...problem, file: setting.file ?? server.file, line: d.line, range: statementRange(d), order: postParseOrder(ctx, 'ssl', server, check.mailStep) });
  }
  const reported = new Set<Entry>();
  for (const s of tlsServers(ctx)) {
    const c = s.pick(check.directive).at(-1);
    if (!c || c.directive.argCount !== 1 || reported.has(c)) continue;
    const problem = check.problem(cstr(c.directive.argValue(0)));
    if (!problem) continue;
    reported.add(c);
    ctx.report({ entry: c, ...problem, order: mergeOrder(s.block, 'ssl', s.server.seq, check.httpStep) });
  }
}
