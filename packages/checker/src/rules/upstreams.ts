import { HTTP_PHASE } from '../http-phases.js';
import { parseHostPort } from '../mail/urls.js';
import { readProxyUrl } from '../net/proxy-url.js';
import { DNS_HINT, hostNotFound, isName } from '../net/dns.js';
import { isHostName, numericIPv4 } from '../net/host-name.js';
import { atLeast } from '../version.js';
import { defineRule, type RuleContext } from '../rule.js';
import { atoi, timeSec } from '../values.js';
import type { Entry } from '../walk.js';

/** What an upstream's balancing method lets its servers say (the NGX_HTTP_UPSTREAM_* flags). */
const ALL = ['weight=', 'max_conns=', 'max_fails=', 'fail_timeout=', 'down', 'backup'];
const NO_BACKUP = ALL.filter((p) => p !== 'backup');
const METHOD_PARAMETERS: Record<string, string[]> = { hash: NO_BACKUP, ip_hash: NO_BACKUP, random: NO_BACKUP, least_conn: ALL };

/** An http upstream nginx knows by name: an `upstream {}` block, or one a *_pass URL made. */
interface Known {
  host: string;
  block: boolean;
  /** The URL's port; null when it gave none. */
  port: number | null;
  entry: Entry;
  /** Made by a *_pass with no default port (fastcgi_pass and the like): it must give one or name a block. */
  needsPort?: boolean;
}

/**
 * The http *_pass directives other than proxy_pass that make an upstream of their address
 * (ngx_http_upstream_add, not resolved until the upstreams are initialised), with the scheme
 * each may start with. None has a default port.
 */
const PASS_SCHEMES: Record<string, string[]> = {
  fastcgi_pass: [],
  scgi_pass: [],
  memcached_pass: [],
  uwsgi_pass: ['uwsgi://', 'suwsgi://'],
  grpc_pass: ['grpc://', 'grpcs://'],
};

interface State {
  known: Known[];
  /** The parameters the block's servers may use, as its balancing method has set them so far. */
  parameters: Map<Entry, string[]>;
  /** Each block with the statement that first named it (a proxy_pass above it): nginx reports that one's name and line. */
  blocks: { entry: Entry; first: Known; servers: Entry[]; backups: number }[];
}

/**
 * http and stream upstreams as ngx_*_upstream_add and ngx_*_upstream_server read them, in reading
 * order: one `upstream` block per name, ports that cannot be given to a block's name, the
 * parameters of each `server` (those the balancing method set above it allows), at least one
 * server, and, once http {} is read, at least one that is not a backup.
 */
export default defineRule({
  meta: {
    id: 'upstreams',
    description: 'http and stream upstream blocks: unique names, ports, server parameters, at least one usable server',
    kind: 'nginx',
    severity: 'error',
    docs: `nginx's checks of \`upstream {}\` blocks in http (an \`auth_http\` endpoint behind nginx often
has one) and stream:
- \`duplicate upstream "name"\`; \`upstream "name" may not have port 8080\`: a \`proxy_pass\` to a block's
  name gives no port (the servers inside have theirs), before or after the block;
- \`server\` parameters: \`weight=\` (1 or more), \`max_conns=\`, \`max_fails=\`, \`fail_timeout=\`, \`down\`,
  \`backup\` (\`invalid parameter "weight=0"\`); \`hash\`, \`ip_hash\` and \`random\` written above the
  servers refuse \`backup\` (\`balancing method does not support parameter "backup"\`);
- \`keepalive\` takes a number of connections from 1 up;
- the address of each server (\`invalid port in upstream "127.0.0.1:99999"\`); in stream it must have a
  port (\`no port in upstream "127.0.0.1"\`), and so must a stream \`proxy_pass\` that names no
  \`upstream\` block (\`proxy_pass backend;\` with no \`upstream backend {}\`), and http's
  \`fastcgi_pass\`, \`scgi_pass\`, \`uwsgi_pass\`, \`grpc_pass\` and \`memcached_pass\`, which make
  upstreams as \`proxy_pass\` does but have no default port;
- \`no servers are inside upstream\`, and, when http {} is read, \`no servers in upstream "name"\` when
  every server is a backup; a *_pass host that can be no host name (\`1..2\`) is
  \`host not found in upstream "1..2"\`.
Other host names are not looked up unless asked.

With \`mailconf lint --check-dns\` (run where nginx runs) a host name that does not resolve there is
reported as nginx reports it: \`host not found in upstream "app.example.org:8080"\`.`,
  },
  stage: 'value',
  names: ['upstream', 'server', 'proxy_pass', 'hash', 'ip_hash', 'least_conn', 'random', 'keepalive', ...Object.keys(PASS_SCHEMES)],
  // Not the mail servers.
  appliesTo: (_spec, context) => context !== null && (context.startsWith('http') || context.startsWith('stream')),
  directive(entry, ctx) {
    const d = entry.directive;
    const family = entry.context?.startsWith('stream') ? 'stream' : 'http';
    const state = stateOf(ctx, family);
    const fail = (message: string, arg?: number) => ctx.report({ entry, message, range: arg === undefined ? undefined : d.args[arg]!.range });
    switch (d.name) {
      case 'upstream': {
        if (entry.context !== family || d.argCount !== 1 || !d.block) return;
        const host = d.argValue(0);
        const filed = add(state, { host, block: true, port: null, entry }, family);
        if ('message' in filed) {
          if (filed.at) return ctx.report({ entry: filed.at, message: filed.message, order: [entry.seq] });
          return fail(filed.message, 0);
        }
        state.parameters.set(entry, ALL);
        const block = { entry, first: filed, servers: entry.children.filter((c) => c.directive.name === 'server'), backups: 0 };
        state.blocks.push(block);
        // Read when the block ends: after its servers.
        if (!block.servers.length) {
          const close = d.block.close;
          ctx.report({ entry, message: 'no servers are inside upstream', ...(close ? { line: close.start.line, range: close } : {}), order: [entry.endSeq] });
        }
        return;
      }
      case 'keepalive': {
        if (entry.context !== 'http:upstream' || !d.argCount) return;
        const n = atoi(d.argValue(0));
        if (n === null || n === 0n) fail(`invalid value "${d.argValue(0)}" in "keepalive" directive`, 0);
        return;
      }
      case 'hash':
      case 'ip_hash':
      case 'least_conn':
      case 'random':
        if (entry.context === `${family}:upstream` && entry.parent) state.parameters.set(entry.parent, METHOD_PARAMETERS[d.name]!);
        return;
      case 'server': {
        if (entry.context !== `${family}:upstream` || !entry.parent || !d.argCount) return;
        const allowed = state.parameters.get(entry.parent) ?? ALL;
        let backup = false;
        let resolveLater = false;
        for (let i = 1; i < d.argCount; i++) {
          const p = d.argValue(i);
          // From 1.27.3 a server may be resolved while nginx runs (any balancing method).
          if (atLeast(ctx.version, '1.27.3') && (p === 'resolve' || p.startsWith('service='))) {
            resolveLater ||= p === 'resolve';
            continue;
          }
          const known = ALL.find((k) => (k.endsWith('=') ? p.startsWith(k) : p === k));
          if (!known) return fail(`invalid parameter "${p}"`, i);
          if (!allowed.includes(known)) return fail(`balancing method does not support parameter "${p}"`, i);
          if (!validParameter(known, p.slice(known.length))) return fail(`invalid parameter "${p}"`, i);
          if (known === 'backup') backup = true;
        }
        // A stream server has no default port.
        const address = parseHostPort(d.argValue(0), family === 'http' ? 80 : 0, false);
        if (!address.ok) return fail(`${address.error} in upstream "${d.argValue(0)}"`, 0);
        // ngx_parse_url resolves the name before the stream module looks for a port.
        if (address.value.family === 'name' && !resolveLater && hostNotFound(ctx, address.value.host)) {
          return ctx.report({ entry, message: `host not found in upstream "${d.argValue(0)}"`, range: d.args[0]!.range, hint: DNS_HINT });
        }
        if (family === 'stream' && address.value.family !== 'unix' && address.value.port === 0) return fail(`no port in upstream "${d.argValue(0)}"`, 0);
        if (backup) {
          const block = state.blocks.find((b) => b.entry === entry.parent);
          if (block) block.backups++;
        }
        return;
      }
      case 'fastcgi_pass':
      case 'scgi_pass':
      case 'memcached_pass':
      case 'uwsgi_pass':
      case 'grpc_pass': {
        if (family !== 'http' || d.argCount !== 1) return;
        let url = d.argValue(0);
        if (url.includes('$')) return;
        const scheme = PASS_SCHEMES[d.name]!.find((p) => url.toLowerCase().startsWith(p));
        if (scheme) url = url.slice(scheme.length);
        const message = fileAddress(state, family, entry, url, true);
        if (message) fail(message, 0);
        return;
      }
      case 'proxy_pass': {
        if (d.argCount !== 1) return;
        const url = d.argValue(0);
        if (url.includes('$')) return;
        if (family === 'stream') {
          // An address, or an upstream's name (ngx_stream_proxy_pass): with no port of its own it
          // must name a block, which nginx finds out when it initialises the upstreams.
          const message = fileAddress(state, family, entry, url, false);
          if (message) fail(message, 0);
          return;
        }
        const read = readProxyUrl(url);
        // Its errors are proxy-pass's; a unix socket names no upstream.
        if (!read.ok || read.unix) return;
        const filed = add(state, { host: read.host, block: false, port: read.port, entry }, family);
        if ('message' in filed) fail(filed.message, 0);
        return;
      }
    }
  },
  config(ctx) {
    noUsableServer(ctx, stateOf(ctx, 'http'));
    noUsableServer(ctx, stateOf(ctx, 'stream'));
    noPort(ctx, stateOf(ctx, 'http'));
    noPort(ctx, stateOf(ctx, 'stream'));
    implicitHostNotFound(ctx, stateOf(ctx, 'http'));
    implicitHostNotFound(ctx, stateOf(ctx, 'stream'));
  },
});

/**
 * Files the upstream a bare address makes (stream's proxy_pass, http's other *_pass), as
 * ngx_parse_url reads it with no_resolve: any text is a host name until the upstreams are
 * initialised, and a unix socket names none. Returns nginx's message when it refuses it.
 */
function fileAddress(state: State, family: 'http' | 'stream', entry: Entry, url: string, needsPort: boolean): string | null {
  const read = parseHostPort(url, 0, false);
  if (!read.ok && read.error !== 'host not found') return `${read.error} in upstream "${url}"`;
  if (read.ok && read.value.family === 'unix') return null;
  const host = hostText(url);
  // A text read as no name keeps the port written after it.
  const written = read.ok ? read.value.port || null : Number(/^:(\d+)$/.exec(url.slice(host.length))?.[1]) || null;
  const filed = add(state, { host, block: false, port: written, entry, ...(needsPort ? { needsPort } : {}) }, family);
  return 'message' in filed ? filed.message : null;
}

/** The host of a stream address as nginx keeps it: up to the first ":" (or the "]" of an IPv6 address). */
function hostText(url: string): string {
  if (url.startsWith('[')) return url.slice(0, url.indexOf(']') + 1);
  const colon = url.indexOf(':');
  return colon === -1 ? url : url.slice(0, colon);
}

/**
 * `no port in upstream "backend"`: a stream proxy_pass with no port that names no upstream
 * block. nginx finds it when it initialises the upstreams (ngx_stream_upstream_init_round_robin),
 * in the order they were first named, and names the proxy_pass's line.
 */
function noPort(ctx: RuleContext, state: State): void {
  for (const k of state.known) {
    if (k.block || k.port !== null || ctx.invalid.has(k.entry) || !mustHavePort(k)) continue;
    ctx.report({ entry: k.entry, message: `no port in upstream "${k.host}"`, order: initOrder(state, k) });
  }
}

/**
 * `host not found in upstream "backend.internal"`: an upstream a *_pass made (no block of that
 * name) whose host can be no host name (`1..2`), or does not resolve (--check-dns). nginx
 * resolves it when it initialises the upstreams, in the order they were first named, and names
 * the *_pass's line.
 */
function implicitHostNotFound(ctx: RuleContext, state: State): void {
  for (const k of state.known) {
    // Without a port one that needs it is noPort's (nginx stops there first).
    if (k.block || ctx.invalid.has(k.entry) || (k.port === null && mustHavePort(k)) || !isName(k.host)) continue;
    // A text that can be no host name (`1..2`) is not found anywhere; a name only where it does not resolve.
    const impossible = !numericIPv4(k.host) && !isHostName(k.host);
    if (!impossible && !hostNotFound(ctx, k.host)) continue;
    ctx.report({ entry: k.entry, message: `host not found in upstream "${k.host}"`, ...(impossible ? {} : { hint: DNS_HINT }), order: initOrder(state, k) });
  }
}

/**
 * Where a check made when nginx initialises the upstreams stands: after its http {} or
 * stream {} is read, the upstreams in the order they were first named.
 */
function initOrder(state: State, k: Known): number[] {
  let top: Entry = k.entry;
  while (top.parent) top = top.parent;
  return [top.endSeq, HTTP_PHASE.upstreams, state.known.indexOf(k)];
}

/** Whether an upstream a URL made has no port to fall back on: stream's, and http's other than proxy_pass's (80 or 443). */
function mustHavePort(k: Known): boolean {
  return k.needsPort === true || k.entry.context?.startsWith('stream') === true;
}

/** Each family has upstreams of its own. */
const stateOf = (ctx: RuleContext, family: 'http' | 'stream') => ctx.state(`upstreams:${family}`, (): State => ({ known: [], parameters: new Map(), blocks: [] }));

/**
 * Files an upstream as ngx_http_upstream_add does: the upstream it joins (the first to name
 * it keeps its name and line), or nginx's message when it refuses it, with the statement nginx
 * names when that is the earlier one.
 */
function add(state: State, u: Known, family: 'http' | 'stream'): Known | { message: string; at?: Entry } {
  const lower = u.host.toLowerCase();
  for (const k of state.known) {
    if (k.host.toLowerCase() !== lower) continue;
    if (u.block && k.block) return { message: `duplicate upstream "${u.host}"` };
    if (k.block && u.port !== null) return { message: `upstream "${u.host}" may not have port ${u.port}` };
    // Found when the block is read, but nginx names the line of the URL with the port.
    if (u.block && k.port !== null) return { message: `upstream "${u.host}" may not have port ${k.port}`, at: k.entry };
    // http joins a URL without a port to any; stream only to one without a port too (its
    // ngx_stream_upstream_add compares the ports as they are).
    if (family === 'stream' ? k.port !== u.port : k.port !== null && u.port !== null && k.port !== u.port) continue;
    if (u.block) k.block = true;
    return k;
  }
  state.known.push(u);
  return u;
}

function validParameter(kind: string, value: string): boolean {
  switch (kind) {
    case 'weight=': {
      const n = atoi(value);
      return n !== null && n !== 0n;
    }
    case 'max_conns=':
    case 'max_fails=':
      return atoi(value) !== null;
    case 'fail_timeout=':
      return timeSec(value) !== null;
    default:
      return true;
  }
}

/**
 * `no servers in upstream "name"`: every server of a block is a backup. Found when the
 * upstream module initialises, after http {} is read (ngx_http_upstream_init_round_robin),
 * before the other modules merge their settings.
 */
function noUsableServer(ctx: RuleContext, state: State): void {
  for (const b of state.blocks) {
    if (!b.servers.length || b.backups < b.servers.length || ctx.invalid.has(b.entry)) continue;
    ctx.report({ entry: b.first.entry, message: `no servers in upstream "${b.first.host}"`, order: initOrder(state, b.first) });
  }
}
