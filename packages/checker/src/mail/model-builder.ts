/**
 * Builds the resolved model from the walked configuration: per mail server, every
 * directive's effective value (set in the server, inherited from `mail {}`, or the
 * default), the listens and the sockets they share, and the protocol (explicit or
 * inferred from a well-known port). Statements already reported as invalid are ignored,
 * so the model always holds values nginx could have accepted.
 */
import * as os from 'node:os';
import type { ConfigSet } from '@mailconf/syntax';
import type { Profile } from '@mailconf/schema';
import { atLeast } from '../version.js';
import type {
  ErrorLogValue,
  ListenAddress,
  ListenModel,
  MailModel,
  MailProtocol,
  MainSettings,
  ResolverValue,
  ServerModel,
  ServerSettings,
  SessionCacheValue,
  Setting,
  SocketModel,
  CidrValue,
} from '../model.js';
import { atoi, flag, size, timeMs, timeSec } from '../values.js';
import type { Entry, WalkResult } from '../walk.js';
import { cstr, parseListen } from './listen.js';
import { resolvedListen } from '../net/dns.js';
import type { CheckOptions } from '../rule.js';
import { parseAuthHttp, parseNameServer } from './urls.js';
import { parseSessionCache } from './session-cache.js';
import { parseCidr } from './cidr.js';

/** Ports nginx maps to a protocol when a server has no `protocol` (mail-directives.md §4.6). */
export const WELL_KNOWN_PORTS: Record<number, MailProtocol> = { 143: 'imap', 993: 'imap', 110: 'pop3', 995: 'pop3', 25: 'smtp', 465: 'smtp', 587: 'smtp' };

/** One memory page: the default of the *_client_buffer and proxy_buffer sizes. */
const PAGE = 4096;

type Reader<T> = (entries: Entry[]) => T;

/** A statement's argument values from `from` on (as C strings unless `c` is false), read without word objects. */
function values(e: Entry, from: number, c = true): string[] {
  const d = e.directive;
  const out: string[] = [];
  for (let i = from; i < d.argCount; i++) out.push(c ? cstr(d.argValue(i)) : d.argValue(i));
  return out;
}
const arg0 = (e: Entry) => (e.directive.argCount ? cstr(e.directive.argValue(0)) : '');
const last = <T>(read: (e: Entry) => T): Reader<T> => (entries) => read(entries[entries.length - 1]!);
const ms: Reader<number> = last((e) => Number(timeMs(arg0(e)) ?? 0n));
const secAsMs: Reader<number> = last((e) => Number(timeSec(arg0(e)) ?? 0n) * 1000);
const bytes: Reader<number> = last((e) => Number(size(arg0(e)) ?? 0n));
const num: Reader<number> = last((e) => Number(atoi(arg0(e)) ?? 0n));
const numberOrNull = (v: bigint | null): number | null => (v === null ? null : Number(v));
const onOff: Reader<boolean> = last((e) => flag(arg0(e)) ?? false);
const str: Reader<string> = last(arg0);
const lower: Reader<string> = last((e) => arg0(e).toLowerCase());
const words: Reader<string[]> = (entries) => entries.flatMap((e) => values(e, 0));
const pairs: Reader<[string, string][]> = (entries) => entries.map((e) => [cstr(e.directive.argValue(0)), cstr(e.directive.argValue(1))]);
const methodSet: Reader<string[]> = (entries) => {
  const out: string[] = [];
  for (const w of words(entries)) if (!out.includes(w.toLowerCase())) out.push(w.toLowerCase());
  return out;
};
const protocolSet: Reader<string[]> = (entries) => {
  const canonical = ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
  const out: string[] = [];
  for (const w of words(entries)) {
    const c = canonical.find((x) => x.toLowerCase() === w.toLowerCase());
    if (c && !out.includes(c)) out.push(c);
  }
  return out;
};
const errorLogs: Reader<ErrorLogValue[]> = (entries) =>
  entries.map((e) => ({ target: arg0(e), level: values(e, 1, false).join(' ') || 'error' }));
const resolver: Reader<ResolverValue | null> = last((e) => {
  const args = values(e, 0);
  if (args[0] === 'off') return null;
  const value: ResolverValue = { servers: [], valid: null, ipv4: true, ipv6: true };
  for (const a of args) {
    if (a.startsWith('valid=')) value.valid = Number(timeSec(a.slice(6)) ?? 0n) * 1000;
    else if (a === 'ipv6=off' || a === 'ipv6=on') value.ipv6 = a === 'ipv6=on';
    else if (a === 'ipv4=off' || a === 'ipv4=on') value.ipv4 = a === 'ipv4=on';
    else {
      const r = parseNameServer(a);
      if (r.ok) value.servers.push(r.value);
    }
  }
  return value;
});
const sessionCache: Reader<SessionCacheValue> = (entries) => {
  const v: SessionCacheValue = { off: false, none: false, builtin: null, shared: null };
  for (const w of words(entries)) {
    const r = parseSessionCache(w);
    if (!r.ok) continue;
    if (r.off) Object.assign(v, { off: true, none: false, builtin: null, shared: null });
    if (r.none) Object.assign(v, { none: true, off: false });
    if (r.builtin !== undefined) Object.assign(v, { builtin: r.builtin, off: false, none: false });
    if (r.shared) Object.assign(v, { shared: r.shared, off: false, none: false });
  }
  return v;
};
const cidrs: Reader<CidrValue[]> = (entries) =>
  entries.flatMap((e) => {
    const r = parseCidr(arg0(e));
    return r.ok ? [r.value] : [];
  });

interface SettingSpec {
  read: Reader<unknown>;
  default: (version: string) => unknown;
}

const c = (v: unknown) => () => v;

/** Every key of ServerSettings: how to read it and its default. */
const SETTINGS: Record<keyof ServerSettings, SettingSpec> = {
  timeout: { read: ms, default: c(60000) },
  server_name: { read: str, default: () => os.hostname() },
  resolver: { read: resolver, default: c(null) },
  resolver_timeout: { read: ms, default: c(30000) },
  max_errors: { read: num, default: c(5) },
  error_log: { read: errorLogs, default: c([]) },
  ssl: { read: onOff, default: c(false) },
  starttls: { read: lower, default: c('off') },
  ssl_certificate: { read: words, default: c([]) },
  ssl_certificate_key: { read: words, default: c([]) },
  ssl_password_file: { read: str, default: c(null) },
  ssl_dhparam: { read: str, default: c(null) },
  ssl_ecdh_curve: { read: str, default: c('auto') },
  ssl_protocols: {
    read: protocolSet,
    default: (v) =>
      atLeast(v, '1.27.3') ? ['TLSv1.2', 'TLSv1.3'] : atLeast(v, '1.23.4') ? ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] : ['TLSv1', 'TLSv1.1', 'TLSv1.2'],
  },
  ssl_ciphers: { read: str, default: c('HIGH:!aNULL:!MD5') },
  ssl_prefer_server_ciphers: { read: onOff, default: c(false) },
  ssl_session_cache: { read: sessionCache, default: c({ off: false, none: true, builtin: null, shared: null }) },
  ssl_session_tickets: { read: onOff, default: c(true) },
  ssl_session_ticket_key: { read: words, default: c([]) },
  ssl_session_timeout: { read: secAsMs, default: c(300000) },
  ssl_verify_client: { read: lower, default: c('off') },
  ssl_verify_depth: { read: num, default: c(1) },
  ssl_client_certificate: { read: str, default: c(null) },
  ssl_trusted_certificate: { read: str, default: c(null) },
  ssl_crl: { read: str, default: c(null) },
  ssl_conf_command: { read: pairs, default: c([]) },
  ssl_certificate_compression: { read: onOff, default: c(false) },
  imap_auth: { read: methodSet, default: c(['plain']) },
  imap_capabilities: { read: words, default: c(['IMAP4', 'IMAP4rev1', 'UIDPLUS']) },
  imap_client_buffer: { read: bytes, default: c(PAGE) },
  pop3_auth: { read: methodSet, default: c(['plain']) },
  pop3_capabilities: { read: words, default: c(['TOP', 'USER', 'UIDL']) },
  smtp_auth: { read: methodSet, default: c(['plain', 'login']) },
  smtp_capabilities: { read: words, default: c([]) },
  smtp_client_buffer: { read: bytes, default: c(PAGE) },
  smtp_greeting_delay: { read: ms, default: c(0) },
  auth_http: {
    read: last((e) => {
      const r = parseAuthHttp(arg0(e));
      return r.ok ? r.value : null;
    }),
    default: c(null),
  },
  auth_http_timeout: { read: ms, default: c(60000) },
  auth_http_header: { read: pairs, default: c([]) },
  auth_http_pass_client_cert: { read: onOff, default: c(false) },
  proxy: { read: onOff, default: c(false) },
  proxy_buffer: { read: bytes, default: c(PAGE) },
  proxy_timeout: { read: ms, default: c(24 * 3600 * 1000) },
  proxy_pass_error_message: { read: onOff, default: c(false) },
  proxy_smtp_auth: { read: onOff, default: c(false) },
  proxy_protocol: { read: last((e) => (arg0(e).toLowerCase() === 'v2' ? 'v2' : flag(arg0(e)) ?? false)), default: c(false) },
  xclient: { read: onOff, default: c(true) },
  set_real_ip_from: { read: cidrs, default: c([]) },
};

export const SETTING_NAMES = Object.keys(SETTINGS) as (keyof ServerSettings)[];

/**
 * The walk entry of each server the model was built from: the rules that look at a server's
 * statements (in the walk's terms: children, reading order) find them here instead of
 * indexing the whole walk again.
 */
const entriesOfModel = new WeakMap<MailModel, Entry[]>();

/** The walk entries of a model's servers, by server index. */
export function serverEntries(model: MailModel): readonly Entry[] | undefined {
  return entriesOfModel.get(model);
}

/**
 * `resolveHost` (CheckOptions): with --check-dns a listen's host name stands for the addresses
 * it resolves to, as the listens nginx makes of it.
 */
export function buildModel(walked: WalkResult, set: ConfigSet, profile: Profile, version: string, invalid: Set<Entry>, resolveHost?: CheckOptions['resolveHost']): MailModel {
  void set;
  void profile;
  const valid = (e: Entry) => !invalid.has(e) && e.context !== null;
  const roots = walked.roots.filter(valid);
  const rootContext = walked.roots[0]?.context ?? 'main';

  let mail: Entry | null = null;
  let mailLevel: Entry[] = [];
  if (rootContext === 'main') {
    mail = roots.find((e) => e.directive.name === 'mail' && e.directive.block && e.spec) ?? null;
    mailLevel = mail ? mail.children.filter(valid) : [];
  } else if (rootContext === 'mail') {
    mailLevel = roots;
  }

  const servers: ServerModel[] = [];
  const serverEntryList: Entry[] = [];
  const shared = new SharedSettings(byName(mailLevel), version);
  for (let i = 0; i < mailLevel.length; i++) {
    const s = mailLevel[i]!;
    if (s.directive.name !== 'server' || !s.directive.block || s.context !== 'mail') continue;
    servers.push(buildServer(s, servers.length, shared, version, valid, resolveHost));
    serverEntryList.push(s);
  }

  const model: MailModel = {
    nginxVersion: version,
    main: buildMain(rootContext === 'main' ? roots : [], valid),
    mail: mail?.directive ?? null,
    servers,
    sockets: buildSockets(servers),
  };
  entriesOfModel.set(model, serverEntryList);
  return model;
}

/**
 * A server's settings, each computed when first read and then kept: a large configuration
 * has thousands of servers and the rules read a handful of their fifty settings.
 */
class LazySettings {
  // Private fields: not enumerable, so only the settings show when the object is listed.
  /** The server's own valid statements: a handful, so a scan is cheaper than a map per server. */
  readonly #own: Entry[];
  readonly #shared: SharedSettings;
  /**
   * Which settings the server sets itself, one bit per setting index (two words: there are
   * fewer than 64; buildServer finds them in its pass). The others are the shared value, with no search.
   */
  readonly #ownLow: number;
  readonly #ownHigh: number;
  /**
   * Settings read so far, as [key index, setting] pairs: a few per server. Kept here rather
   * than defined as own properties, which would give every server an object shape of its own.
   */
  #read: unknown[] | null = null;
  constructor(own: Entry[], shared: SharedSettings, ownLow: number, ownHigh: number) {
    this.#own = own;
    this.#shared = shared;
    this.#ownLow = ownLow;
    this.#ownHigh = ownHigh;
  }
  read(index: number): Setting<unknown> {
    const bit = index < 32 ? (this.#ownLow >>> index) & 1 : (this.#ownHigh >>> (index - 32)) & 1;
    if (!bit) return this.#shared.at(index);
    const memo = (this.#read ??= []);
    for (let k = 0; k < memo.length; k += 2) if (memo[k] === index) return memo[k + 1] as Setting<unknown>;
    const value = this.compute(index);
    memo.push(index, value);
    return value;
  }
  compute(index: number): Setting<unknown> {
    const key = SETTING_NAMES[index]!;
    // Indexed: this runs for each setting read of each server (see engine.ts on for...of).
    // Mostly one statement sets it: the list is made only when there are more.
    const own = this.#own;
    let last: Entry | undefined;
    let mine: Entry[] | undefined;
    for (let i = 0; i < own.length; i++) {
      const e = own[i]!;
      if (e.directive.name !== key) continue;
      if (last) (mine ??= [last]).push(e);
      last = e;
    }
    if (!last) return this.#shared.at(index);
    const value = mine ? SETTINGS[key].read(mine) : this.#shared.valueOfOne(key, last);
    return { value, origin: 'server', directive: last.directive, file: last.file };
  }
}

/** Setting name → index in SETTING_NAMES. */
const SETTING_INDEX = new Map(SETTING_NAMES.map((n, i) => [n as string, i]));
if (SETTING_NAMES.length > 64) throw new Error('LazySettings keeps one bit per setting in two 32-bit words');

(Object.keys(SETTINGS) as (keyof ServerSettings)[]).forEach((key, index) => {
  Object.defineProperty(LazySettings.prototype, key, {
    enumerable: true,
    configurable: true,
    get(this: LazySettings) {
      return this.read(index);
    },
  });
});

/**
 * What a server gets when it does not set a directive itself — the `mail {}` value or the
 * default — is the same for every server: computed once and shared (values are immutable).
 */
class SharedSettings {
  readonly #values: (Setting<unknown> | undefined)[] = [];
  /**
   * Values of one-statement, one-word settings by their text: a large configuration repeats
   * `proxy_timeout 10m` in thousands of servers, and reading it once is enough (values are
   * immutable and shared, as the inherited ones are).
   */
  readonly #byText = new Map<string, unknown>();
  constructor(
    private readonly inherited: Map<string, Entry[]>,
    private readonly version: string,
  ) {}
  /** What a server that does not set setting `index` itself gets. */
  at(index: number): Setting<unknown> {
    let v = this.#values[index];
    if (!v) {
      const key = SETTING_NAMES[index]!;
      const from = this.inherited.get(key) ?? NONE;
      const last = from[from.length - 1];
      v = last
        ? { value: this.valueOf(key, from), origin: 'mail', directive: last.directive, file: last.file }
        : { value: SETTINGS[key].default(this.version), origin: 'default', directive: null, file: null };
      this.#values[index] = v;
    }
    return v;
  }
  /** The value the statements `from` (in order, all named `key`) give the setting. */
  valueOf(key: keyof ServerSettings, from: Entry[]): unknown {
    return from.length === 1 ? this.valueOfOne(key, from[0]!) : SETTINGS[key].read(from);
  }
  /** The value one statement gives the setting. */
  valueOfOne(key: keyof ServerSettings, e: Entry): unknown {
    const d = e.directive;
    if (d.argCount !== 1) return SETTINGS[key].read([e]);
    const text = `${key} ${d.argValue(0)}`;
    let value = this.#byText.get(text);
    if (value === undefined && !this.#byText.has(text)) this.#byText.set(text, (value = SETTINGS[key].read([e])));
    return value;
  }
}

function lazySettings(own: Entry[], shared: SharedSettings, ownLow: number, ownHigh: number): ServerSettings {
  return new LazySettings(own, shared, ownLow, ownHigh) as unknown as ServerSettings;
}

/** Entries grouped by directive name, in order. */
function byName(entries: Entry[]): Map<string, Entry[]> {
  const m = new Map<string, Entry[]>();
  for (const e of entries) {
    const list = m.get(e.directive.name);
    if (list) list.push(e);
    else m.set(e.directive.name, [e]);
  }
  return m;
}

const NONE: Entry[] = [];

function buildServer(s: Entry, index: number, shared: SharedSettings, version: string, valid: (e: Entry) => boolean, resolveHost: CheckOptions['resolveHost']): ServerModel {
  // Most servers have no invalid statement: their list is used as it is.
  const own = allValid(s.children, valid) ? s.children : s.children.filter(valid);

  // One pass over the server's statements (indexed: this runs for every statement of every server).
  const listens: ListenModel[] = [];
  let inferred: { protocol: MailProtocol; listen: ListenModel } | null = null;
  let explicit: MailProtocol | null = null;
  let ownLow = 0;
  let ownHigh = 0;
  for (let i = 0; i < own.length; i++) {
    const e = own[i]!;
    const name = e.directive.name;
    const k = SETTING_INDEX.get(name);
    if (k !== undefined) {
      if (k < 32) ownLow |= 1 << k;
      else ownHigh |= 1 << (k - 32);
    }
    if (name === 'protocol') {
      const p = arg0(e);
      if (p === 'imap' || p === 'pop3' || p === 'smtp') explicit = p;
      continue;
    }
    if (name !== 'listen' || !e.directive.argCount) continue;
    const r = parseListen(e.directive.args, version);
    if (!r.ok) continue;
    const v = r.value;
    const first = listens.length;
    const addresses = v.hostName ? uniqueAddresses(resolvedListen(resolveHost, v, cstr(e.directive.argValue(0)))) : v.addresses;
    for (let k = 0; k < addresses.length; k++) {
      const address = addresses[k]!;
      listens.push({
        address,
        // A resolved name's address may itself be a wildcard (ngx_inet_wildcard).
        wildcard: addresses === v.addresses ? v.wildcard : address.host === '0.0.0.0' || address.host === '::',
        ssl: v.ssl,
        proxyProtocol: v.proxyProtocol,
        bind: v.bind,
        backlog: v.backlog,
        rcvbuf: v.rcvbuf,
        sndbuf: v.sndbuf,
        ipv6only: v.ipv6only,
        soKeepalive: v.soKeepalive,
        directive: e.directive,
        file: e.file,
      });
    }
    const p = WELL_KNOWN_PORTS[v.firstPort];
    if (!inferred && p && listens[first]) inferred = { protocol: p, listen: listens[first] };
  }

  const st = lazySettings(own, shared, ownLow, ownHigh);
  const sslMode: ServerModel['sslMode'] = anySsl(listens)
    ? 'listen ... ssl'
    : !atLeast(version, '1.25.1') && st.ssl.value
      ? 'ssl'
      : st.starttls.value !== 'off'
        ? 'starttls'
        : null;
  return {
    index,
    directive: s.directive,
    file: s.file,
    protocol: explicit ?? inferred?.protocol ?? null,
    protocolOrigin: explicit ? 'explicit' : inferred ? 'inferred' : null,
    protocolListen: explicit ? null : (inferred?.listen ?? null),
    listens,
    settings: st,
    sslMode,
  };
}

/** The addresses of a resolved name, each once (one socket each: a repeat is reported by duplicate-listen). */
function uniqueAddresses(list: ListenAddress[]): ListenAddress[] {
  return list.filter((a, i) => list.findIndex((b) => b.text === a.text) === i);
}

function allValid(entries: readonly Entry[], valid: (e: Entry) => boolean): boolean {
  for (let i = 0; i < entries.length; i++) if (!valid(entries[i]!)) return false;
  return true;
}

function anySsl(listens: readonly ListenModel[]): boolean {
  for (let i = 0; i < listens.length; i++) if (listens[i]!.ssl) return true;
  return false;
}

function buildMain(roots: Entry[], valid: (e: Entry) => boolean): MainSettings {
  const pick = <T>(entries: Entry[], name: string, read: Reader<T>, dflt: T): Setting<T> => {
    const found = entries.filter((e) => e.directive.name === name);
    if (!found.length) return { value: dflt, origin: 'default', directive: null, file: null };
    const lastEntry = found[found.length - 1]!;
    return { value: read(found), origin: 'main', directive: lastEntry.directive, file: lastEntry.file };
  };
  const events = roots.find((e) => e.directive.name === 'events' && e.directive.block);
  const eventEntries = events ? events.children.filter(valid) : [];
  return {
    worker_processes: pick(roots, 'worker_processes', last((e) => (arg0(e) === 'auto' ? ('auto' as const) : Number(atoi(arg0(e)) ?? 1n))), 1 as number | 'auto'),
    worker_connections: pick(eventEntries, 'worker_connections', num, 512),
    // null for a value nginx refuses (invalid number): the limit is then not known.
    worker_rlimit_nofile: pick(roots, 'worker_rlimit_nofile', last((e) => numberOrNull(atoi(arg0(e)))), null as number | null),
    error_log: pick(roots, 'error_log', errorLogs, [{ target: 'logs/error.log', level: 'error' }]),
    daemon: pick(roots, 'daemon', onOff, true),
    master_process: pick(roots, 'master_process', onOff, true),
    pid: pick(roots, 'pid', str, '/run/nginx.pid'),
    worker_shutdown_timeout: pick(roots, 'worker_shutdown_timeout', ms as Reader<number | null>, null),
  };
}

/**
 * Groups listens into sockets as nginx does (mail-directives.md §4.4): per family and
 * port, a wildcard takes in the explicit addresses that do not ask for their own socket
 * with `bind` (or a parameter implying it).
 */
export function buildSockets(servers: ServerModel[]): SocketModel[] {
  const sockets: SocketModel[] = [];
  const groups = new Map<string, { listen: ListenModel; server: ServerModel }[]>();
  // Indexed: runs per listen (see engine.ts on for...of).
  for (let si = 0; si < servers.length; si++) {
    const server = servers[si]!;
    for (let li = 0; li < server.listens.length; li++) {
      const listen = server.listens[li]!;
      const key = listen.address.family === 'unix' ? `unix ${listen.address.host}` : `${listen.address.family} ${listen.address.port}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push({ listen, server });
    }
  }
  for (const group of groups.values()) {
    const wildcard = group.find((x) => x.listen.wildcard);
    if (!wildcard || group[0]!.listen.address.family === 'unix') {
      for (const x of group) sockets.push({ address: x.listen.address, listens: [x] });
      continue;
    }
    const shared: SocketModel = { address: wildcard.listen.address, listens: [wildcard] };
    sockets.push(shared);
    for (const x of group) {
      if (x === wildcard) continue;
      if (x.listen.bind || x.listen.wildcard) sockets.push({ address: x.listen.address, listens: [x] });
      else shared.listens.push(x);
    }
  }
  return sockets;
}
