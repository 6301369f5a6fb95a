/**
 * The resolved configuration model: what a checked configuration means, per mail server,
 * with every directive's effective value and where it came from. The language server
 * (hover, inlay hints) and the proxy runtime consume this; nothing above the checker reads
 * configuration text again.
 *
 * Units are fixed: times in milliseconds (also for directives nginx stores in seconds),
 * sizes in bytes, booleans for on/off.
 */
import type { Directive } from '@mailconf/syntax';

export type MailProtocol = 'imap' | 'pop3' | 'smtp';

/** Where an effective value comes from. */
export type Origin = 'server' | 'mail' | 'main' | 'default';

export interface Setting<T> {
  value: T;
  origin: Origin;
  /** The directive that set it (the last one when several did); null for defaults. */
  directive: Directive | null;
  /** Absolute path (or `-`) of the file holding that directive. */
  file: string | null;
}

export interface ListenAddress {
  family: 'ipv4' | 'ipv6' | 'unix';
  /** Normalised host: `0.0.0.0`, `127.0.0.1`, `::`, `::1`, or the unix socket path. */
  host: string;
  /** 0 for unix sockets and port-less listens (the OS picks a port). */
  port: number;
  /** As nginx prints it in messages: `0.0.0.0:143`, `[::1]:143`, `unix:/path`. */
  text: string;
}

export type SoKeepalive = { mode: 'on' } | { mode: 'off' } | { mode: 'tune'; idle: number | null; interval: number | null; count: number | null };

export interface ListenModel {
  address: ListenAddress;
  /** `*:143`, `143`, `0.0.0.0:143`, `[::]:143`. */
  wildcard: boolean;
  ssl: boolean;
  proxyProtocol: boolean;
  /** Explicit `bind`, or implied by backlog/rcvbuf/sndbuf/ipv6only/so_keepalive. */
  bind: boolean;
  backlog: number | null;
  rcvbuf: number | null;
  sndbuf: number | null;
  ipv6only: boolean | null;
  soKeepalive: SoKeepalive | null;
  directive: Directive;
  file: string;
}

export interface AuthHttpUrl {
  /** `host`, `ipv6` or `unix`. */
  kind: 'inet' | 'unix';
  /** Host name or address as written (brackets removed for IPv6); socket path for unix. */
  host: string;
  port: number;
  /** Request URI, `/` when empty. */
  uri: string;
  /** The Host header nginx sends: `host[:port]` as written after `http://`. */
  hostHeader: string;
  /** The URL as written. */
  raw: string;
}

export interface ResolverValue {
  /** Name servers as written: `127.0.0.1`, `[::1]:5353`, `unix:/path`. */
  servers: { host: string; port: number; raw: string }[];
  /** `valid=`, milliseconds; null when not given (use the DNS TTL). */
  valid: number | null;
  ipv4: boolean;
  ipv6: boolean;
}

export interface ErrorLogValue {
  /** File path, `stderr`, `syslog:...` or `memory:...` as written. */
  target: string;
  /** `error` unless given. For debug_* masks, the words as written. */
  level: string;
}

export interface SessionCacheValue {
  off: boolean;
  none: boolean;
  builtin: number | null;
  shared: { name: string; size: number } | null;
}

export interface CidrValue {
  raw: string;
  /** `unix:` matches unix-socket clients. */
  family: 'ipv4' | 'ipv6' | 'unix' | 'host';
  address: string;
  prefix: number;
}

/** Every mail directive's effective value for one server. */
export interface ServerSettings {
  timeout: Setting<number>;
  server_name: Setting<string>;
  resolver: Setting<ResolverValue | null>;
  resolver_timeout: Setting<number>;
  max_errors: Setting<number>;
  error_log: Setting<ErrorLogValue[]>;

  ssl: Setting<boolean>;
  starttls: Setting<'on' | 'off' | 'only'>;
  ssl_certificate: Setting<string[]>;
  ssl_certificate_key: Setting<string[]>;
  ssl_password_file: Setting<string | null>;
  ssl_dhparam: Setting<string | null>;
  ssl_ecdh_curve: Setting<string>;
  ssl_protocols: Setting<string[]>;
  ssl_ciphers: Setting<string>;
  ssl_prefer_server_ciphers: Setting<boolean>;
  ssl_session_cache: Setting<SessionCacheValue>;
  ssl_session_tickets: Setting<boolean>;
  ssl_session_ticket_key: Setting<string[]>;
  ssl_session_timeout: Setting<number>;
  ssl_verify_client: Setting<'on' | 'off' | 'optional' | 'optional_no_ca'>;
  ssl_verify_depth: Setting<number>;
  ssl_client_certificate: Setting<string | null>;
  ssl_trusted_certificate: Setting<string | null>;
  ssl_crl: Setting<string | null>;
  ssl_conf_command: Setting<[string, string][]>;
  ssl_certificate_compression: Setting<boolean>;

  imap_auth: Setting<string[]>;
  imap_capabilities: Setting<string[]>;
  imap_client_buffer: Setting<number>;
  pop3_auth: Setting<string[]>;
  pop3_capabilities: Setting<string[]>;
  smtp_auth: Setting<string[]>;
  smtp_capabilities: Setting<string[]>;
  smtp_client_buffer: Setting<number>;
  smtp_greeting_delay: Setting<number>;

  auth_http: Setting<AuthHttpUrl | null>;
  auth_http_timeout: Setting<number>;
  auth_http_header: Setting<[string, string][]>;
  auth_http_pass_client_cert: Setting<boolean>;

  proxy: Setting<boolean>;
  proxy_buffer: Setting<number>;
  proxy_timeout: Setting<number>;
  proxy_pass_error_message: Setting<boolean>;
  proxy_smtp_auth: Setting<boolean>;
  /** `v2` only in versions that accept it. */
  proxy_protocol: Setting<boolean | 'v2'>;
  xclient: Setting<boolean>;

  set_real_ip_from: Setting<CidrValue[]>;
}

export interface ServerModel {
  /** 0-based, in file order. */
  index: number;
  directive: Directive;
  file: string;
  protocol: MailProtocol | null;
  /** `explicit` from `protocol`, `inferred` from a well-known listen port. */
  protocolOrigin: 'explicit' | 'inferred' | null;
  /** The listen that decided an inferred protocol. */
  protocolListen: ListenModel | null;
  listens: ListenModel[];
  settings: ServerSettings;
  /** Where SSL is enabled: `listen ... ssl`, `starttls`, `ssl` (1.22.1), or null. */
  sslMode: 'listen ... ssl' | 'starttls' | 'ssl' | null;
}

export interface MainSettings {
  worker_processes: Setting<number | 'auto'>;
  worker_connections: Setting<number>;
  /** The open-file limit nginx sets for its workers, or null to keep the one it started with. */
  worker_rlimit_nofile: Setting<number | null>;
  error_log: Setting<ErrorLogValue[]>;
  daemon: Setting<boolean>;
  master_process: Setting<boolean>;
  pid: Setting<string>;
  worker_shutdown_timeout: Setting<number | null>;
}

/** A group of listens that share one socket (after wildcard folding, mail-directives.md §4.4). */
export interface SocketModel {
  address: ListenAddress;
  /** The listens served by this socket; the first is the one that owns it. */
  listens: { listen: ListenModel; server: ServerModel }[];
}

export interface MailModel {
  /** The nginx version checked against. */
  nginxVersion: string;
  main: MainSettings;
  /** The `mail {}` block, when there is one. */
  mail: Directive | null;
  servers: ServerModel[];
  sockets: SocketModel[];
}
