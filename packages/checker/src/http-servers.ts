/**
 * The servers of each `http {}` and `stream {}` block with what they merge from it: a server's
 * setting is its own statements of a name or, when it has none, those of the block
 * (ngx_conf_merge_*_value and ngx_conf_merge_ptr_value take the whole list, never a mix).
 * Statements already reported as invalid are left out, as nginx never got to them.
 */
import { compareVersions } from '@mailconf/schema';
import type { RuleContext } from './rule.js';
import type { Entry } from './walk.js';

export interface BlockServer {
  /** The http {} or stream {} block. */
  block: Entry;
  server: Entry;
  /** The statements of `name` in effect for the server: its own, else the block's. */
  pick(name: string): Entry[];
}

export function* blockServers(ctx: RuleContext, family: 'http' | 'stream'): Generator<BlockServer> {
  const own = (block: Entry, name: string) => block.children.filter((c) => c.directive.name === name && !ctx.invalid.has(c));
  for (const block of ctx.walk.roots) {
    if (block.directive.name !== family || block.context !== 'main' || !block.directive.block) continue;
    for (const server of block.children) {
      if (server.directive.name !== 'server' || !server.directive.block) continue;
      yield { block, server, pick: (name) => (own(server, name).length ? own(server, name) : own(block, name)) };
    }
  }
}

export function httpServers(ctx: RuleContext): Generator<BlockServer> {
  return blockServers(ctx, 'http');
}

/**
 * Whether ngx_http_ssl_merge_srv_conf sets up TLS for the server (and so hands OpenSSL its
 * ciphers and commands): it has a certificate (its own or http's), `ssl_reject_handshake on`
 * or, up to 1.25.0, `ssl on`.
 */
export function setsUpTls(ctx: RuleContext, { pick }: BlockServer): boolean {
  const on = (name: string) => pick(name).at(-1)?.directive.argValue(0).toLowerCase() === 'on';
  return pick('ssl_certificate').length > 0 || on('ssl_reject_handshake') || (compareVersions(ctx.version, '1.25.1') < 0 && on('ssl'));
}

/**
 * Whether ngx_stream_ssl_merge_conf sets up TLS for a stream server: up to 1.25.4 when the
 * server itself has a `listen ... ssl`; from 1.25.5, as in http, when it has a certificate
 * (own or stream's) or `ssl_reject_handshake on`.
 */
export function streamSetsUpTls(ctx: RuleContext, s: BlockServer): boolean {
  if (compareVersions(ctx.version, '1.25.5') >= 0) return setsUpTls(ctx, s);
  return sslListen(s) !== undefined;
}

/** The server's last `listen ... ssl` (where nginx up to 1.25.4 points its TLS errors). */
export function sslListen({ server }: BlockServer): Entry | undefined {
  return server.children.filter((c) => c.directive.name === 'listen' && c.directive.args.slice(1).some((a) => a.value === 'ssl')).at(-1);
}

/** Every http and stream server whose TLS nginx sets up, in file order of the blocks. */
export function* tlsServers(ctx: RuleContext): Generator<BlockServer> {
  for (const s of blockServers(ctx, 'http')) if (setsUpTls(ctx, s)) yield s;
  for (const s of blockServers(ctx, 'stream')) if (streamSetsUpTls(ctx, s)) yield s;
}

/**
 * ngx_http_ssl_init and (from 1.25.5) ngx_stream_ssl_init, for one address with a `listen ... ssl`:
 * the server nginx names in `no "ssl_certificate" is defined for the "listen ... ssl" directive`,
 * or null. The default server needs a certificate; when it rejects handshakes instead, every
 * server of the address needs a certificate or rejects too.
 */
export function serverWithoutCertificate<S>(address: { default: S; servers: readonly S[] }, certified: (s: S) => boolean, rejects: (s: S) => boolean): S | null {
  if (certified(address.default)) return null;
  if (!rejects(address.default)) return address.default;
  return address.servers.find((s) => !certified(s) && !rejects(s)) ?? null;
}
