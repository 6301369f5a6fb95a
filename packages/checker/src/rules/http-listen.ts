import { AFTER_PARSE } from '../engine.js';
import { HTTP_PHASE } from '../http-phases.js';
import { serverWithoutCertificate } from '../http-servers.js';
import { socketKey } from '../listen-sockets.js';
import { cstr, parseAddress } from '../mail/listen.js';
import { DNS_HINT, hostNotFound, resolvedListen, writtenHost } from '../net/dns.js';
import { atLeast } from '../version.js';
import { readBlockListen, withHttpPort } from '../net/block-listen.js';
import type { ListenAddress } from '../model.js';
import { defineRule, type RuleContext } from '../rule.js';
import type { Entry } from '../walk.js';
import { statementRange } from './server-checks-util.js';

/** Parameters that give a listen socket options of its own (ngx_http_core_listen's lsopt.set). */
const OPTION_WORDS = new Set(['bind', 'deferred', 'reuseport']);
const OPTION_PREFIXES = ['setfib=', 'fastopen=', 'backlog=', 'rcvbuf=', 'sndbuf=', 'accept_filter=', 'ipv6only=o', 'so_keepalive='];
/** Parameters that change neither (protocols). */
const PROTOCOL_WORDS = new Set(['ssl', 'http2', 'proxy_protocol', 'quic']);

/** One address:port of http {}, as ngx_http_add_addresses keeps it. */
interface HttpAddress {
  /** As nginx prints it: the first listen's address (a later one with options replaces it). */
  text: string;
  /** The servers listening on it, in the order their listens were read. */
  servers: Entry[];
  options: boolean;
  defaultServer: boolean;
  /** Whether any listen of it has `ssl`. */
  ssl: boolean;
  /** The server with `default_server`, or else the first to listen on it. */
  default: Entry;
}

/** A listen's addresses (port 80 when none is given) and what its parameters set, or null where we cannot tell. */
function readListen(ctx: RuleContext, d: Entry['directive']): { addresses: ListenAddress[]; options: boolean; defaultServer: boolean; ssl: boolean; resolvedName: string | null } | null {
  const written = cstr(d.argValue(0));
  const parsed = parseAddress(written);
  if ('error' in parsed) return null;
  // A listen nginx refuses never reaches the address bookkeeping (listen-parameters reports it).
  if (readBlockListen(d, 'http', ctx.version)) return null;
  // a port range is a listen of 1.27.x and later for mail only; leave such text alone
  if (parsed.addresses.length > 1 && parsed.hostName === null) return null;
  let options = false;
  let defaultServer = false;
  let ssl = false;
  for (let i = 1; i < d.argCount; i++) {
    const w = cstr(d.argValue(i));
    if (w === 'default_server' || w === 'default') defaultServer = true;
    else if (w === 'ssl') ssl = true;
    else if (OPTION_WORDS.has(w) || OPTION_PREFIXES.some((p) => w.startsWith(p))) options = true;
    else if (!PROTOCOL_WORDS.has(w)) return null;
  }
  // With --check-dns a name stands for the addresses it resolves to here; from 1.23.3 nginx
  // drops an address the name gives twice (up to 1.23.2 it is "a duplicate listen").
  let resolved = resolvedListen(ctx.options.resolveHost, parsed, written);
  if (resolved !== parsed.addresses && atLeast(ctx.version, '1.23.3')) resolved = resolved.filter((a, i) => resolved.findIndex((b) => b.text === a.text) === i);
  const addresses = resolved.map(withHttpPort);
  return { addresses, options, defaultServer, ssl, resolvedName: resolved !== parsed.addresses ? parsed.hostName : null };
}

/** The names a server answers to, lowercased as server_name stores them: exact names only. */
function exactNames(server: Entry): { names: string[]; at: Entry | null } {
  let at: Entry | null = null;
  const names: string[] = [];
  for (const c of server.children) {
    if (c.directive.name !== 'server_name') continue;
    at ??= c;
    for (let i = 0; i < c.directive.argCount; i++) {
      const n = cstr(c.directive.argValue(i)).toLowerCase();
      // wildcards and regular expressions are hashed differently; not compared here
      if (!n.includes('*') && !n.startsWith('.') && !n.startsWith('~')) names.push(n);
    }
  }
  // a server without server_name is named "" (ngx_http_core_merge_srv_conf)
  if (!at) names.push('');
  return { names, at };
}

/** nginx's http listen bookkeeping: duplicate listens, options, default servers; server names on one address. */
export default defineRule({
  meta: {
    id: 'http-listen',
    description: 'http listens nginx refuses (a duplicate listen, options or default server for one address, ssl without a certificate) and server names it ignores',
    kind: 'nginx',
    severity: 'error',
    docs: `In \`http {}\` every address:port is one entry shared by the servers that listen on it, and
nginx refuses, at the listen that breaks it:
- the same address twice in one server (\`a duplicate listen 0.0.0.0:80\`);
- socket options (\`backlog=\`, \`rcvbuf=\`, \`sndbuf=\`, \`reuseport\`, \`bind\`, \`deferred\`,
  \`ipv6only=\`, \`so_keepalive=\`, \`fastopen=\`, ...) given by two listens of one address
  (\`duplicate listen options for 0.0.0.0:443\`): set them once, on one server;
- two \`default_server\`s for one address (\`a duplicate default server for 0.0.0.0:80\`) — typical
  when a distribution's default site is left enabled beside your own.
\`listen 80\`, \`listen *:80\` and \`listen 0.0.0.0:80\` are one address; \`[::]:80\` and
\`127.0.0.1:80\` are others. Servers that share an address and answer to the same name make
nginx warn and ignore the later one (\`conflicting server name "example.org" on 0.0.0.0:80,
ignored\`; a server without \`server_name\` is named ""; one without \`listen\` listens on
\`*:80\`). And the default server of an address with \`listen ... ssl\` needs an
\`ssl_certificate\` (its own or http's) unless it has \`ssl_reject_handshake on\`, in which case
every server of the address needs one or rejects handshakes too. Listens with parameters this
rule does not know are left out.

With \`mailconf lint --check-dns\` (run where nginx runs) a listen's host name that does not resolve
there is reported as nginx reports it, in http and stream: \`host not found in "app.example.org:8080" of
the "listen" directive\`; and a name stands for the addresses it resolves to there, so \`listen app.example.org:80\`
beside \`listen 192.0.2.10:80\` in one server is \`a duplicate listen 192.0.2.10:80\` when the name resolves to
that address (and, up to 1.23.2, so is a name that resolves to one address twice).`,
  },
  config(ctx) {
    if (ctx.options.resolveHost) unresolvedListens(ctx);
    const addresses = new Map<string, HttpAddress>();
    const withoutListen: Entry[] = [];
    // The servers of http {} blocks and their listens, in reading order (includes expanded):
    // a configuration without http {} costs nothing here.
    for (const http of ctx.walk.roots) {
      if (http.directive.name !== 'http' || ctx.invalid.has(http)) continue;
      for (const server of http.children) {
        if (server.directive.name !== 'server' || server.context !== 'http' || ctx.invalid.has(server) || !server.directive.block) continue;
        let listens = 0;
        for (const e of server.children) {
          if (e.directive.name !== 'listen') continue;
          listens++;
          if (ctx.invalid.has(e) || !e.directive.argCount) continue;
          const listen = readListen(ctx, e.directive);
          if (listen) addListen(ctx, addresses, e, server, listen);
        }
        if (!listens) withoutListen.push(server);
      }
    }
    // nginx gives a server without listen *:80 when it runs as root (as it starts), *:8000 otherwise
    const port = ctx.options.asRoot === false ? 8000 : 80;
    const implicit: ListenAddress = { family: 'ipv4', host: '0.0.0.0', port, text: `0.0.0.0:${port}` };
    for (const server of withoutListen) {
      const a = addresses.get(socketKey(implicit));
      if (a) a.servers.push(server);
      else addresses.set(socketKey(implicit), { text: implicit.text, servers: [server], options: false, defaultServer: false, ssl: false, default: server });
    }
    conflictingNames(ctx, addresses);
    missingCertificates(ctx, addresses);
  },
});

function addListen(ctx: RuleContext, addresses: Map<string, HttpAddress>, e: Entry, server: Entry, listen: NonNullable<ReturnType<typeof readListen>>): void {
  const fail = (message: string, host: string) =>
    ctx.report({ entry: e, message, range: e.directive.args[0]!.range, ...(listen.resolvedName ? { hint: `"${listen.resolvedName}" resolves to ${host} on this machine` } : {}) });
  for (const addr of listen.addresses) {
    const key = socketKey(addr);
    const a = addresses.get(key);
    if (!a) {
      addresses.set(key, { text: addr.text, servers: [server], options: listen.options, defaultServer: listen.defaultServer, ssl: listen.ssl, default: server });
      continue;
    }
    a.ssl ||= listen.ssl;
    if (a.servers.includes(server)) return fail(`a duplicate listen ${a.text}`, addr.host);
    a.servers.push(server);
    if (listen.options) {
      if (a.options) return fail(`duplicate listen options for ${a.text}`, addr.host);
      a.options = true;
      a.text = addr.text;
    }
    if (listen.defaultServer) {
      if (a.defaultServer) return fail(`a duplicate default server for ${a.text}`, addr.host);
      a.defaultServer = true;
      a.default = server;
    }
  }
}

/** ngx_http_server_names: on an address with several servers, a name already taken warns and is ignored. */
function conflictingNames(ctx: RuleContext, addresses: Map<string, HttpAddress>): void {
  let k = 0;
  for (const a of addresses.values()) {
    if (a.servers.length < 2) continue;
    const seen = new Set<string>();
    for (const server of a.servers) {
      const { names, at } = exactNames(server);
      for (const name of names) {
        if (!seen.has(name)) {
          seen.add(name);
          continue;
        }
        const where = at ?? server;
        ctx.report({
          entry: where,
          message: `conflicting server name "${name}" on ${a.text}, ignored`,
          nginxLevel: 'warn',
          severity: 'warning',
          range: at ? statementRange(at.directive) : (server.directive.block?.open ?? server.directive.range),
          order: [AFTER_PARSE - 1, k++],
        });
      }
    }
  }
}

/** Whether a server, or the http {} around it, has a statement of this name (what ssl_certificate and the like inherit). */
function setFor(server: Entry, name: string, value?: string): boolean {
  const has = (e: Entry) => e.children.some((c) => c.directive.name === name && (value === undefined || (c.directive.argCount === 1 && c.directive.argValue(0).toLowerCase() === value)));
  return has(server) || (server.parent !== null && has(server.parent));
}

/**
 * ngx_http_ssl_init: the default server of every address with a \`listen ... ssl\` needs a
 * certificate, unless it rejects handshakes (then every server of the address does, or rejects).
 * Reported at the server's "{", where nginx points, once http {} is read.
 */
function missingCertificates(ctx: RuleContext, addresses: Map<string, HttpAddress>): void {
  let k = 0;
  for (const a of addresses.values()) {
    if (!a.ssl) continue;
    const missing = serverWithoutCertificate(a, (s) => setFor(s, 'ssl_certificate'), (s) => setFor(s, 'ssl_reject_handshake', 'on'));
    if (!missing) continue;
    const http = missing.parent!;
    const open = missing.directive.block?.open ?? missing.directive.range;
    ctx.report({
      entry: missing,
      message: 'no "ssl_certificate" is defined for the "listen ... ssl" directive',
      line: open.start.line,
      range: { start: missing.directive.range.start, end: open.end },
      order: [http.endSeq, HTTP_PHASE.postconfiguration, k++],
    });
    // nginx stops at the first; the others are found once it is mended
  }
}

/**
 * `host not found in "app.example.org:8080" of the "listen" directive`: nginx resolves a listen's
 * host name while it reads it, in http and stream as in mail (listen-syntax); reported when the
 * caller's resolver says the name does not resolve (--check-dns).
 */
function unresolvedListens(ctx: RuleContext): void {
  const all = ctx.walk.all;
  for (let i = 0; i < all.length; i++) {
    const e = all[i]!;
    const d = e.directive;
    if (d.name !== 'listen' || (e.context !== 'http:server' && e.context !== 'stream:server') || !d.argCount || ctx.invalid.has(e)) continue;
    const address = cstr(d.argValue(0));
    const parsed = parseAddress(address);
    if ('error' in parsed || !parsed.hostName) continue;
    if (!hostNotFound(ctx, writtenHost(address))) continue;
    ctx.report({ entry: e, message: `host not found in "${address}" of the "listen" directive`, range: d.args[0]!.range, hint: DNS_HINT });
  }
}
