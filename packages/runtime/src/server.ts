/**
 * The proxy: one listener per socket of the model (address:port, IPv6, `unix:`), each
 * accepted connection dispatched to the `server {}` whose listen address matches the
 * connection's local address (the wildcard listen takes the rest), then handed to a
 * session. Counts connections against `worker_connections` as nginx does (listeners, client,
 * auth and backend connections all take one). `reload` swaps in a new model: sockets that
 * stay are kept, new sessions use the new servers, running sessions finish on the old ones.
 */
import { promises as dns } from 'node:dns';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { ListenModel, MailModel, ServerModel, SocketModel } from '@mailconf/checker';
import { behaviourFor } from './compat.js';
import { ErrorLog, openTargets, type LogSpec, type LogTarget } from './error-log.js';
import { StreamConn } from './net/stream-conn.js';
import { imap } from './protocols/imap.js';
import { pop3 } from './protocols/pop3.js';
import { smtp } from './protocols/smtp.js';
import { buildServerRuntime, type AuthPeer, type ServerRuntime } from './server-config.js';
import { Session, type ProtocolDriver, type SessionHost, type TlsLayer } from './session.js';
import { setupConnection } from './connection-setup.js';
import { Resolver } from './resolver.js';
import { buildTlsLayer } from './tls.js';
import { openFileLimit, openFileWarning, rlimitIgnored } from './open-file-limit.js';

const DRIVERS: Record<string, ProtocolDriver> = { imap, pop3, smtp };

export interface ProxyOptions {
  /** Base for relative paths (error_log files); default: the working directory. */
  prefix?: string;
  /** Where start-up warnings go (things Node cannot apply); default: the main error log. */
  warn?: (message: string) => void;
  /**
   * Log nginx's warning when worker_connections exceeds the open-file limit (default true). nginx
   * logs it once per configuration taken, so of several workers only one does.
   */
  openFileWarning?: boolean;
  /** TLS for listens and STARTTLS, when available (built by the TLS layer). */
  tls?: (server: ServerModel, listen: ListenModel | null) => TlsLayer | null;
}

export interface ProxyHandle {
  /** Bound addresses, in the order of `model.sockets` (useful with port 0 in tests). */
  addresses(): (net.AddressInfo | string | null)[];
  /** Sessions in progress. */
  readonly sessionCount: number;
  /** Stops listening; `graceful` lets sessions finish (bounded by `timeoutMs`), otherwise closes them. */
  close(opts?: { graceful?: boolean; timeoutMs?: number | null }): Promise<void>;
  /** Runs a new model; sockets that stay keep listening. */
  reload(model: MailModel): Promise<void>;
  /** The main error log (for messages without a session). */
  readonly log: ErrorLog;
}

interface Route {
  listen: ListenModel;
  server: ServerRuntime;
  driver: ProtocolDriver;
  tls: TlsLayer | null;
}

interface Listener {
  key: string;
  server: net.Server;
  routes: Route[];
  socketModel: SocketModel;
}

/** Identifies a socket across reloads; port 0 (any port) sockets are told apart by position. */
const socketKey = (s: SocketModel, index: number) =>
  s.address.family === 'unix' ? `unix:${s.address.host}` : `${s.address.family} ${s.address.host} ${s.address.port}${s.address.port === 0 ? `#${index}` : ''}`;

/** Addresses compare without the IPv4-mapped prefix dual-stack sockets report. */
const plainAddress = (a: string | undefined) => (a?.startsWith('::ffff:') ? a.slice(7) : (a ?? ''));

function effectiveLogSpecs(model: MailModel, server: ServerModel | null): LogSpec[] {
  const own = server?.settings.error_log;
  if (own && own.origin !== 'default' && own.value.length) return own.value;
  return model.main.error_log.value;
}

/** The first address of an auth_http host (nginx resolves it once, at start). */
async function resolveAuthPeer(server: ServerModel): Promise<AuthPeer> {
  const url = server.settings.auth_http.value;
  if (!url) return { connect: { host: '127.0.0.1', port: 80 }, name: '127.0.0.1:80' };
  if (url.kind === 'unix') return { connect: { path: url.host }, name: `unix:${url.host}` };
  let host = url.host;
  if (!net.isIP(host)) {
    try {
      host = (await dns.lookup(host)).address;
    } catch {
      // the checker accepted the name; if it does not resolve now, connecting will fail and log it
    }
  }
  const name = net.isIPv6(host) ? `[${host}]:${url.port}` : `${host}:${url.port}`;
  return { connect: { host, port: url.port }, name };
}

export class MailProxy implements ProxyHandle, SessionHost {
  private listeners = new Map<string, Listener>();
  private readonly sessions = new Set<Session>();
  private connectionsUsed = 0;
  private connectionLimit = 512;
  private nextNumber = 1;
  private logCache = new Map<string, LogTarget>();
  log: ErrorLog = new ErrorLog([]);
  private warned = new Set<string>();
  private closing = false;

  constructor(private readonly options: ProxyOptions = {}) {}

  get sessionCount(): number {
    return this.sessions.size;
  }

  private warn(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    if (this.options.warn) this.options.warn(message);
    else this.log.write('warn', message);
  }

  private openLog(specs: LogSpec[]): ErrorLog {
    const { targets, unsupported } = openTargets(specs, this.options.prefix ?? process.cwd(), this.logCache);
    for (const u of unsupported) this.warn(`error_log "${u}" is not supported by mailconf run and is ignored`);
    return new ErrorLog(targets);
  }

  /** Builds routes for a model (auth peers resolved, logs opened). */
  private async buildRoutes(model: MailModel): Promise<Map<string, { socket: SocketModel; routes: Route[] }>> {
    const behaviour = behaviourFor(model.nginxVersion);
    const runtimes = new Map<ServerModel, ServerRuntime>();
    const tlsLayers = new Map<ServerModel, TlsLayer | null>();
    for (const server of model.servers) {
      if (!server.protocol) continue;
      const peer = await resolveAuthPeer(server);
      const needsTls = server.settings.starttls.value !== 'off' || server.settings.ssl.value || server.listens.some((l) => l.ssl);
      if (needsTls && !tlsLayers.has(server)) {
        const layer = this.options.tls ? this.options.tls(server, null) : buildTlsLayer(server, this.options.prefix ?? process.cwd(), (m) => this.warn(m));
        tlsLayers.set(server, layer);
      }
      const resolver = server.settings.resolver.value;
      const lookup = resolver && server.protocol === 'smtp' ? new Resolver(resolver, server.settings.resolver_timeout.value, this.log).clientHost : null;
      runtimes.set(server, buildServerRuntime(server, behaviour, this.openLog(effectiveLogSpecs(model, server)), peer, lookup));
    }
    const out = new Map<string, { socket: SocketModel; routes: Route[] }>();
    for (const [index, socket] of model.sockets.entries()) {
      const routes: Route[] = [];
      for (const { listen, server } of socket.listens) {
        const rt = runtimes.get(server);
        if (!rt) continue;
        routes.push({ listen, server: rt, driver: DRIVERS[rt.protocol]!, tls: tlsLayers.get(server) ?? null });
        this.warnUnsupported(listen);
      }
      if (routes.length) out.set(socketKey(socket, index), { socket, routes });
    }
    return out;
  }

  private warnUnsupported(listen: ListenModel): void {
    if (listen.rcvbuf !== null) this.warn('listen ... rcvbuf= cannot be applied by Node.js and is ignored');
    if (listen.sndbuf !== null) this.warn('listen ... sndbuf= cannot be applied by Node.js and is ignored');
    const ka = listen.soKeepalive;
    if (ka && ka.mode === 'tune' && (ka.interval !== null || ka.count !== null))
      this.warn('listen ... so_keepalive: Node.js applies only the idle time; the interval and count are ignored');
  }

  async start(model: MailModel): Promise<void> {
    this.log = this.openLog(model.main.error_log.value);
    this.connectionLimit = model.main.worker_connections.value;
    this.checkOpenFiles(model);
    const routes = await this.buildRoutes(model);
    try {
      for (const [key, { socket, routes: r }] of routes) {
        const l = await this.listen(key, socket, r);
        this.listeners.set(key, l);
        this.connectionsUsed++;
      }
    } catch (err) {
      for (const l of this.listeners.values()) l.server.close();
      this.listeners.clear();
      throw err;
    }
  }

  /** nginx's warning when worker_connections exceeds the open-file limit (open-file-limit.ts). */
  private checkOpenFiles(model: MailModel): void {
    const rlimit = model.main.worker_rlimit_nofile.value;
    const soft = openFileLimit();
    const warning = this.options.openFileWarning === false ? null : openFileWarning(model.main.worker_connections.value, rlimit, soft);
    if (warning) this.log.write('warn', warning);
    const ignored = rlimitIgnored(rlimit, soft);
    if (ignored) this.warn(ignored);
  }

  private listen(key: string, socket: SocketModel, routes: Route[]): Promise<Listener> {
    const owner = socket.listens[0]!.listen;
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: false });
    const listener: Listener = { key, server, routes, socketModel: socket };
    server.on('connection', (c) => this.accept(listener, c));
    server.on('error', (err) => this.log.write('alert', `listener ${socket.address.text} failed: ${err.message}`));
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        reject(Object.assign(new Error(`bind() to ${socket.address.text} failed (${err.code ?? err.message})`), { code: err.code }));
      };
      server.once('error', onError);
      const done = () => {
        server.off('error', onError);
        resolve(listener);
      };
      const backlog = owner.backlog ?? 511;
      if (socket.address.family === 'unix') {
        removeStaleSocket(socket.address.host);
        server.listen({ path: socket.address.host, backlog }, done);
      } else {
        server.listen({ host: socket.address.host, port: socket.address.port, backlog, ipv6Only: owner.ipv6only ?? (socket.address.family === 'ipv6') }, done);
      }
    });
  }

  private route(l: Listener, c: net.Socket): Route {
    if (l.routes.length === 1) return l.routes[0]!;
    const local = plainAddress(c.localAddress);
    return l.routes.find((r) => !r.listen.wildcard && plainAddress(r.listen.address.host) === local) ?? l.routes.find((r) => r.listen.wildcard) ?? l.routes[0]!;
  }

  private accept(l: Listener, c: net.Socket): void {
    if (this.closing) {
      c.destroy();
      return;
    }
    if (this.connectionsUsed >= this.connectionLimit) {
      this.log.write('alert', `${this.connectionLimit} worker_connections are not enough`);
      c.destroy();
      return;
    }
    this.connectionsUsed++;
    const r = this.route(l, c);
    const ka = r.listen.soKeepalive;
    if (ka && ka.mode !== 'off') c.setKeepAlive(true, ka.mode === 'tune' && ka.idle ? ka.idle * 1000 : 0);
    const family = c.remoteFamily === 'IPv6' ? 'ipv6' : c.remoteFamily === 'IPv4' ? 'ipv4' : 'unix';
    const addr = family === 'unix' ? 'unix:' : (c.remoteAddress ?? '');
    const port = c.remotePort ?? 0;
    const number = this.nextNumber++;
    const conn = new StreamConn(c);
    const s = new Session(number, conn, r.server, r.driver, r.listen.address.text, addr, port, family, this, r.tls);
    this.sessions.add(s);
    if (r.server.log.enabled('info')) {
      const peer = family === 'unix' ? 'unix:' : family === 'ipv6' ? `[${addr}]:${port}` : `${addr}:${port}`;
      r.server.log.write('info', `client ${peer} connected to ${r.listen.address.text}`, { conn: number });
    }
    // `ssl on` (nginx before 1.25.1; later it is not a directive) makes every listen of the
    // server implicit TLS, also when another listen has `ssl` (sslMode names that one then).
    const implicitTls = r.listen.ssl || r.server.model.settings.ssl.value;
    if (implicitTls && !r.tls) {
      // no certificate: as a failed handshake, without a reply
      s.close();
      return;
    }
    setupConnection(s, r.listen, implicitTls, () => r.driver.initSession(s));
  }

  // SessionHost: the proxy itself, so that a session needs no closures of its own

  acquireConnection(): boolean {
    if (this.connectionsUsed >= this.connectionLimit) {
      this.log.write('alert', `${this.connectionLimit} worker_connections are not enough`);
      return false;
    }
    this.connectionsUsed++;
    return true;
  }

  releaseConnection(): void {
    this.connectionsUsed--;
  }

  ended(s: Session): void {
    this.connectionsUsed--;
    this.sessions.delete(s);
    this.checkDrained();
  }

  addresses(): (net.AddressInfo | string | null)[] {
    return [...this.listeners.values()].map((l) => l.server.address());
  }

  private drainWaiters: (() => void)[] = [];

  private checkDrained(): void {
    if (this.sessions.size === 0) for (const w of this.drainWaiters.splice(0)) w();
  }

  async close(opts: { graceful?: boolean; timeoutMs?: number | null } = {}): Promise<void> {
    this.closing = true;
    // Listeners stop accepting now; Node calls close's callback only once every connection
    // they accepted has ended, so that is awaited after the sessions are closed below (a
    // stop that waited for it first would wait for every client to leave by itself).
    const listenersClosed = Promise.all([...this.listeners.values()].map((l) => new Promise<void>((res) => l.server.close(() => res()))));
    this.listeners.clear();
    if (opts.graceful && this.sessions.size) {
      await new Promise<void>((resolve) => {
        this.drainWaiters.push(resolve);
        if (opts.timeoutMs) setTimeout(resolve, opts.timeoutMs).unref();
      });
    }
    for (const s of [...this.sessions]) {
      if (opts.graceful && s.proxying) {
        s.action = 'proxying';
        s.info('shutdown timeout');
      }
      s.close();
    }
    await listenersClosed;
    for (const t of this.logCache.values()) t.close();
    this.logCache.clear();
  }

  async reload(model: MailModel): Promise<void> {
    this.log = this.openLog(model.main.error_log.value);
    const routes = await this.buildRoutes(model);
    this.connectionLimit = model.main.worker_connections.value;
    this.checkOpenFiles(model);
    // close sockets that are gone, keep the rest with their new routes, open new ones
    for (const [key, l] of this.listeners) {
      const next = routes.get(key);
      if (next) {
        l.routes = next.routes;
        continue;
      }
      l.server.close();
      this.listeners.delete(key);
      this.connectionsUsed--;
    }
    for (const [key, { socket, routes: r }] of routes) {
      if (this.listeners.has(key)) continue;
      try {
        this.listeners.set(key, await this.listen(key, socket, r));
        this.connectionsUsed++;
      } catch (err) {
        this.log.write('emerg', (err as Error).message);
      }
    }
  }
}

/** nginx removes a leftover UNIX socket file before binding; only sockets are removed. */
function removeStaleSocket(file: string): void {
  try {
    if (fs.statSync(file).isSocket()) fs.unlinkSync(file);
  } catch {
    // nothing there
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
}

/** Starts listening on every socket of the model. */
export async function startProxy(model: MailModel, options: ProxyOptions = {}): Promise<ProxyHandle> {
  const proxy = new MailProxy(options);
  await proxy.start(model);
  return proxy;
}
