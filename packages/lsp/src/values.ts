/**
 * The words a directive's arguments can be, for completion, hover and highlighting. Value
 * types come from the schema (enums, flags, keyword sets); the directives the schema marks
 * `special` (listen, protocol, error_log, ...) are described here, version-aware where nginx
 * added a parameter later.
 */
import { compareVersions, type DirectiveSpec } from '@mailconf/schema';
import { WELL_KNOWN_PORTS } from '@mailconf/checker';

export interface ValueChoice {
  /** The text to insert. */
  label: string;
  /** A snippet to insert instead (parameters ending in `=`). */
  snippet?: string;
  detail?: string;
  documentation?: string;
  /** For `key=value` parameters: the key, so one already written is not offered again. */
  key?: string;
  /** Offered only for the first argument. */
  firstOnly?: boolean;
  /** Not offered for the first argument. */
  notFirst?: boolean;
}

const atLeast = (version: string, min: string) => compareVersions(version, min) >= 0;

/** The `listen` parameters of the mail module, in nginx's documentation order. */
export function listenParameters(version: string): ValueChoice[] {
  const out: ValueChoice[] = [
    { label: 'ssl', key: 'ssl', documentation: 'Connections accepted on this port start with TLS (implicit TLS: IMAPS 993, POP3S 995, SMTPS 465).' },
    {
      label: 'proxy_protocol',
      key: 'proxy_protocol',
      documentation: 'Connections accepted on this port must begin with a PROXY protocol header (a load balancer in front of nginx sends it).',
    },
    { label: 'backlog=', snippet: 'backlog=${1:511}', key: 'backlog', documentation: 'Length of the queue of pending connections (listen(2) backlog). Implies `bind`.' },
    { label: 'rcvbuf=', snippet: 'rcvbuf=${1:64k}', key: 'rcvbuf', documentation: 'Receive buffer size of the socket (SO_RCVBUF). Implies `bind`.' },
    { label: 'sndbuf=', snippet: 'sndbuf=${1:64k}', key: 'sndbuf', documentation: 'Send buffer size of the socket (SO_SNDBUF). Implies `bind`.' },
    {
      label: 'bind',
      key: 'bind',
      documentation: 'Bind this exact address in its own socket instead of sharing the wildcard socket of the same port.',
    },
    { label: 'ipv6only=on', key: 'ipv6only', documentation: 'An IPv6 wildcard socket accepts IPv6 connections only (IPV6_V6ONLY). Implies `bind`.' },
    { label: 'ipv6only=off', key: 'ipv6only', documentation: 'An IPv6 wildcard socket accepts IPv4 connections too. Implies `bind`.' },
    {
      label: 'so_keepalive=',
      snippet: 'so_keepalive=${1|on,off,30m::10|}',
      key: 'so_keepalive',
      documentation: 'TCP keepalive for the socket: `on`, `off`, or `idle:interval:count` (e.g. `30m::10`). Implies `bind`.',
    },
  ];
  if (atLeast(version, '1.29.7')) {
    out.push({ label: 'multipath', key: 'multipath', documentation: 'Accept Multipath TCP connections (IPPROTO_MPTCP). Implies `bind`.' });
  }
  return out.map((c) => ({ ...c, notFirst: true }));
}

/** Ports nginx maps to a protocol, as `listen` first-argument suggestions. */
export function listenPorts(): ValueChoice[] {
  const tls = new Set([993, 995, 465]);
  return Object.entries(WELL_KNOWN_PORTS).map(([port, protocol]) => ({
    label: port,
    detail: `${protocol}${tls.has(Number(port)) ? ' over TLS (add ssl)' : Number(port) === 587 ? ' submission' : ''}`,
    documentation: `A server listening on ${port} without a \`protocol\` directive is ${protocol}.`,
    firstOnly: true,
  }));
}

const LOG_LEVELS = ['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg'];

/** Keyword choices for a directive's argument at `argIndex` (0 = first argument). */
export function valueChoices(name: string, spec: DirectiveSpec | null, argIndex: number, version: string): ValueChoice[] {
  const v = spec?.value;
  if (v) {
    switch (v.type) {
      case 'flag':
        return argIndex === 0 ? [{ label: 'on' }, { label: 'off' }] : [];
      case 'enum':
        return argIndex === 0 ? v.values.map((label) => ({ label })) : [];
      case 'bitmask':
        return v.values.map((label) => ({ label, key: label.toLowerCase() }));
      default:
        break;
    }
  }
  switch (name) {
    case 'protocol':
      return argIndex === 0
        ? [
            { label: 'imap', documentation: 'IMAP (RFC 9051), default ports 143 and 993 (TLS).' },
            { label: 'pop3', documentation: 'POP3 (RFC 1939), default ports 110 and 995 (TLS).' },
            { label: 'smtp', documentation: 'SMTP (RFC 5321), default ports 25, 465 (TLS) and 587 (submission).' },
          ]
        : [];
    case 'listen':
      return argIndex === 0 ? listenPorts() : listenParameters(version);
    case 'worker_processes':
      return argIndex === 0 ? [{ label: 'auto', documentation: 'One worker per available CPU core.' }] : [];
    case 'use':
      return argIndex === 0 ? ['epoll', 'poll', 'select'].map((label) => ({ label })) : [];
    case 'error_log':
      if (argIndex === 0) {
        return [
          { label: 'stderr', documentation: 'The standard error stream.' },
          { label: 'syslog:', snippet: 'syslog:server=${1:unix:/dev/log}', documentation: 'A syslog server: `syslog:server=address[,facility=...,tag=...]`.' },
          { label: 'memory:', snippet: 'memory:${1:32m}', documentation: 'A cyclic memory buffer (debugging).' },
        ];
      }
      return argIndex === 1 ? LOG_LEVELS.map((label) => ({ label })) : [];
    case 'resolver':
      return [
        { label: 'off', firstOnly: true, documentation: 'No name resolution: the client host name is not looked up.' },
        { label: 'valid=', snippet: 'valid=${1:30s}', key: 'valid', notFirst: true, documentation: 'Cache answers for this long instead of their TTL.' },
        { label: 'ipv4=off', key: 'ipv4', notFirst: true, documentation: 'Do not look up IPv4 addresses.' },
        { label: 'ipv6=off', key: 'ipv6', notFirst: true, documentation: 'Do not look up IPv6 addresses.' },
      ].filter((c) => c.label !== 'ipv4=off' || atLeast(version, '1.23.1'));
    case 'ssl_session_cache':
      return [
        { label: 'off', documentation: 'Session reuse is refused.' },
        { label: 'none', documentation: 'Session reuse is allowed but nothing is stored (the default).' },
        { label: 'builtin', documentation: "OpenSSL's cache, per worker process." },
        {
          label: 'shared:',
          snippet: 'shared:${1:MAIL}:${2:10m}',
          documentation: 'A cache shared by all worker processes: `shared:name:size` (1 MB holds about 4000 sessions).',
        },
      ];
    case 'debug_points':
      return argIndex === 0 ? [{ label: 'stop' }, { label: 'abort' }] : [];
    default:
      return [];
  }
}

interface KeywordSet {
  words: Set<string>;
  /** Keys of `key=value` parameters (`backlog`, `valid`). */
  keys: string[];
}

const keywordSets = new Map<string, KeywordSet>();

/** Whether a word is one of a directive's keywords (for highlighting; cached per directive and position). */
export function isKeywordValue(name: string, spec: DirectiveSpec | null, argIndex: number, word: string, version: string): boolean {
  const key = `${name}\0${Math.min(argIndex, 2)}\0${version}\0${spec?.value?.type ?? ''}`;
  let set = keywordSets.get(key);
  if (!set) {
    set = { words: new Set(), keys: [] };
    for (const c of valueChoices(name, spec, argIndex, version)) {
      if (c.snippet || c.label.endsWith('=') || c.label.endsWith(':')) {
        if (c.key) set.keys.push(c.key.toLowerCase() + '=');
      } else if (!/^\d+$/.test(c.label)) set.words.add(c.label.toLowerCase());
    }
    keywordSets.set(key, set);
  }
  const lower = word.toLowerCase();
  return set.words.has(lower) || set.keys.some((k) => lower.startsWith(k));
}
