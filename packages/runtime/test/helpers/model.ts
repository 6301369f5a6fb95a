/**
 * Builds `MailModel`s by hand for runtime tests, so they do not depend on the checker:
 * nginx's defaults (proxy-runtime.md §8) plus overrides written as directives
 * (`imap_auth plain login; max_errors 2; smtp_greeting_delay 1s`), and listens on
 * 127.0.0.1 with port 0 (the OS picks one; `ProxyHandle.addresses()` tells which).
 */
import type { ListenModel, MailModel, MailProtocol, ServerModel, ServerSettings, Setting } from '@mailconf/checker';

const PAGE = 4096;

function set<T>(value: T, origin: Setting<T>['origin'] = 'default'): Setting<T> {
  return { value, origin, directive: null, file: null };
}

export function defaultSettings(): ServerSettings {
  return {
    timeout: set(60000),
    server_name: set('mail.example.test'),
    resolver: set(null),
    resolver_timeout: set(30000),
    max_errors: set(5),
    error_log: set([]),
    ssl: set(false),
    starttls: set<'on' | 'off' | 'only'>('off'),
    ssl_certificate: set([]),
    ssl_certificate_key: set([]),
    ssl_password_file: set(null),
    ssl_dhparam: set(null),
    ssl_ecdh_curve: set('auto'),
    ssl_protocols: set(['TLSv1', 'TLSv1.1', 'TLSv1.2']),
    ssl_ciphers: set('HIGH:!aNULL:!MD5'),
    ssl_prefer_server_ciphers: set(false),
    ssl_session_cache: set({ off: false, none: true, builtin: null, shared: null }),
    ssl_session_tickets: set(true),
    ssl_session_ticket_key: set([]),
    ssl_session_timeout: set(300000),
    ssl_verify_client: set<'on' | 'off' | 'optional' | 'optional_no_ca'>('off'),
    ssl_verify_depth: set(1),
    ssl_client_certificate: set(null),
    ssl_trusted_certificate: set(null),
    ssl_crl: set(null),
    ssl_conf_command: set([]),
    ssl_certificate_compression: set(false),
    imap_auth: set(['plain']),
    imap_capabilities: set(['IMAP4', 'IMAP4rev1', 'UIDPLUS']),
    imap_client_buffer: set(PAGE),
    pop3_auth: set(['plain']),
    pop3_capabilities: set(['TOP', 'USER', 'UIDL']),
    smtp_auth: set(['plain', 'login']),
    smtp_capabilities: set([]),
    smtp_client_buffer: set(PAGE),
    smtp_greeting_delay: set(0),
    auth_http: set(null),
    auth_http_timeout: set(60000),
    auth_http_header: set([]),
    auth_http_pass_client_cert: set(false),
    proxy: set(false),
    proxy_buffer: set(PAGE),
    proxy_timeout: set(24 * 3600 * 1000),
    proxy_pass_error_message: set(false),
    proxy_smtp_auth: set(false),
    proxy_protocol: set<boolean | 'v2'>(false),
    xclient: set(true),
    set_real_ip_from: set([]),
  };
}

const MS: Record<string, number> = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 };

function time(v: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(v);
  if (!m) throw new Error(`bad time ${v}`);
  return Number(m[1]) * MS[m[2] ?? 's']!;
}

function size(v: string): number {
  const m = /^(\d+)([kKmM])?$/.exec(v);
  if (!m) throw new Error(`bad size ${v}`);
  return Number(m[1]) * (m[2] ? (m[2].toLowerCase() === 'k' ? 1024 : 1024 * 1024) : 1);
}

/** Splits `a "b c" d` into words, quotes removed. */
export function words(text: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return out;
}

/** Applies `name args;` directives to settings (the subset the runtime reads). */
export function applyDirectives(settings: ServerSettings, directives: string): void {
  const s = settings as unknown as Record<string, Setting<unknown>>;
  const headers: [string, string][] = [];
  for (const stmt of directives.split(';')) {
    const [name, ...args] = words(stmt.trim());
    if (!name) continue;
    const put = (v: unknown) => (s[name] = set(v, 'server'));
    switch (name) {
      case 'timeout':
      case 'auth_http_timeout':
      case 'proxy_timeout':
      case 'smtp_greeting_delay':
      case 'resolver_timeout':
        put(time(args[0]!));
        break;
      case 'imap_client_buffer':
      case 'smtp_client_buffer':
      case 'proxy_buffer':
        put(size(args[0]!));
        break;
      case 'max_errors':
        put(Number(args[0]));
        break;
      case 'imap_auth':
      case 'pop3_auth':
      case 'smtp_auth':
        put(args.map((a) => a.toLowerCase()));
        break;
      case 'imap_capabilities':
      case 'pop3_capabilities':
      case 'smtp_capabilities':
        put(args);
        break;
      case 'server_name':
      case 'starttls':
      case 'ssl_verify_client':
      case 'ssl_ciphers':
        put(args[0]);
        break;
      case 'ssl_certificate':
      case 'ssl_certificate_key':
      case 'ssl_protocols':
        put(args);
        break;
      case 'ssl_client_certificate':
        put(args[0]);
        break;
      case 'auth_http_pass_client_cert':
        put(args[0] === 'on');
        break;
      case 'set_real_ip_from': {
        const [address, prefix] = args[0]!.split('/');
        const family = args[0] === 'unix:' ? 'unix' : address!.includes(':') ? 'ipv6' : 'ipv4';
        const prev = (s[name]?.value as unknown[]) ?? [];
        put([...prev, { raw: args[0], family, address, prefix: Number(prefix ?? (family === 'ipv6' ? 128 : 32)) }]);
        break;
      }
      case 'resolver': {
        const servers = args.filter((a) => !a.includes('=')).map((a) => {
          const [host, port] = a.split(':');
          return { host: host!, port: Number(port ?? 53), raw: a };
        });
        put({ servers, valid: null, ipv4: true, ipv6: !args.includes('ipv6=off') });
        break;
      }
      case 'xclient':
      case 'proxy_pass_error_message':
      case 'proxy_smtp_auth':
        put(args[0] === 'on');
        break;
      case 'proxy_protocol':
        put(args[0] === 'v2' ? 'v2' : args[0] === 'on');
        break;
      case 'auth_http_header':
        headers.push([args[0]!, args[1]!]);
        put(headers.slice());
        break;
      case 'error_log':
        put([{ target: args[0]!, level: args[1] ?? 'error' }]);
        break;
      case 'auth_http': {
        const m = /^(?:http:\/\/)?([^:/]+):(\d+)(\/.*)?$/.exec(args[0]!)!;
        put({ kind: 'inet', host: m[1]!, port: Number(m[2]), uri: m[3] ?? '/', hostHeader: m[1]!, raw: args[0]! });
        break;
      }
      default:
        throw new Error(`test model helper does not know ${name}`);
    }
  }
}

export interface ServerSpec {
  protocol: MailProtocol;
  /** `name args; ...` overrides. */
  directives?: string;
  /** Port to listen on (0: any). */
  port?: number;
  host?: string;
  /** `listen ... ssl` / `listen ... proxy_protocol`. */
  ssl?: boolean;
  proxyProtocol?: boolean;
}

/** A model with one socket per server, listening on loopback. */
export function buildModel(servers: ServerSpec[], main: { errorLog?: string; logLevel?: string; workerConnections?: number; nginxVersion?: string } = {}): MailModel {
  const models: ServerModel[] = servers.map((spec, index) => {
    const settings = defaultSettings();
    if (spec.directives) applyDirectives(settings, spec.directives);
    const host = spec.host ?? '127.0.0.1';
    const port = spec.port ?? 0;
    const listen = {
      address: { family: 'ipv4', host, port, text: `${host}:${port}` },
      wildcard: false,
      ssl: spec.ssl ?? false,
      proxyProtocol: spec.proxyProtocol ?? false,
      bind: false,
      backlog: null,
      rcvbuf: null,
      sndbuf: null,
      ipv6only: null,
      soKeepalive: null,
      directive: null,
      file: 'test.conf',
    } as unknown as ListenModel;
    return {
      index,
      directive: null,
      file: 'test.conf',
      protocol: spec.protocol,
      protocolOrigin: 'explicit',
      protocolListen: null,
      listens: [listen],
      settings,
      sslMode: null,
    } as unknown as ServerModel;
  });
  return {
    nginxVersion: main.nginxVersion ?? '1.22.1',
    main: {
      worker_processes: set<number | 'auto'>(1),
      worker_connections: set(main.workerConnections ?? 512),
      worker_rlimit_nofile: set(null as number | null),
      error_log: set(main.errorLog ? [{ target: main.errorLog, level: main.logLevel ?? 'info' }] : []),
      daemon: set(false),
      master_process: set(true),
      pid: set('mailconf.pid'),
      worker_shutdown_timeout: set(null),
    },
    mail: null,
    servers: models,
    sockets: models.map((server) => ({ address: server.listens[0]!.address, listens: [{ listen: server.listens[0]!, server }] })),
  };
}
