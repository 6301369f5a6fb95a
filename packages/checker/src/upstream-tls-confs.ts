/**
 * Where nginx sets TLS to an upstream up when it reads the configuration, with the settings in
 * effect there: in http, each location (or `if` in one) whose proxy_pass is https://, grpc_pass
 * grpcs:// or uwsgi_pass suwsgi:// — or any of them with variables, the scheme being known only
 * per request; also in an `if` or `limit_except` there — merged with what it inherits (ngx_http_proxy_set_ssl and its grpc and uwsgi
 * twins); in stream, each server with `proxy_ssl on`, its own or stream's (ngx_stream_proxy_set_ssl).
 * Shared by upstream-tls (the settings), missing-file (the files), ssl-ciphers and ssl-conf-command.
 *
 * What each sets up, in order (`order(step)`): the cipher string (0.85), the client certificate
 * and its key (0.9–0.92), the trusted certificates and CRL when verifying (0.925–0.94), the
 * commands (0.97).
 */
import { blockServers } from './http-servers.js';
import { mergeOrder, type MergeModule } from './http-phases.js';
import type { RuleContext } from './rule.js';
import type { Entry } from './walk.js';

export interface UpstreamTlsConf {
  /** `proxy`, `grpc` or `uwsgi`: the settings are `<prefix>_ssl_*`. */
  prefix: string;
  /** The statement in effect for a name: the block's own last one, else the nearest enclosing block's. */
  pick(name: string): Entry | undefined;
  /** For a list (`*_ssl_conf_command`): the block's own statements of that name, else the nearest enclosing block's. */
  pickAll(name: string): Entry[];
  /** The statement that asks for TLS (the pass, or `proxy_ssl on`). */
  via: Entry;
  /** Where nginx sets it up: the module's merge of this block; `step` orders what it does there. */
  order(step: number): number[];
}

const HTTP_MODULES: { module: MergeModule; prefix: string; pass: string; scheme: string }[] = [
  { module: 'proxy', prefix: 'proxy', pass: 'proxy_pass', scheme: 'https://' },
  { module: 'uwsgi', prefix: 'uwsgi', pass: 'uwsgi_pass', scheme: 'suwsgi://' },
  { module: 'grpc', prefix: 'grpc', pass: 'grpc_pass', scheme: 'grpcs://' },
];

/** Blocks merged into one another, from http {} down: what a location's settings are inherited through. */
const MERGED = new Set(['server', 'location', 'if', 'limit_except']);

export function* upstreamTlsConfs(ctx: RuleContext): Generator<UpstreamTlsConf> {
  const own = (block: Entry, name: string) => block.children.filter((c) => c.directive.name === name && !ctx.invalid.has(c));
  const pickerAll = (path: Entry[]) => (name: string) => {
    for (let i = path.length - 1; i >= 0; i--) {
      const found = own(path[i]!, name);
      if (found.length) return found;
    }
    return [];
  };
  for (const http of ctx.walk.roots) {
    if (http.directive.name !== 'http' || ctx.invalid.has(http) || !http.directive.block) continue;
    for (const m of HTTP_MODULES) {
      const found: UpstreamTlsConf[] = [];
      const visit = (block: Entry, chain: Entry[]) => {
        const path = [...chain, block];
        // Where a *_pass may stand: a location, an `if` in one, a `limit_except`.
        if (block.directive.name === 'location' || block.directive.name === 'if' || block.directive.name === 'limit_except') {
          const pass = own(block, m.pass).at(-1);
          if (pass && pass.directive.argCount === 1 && passesToTls(pass.directive.argValue(0), m.scheme)) {
            const pickAll = pickerAll(path);
            found.push({ prefix: m.prefix, pick: (name) => pickAll(name).at(-1), pickAll, via: pass, order: (step) => mergeOrder(http, m.module, block.seq, step) });
          }
        }
        for (const c of block.children) if (MERGED.has(c.directive.name) && c.directive.block && !ctx.invalid.has(c)) visit(c, path);
      };
      for (const server of http.children) if (server.directive.name === 'server' && server.directive.block && !ctx.invalid.has(server)) visit(server, [http]);
      yield* found;
    }
  }
  for (const { block, server } of blockServers(ctx, 'stream')) {
    if (ctx.invalid.has(server)) continue;
    const pickAll = pickerAll([block, server]);
    const pick = (name: string) => pickAll(name).at(-1);
    const enable = pick('proxy_ssl');
    if (!enable || enable.directive.argCount !== 1 || enable.directive.argValue(0).toLowerCase() !== 'on') continue;
    yield { prefix: 'proxy', pick, pickAll, via: enable, order: (step) => mergeOrder(block, 'proxy', server.seq, step) };
  }
}

/** Where a report about an upstream's TLS settings says that TLS is set up. */
export function upstreamTlsHint(conf: UpstreamTlsConf): string {
  return `TLS to the upstream is set up for the ${conf.via.directive.name} on line ${conf.via.directive.line}`;
}

function passesToTls(url: string, scheme: string): boolean {
  return url.includes('$') || url.slice(0, scheme.length).toLowerCase() === scheme;
}
