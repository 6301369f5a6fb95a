/**
 * The mail modules' directives (mail-directives.md §2), curated by hand: contexts and
 * argument flags match nginx's command tables (a test compares them with the generated
 * tables), and value syntax, defaults, repeat behaviour and versions come from the module
 * sources, nginx.org's docs and the changes log.
 */
import type { Arity, ContextId, DirectiveSpec, ValueType } from '../types.js';

const MS: ContextId[] = ['mail', 'mail:server'];
const TAKE1: Arity = { kind: 'counts', counts: [1] };
const TAKE2: Arity = { kind: 'counts', counts: [2] };
const TAKE12: Arity = { kind: 'counts', counts: [1, 2] };
const NOARGS: Arity = { kind: 'counts', counts: [0] };
const FLAG: Arity = { kind: 'flag' };
const MORE1: Arity = { kind: 'min', min: 1 };

const flag: ValueType = { type: 'flag' };
const msec: ValueType = { type: 'time', unit: 'ms' };
const sec: ValueType = { type: 'time', unit: 's' };
const size: ValueType = { type: 'size' };
const number: ValueType = { type: 'number' };
const path: ValueType = { type: 'path' };
const string: ValueType = { type: 'string' };
const special = (name: string): ValueType => ({ type: 'special', name });

type Fields = Omit<DirectiveSpec, 'name' | 'module' | 'contexts' | 'block' | 'repeat' | 'inherits'> &
  Partial<Pick<DirectiveSpec, 'contexts' | 'block' | 'repeat' | 'inherits'>>;

/** A directive allowed in `mail{}` and `server{}`: inherited, duplicate is an error unless said. */
function ms(module: string, name: string, fields: Fields): DirectiveSpec {
  return { name, module, contexts: MS, block: false, repeat: 'error', inherits: true, ...fields };
}

const CORE = 'ngx_mail_core_module';
const SSL = 'ngx_mail_ssl_module';
const IMAP = 'ngx_mail_imap_module';
const POP3 = 'ngx_mail_pop3_module';
const SMTP = 'ngx_mail_smtp_module';
const AUTH = 'ngx_mail_auth_http_module';
const PROXY = 'ngx_mail_proxy_module';
const REALIP = 'ngx_mail_realip_module';

const ONE_PAGE = 'one memory page (4k or 8k, depending on the platform)';

export const MAIL_DIRECTIVES: readonly DirectiveSpec[] = [
  // ngx_mail_module
  {
    name: 'mail', module: 'ngx_mail_module', contexts: ['main'], arity: NOARGS, block: true, body: 'mail',
    repeat: 'error', since: '0.5.15',
  },

  // ngx_mail_core_module
  {
    name: 'server', module: CORE, contexts: ['mail'], arity: NOARGS, block: true, body: 'mail:server',
    repeat: 'append',
  },
  {
    name: 'listen', module: CORE, contexts: ['mail:server'], arity: MORE1, block: false,
    value: special('listen'), repeat: 'custom',
  },
  {
    name: 'protocol', module: CORE, contexts: ['mail:server'], arity: TAKE1, block: false,
    value: special('protocol'), repeat: 'last-wins',
    defaultNote: 'inferred from the port of the first listen with a well-known mail port',
  },
  ms(CORE, 'timeout', { arity: TAKE1, value: msec, default: '60s' }),
  ms(CORE, 'server_name', {
    arity: TAKE1, value: special('server_name'), defaultNote: 'the machine host name', since: '0.4.10',
  }),
  ms(CORE, 'error_log', { arity: MORE1, value: special('error_log'), repeat: 'append', since: '1.9.0' }),
  ms(CORE, 'resolver', {
    arity: MORE1, value: special('resolver'), default: 'off', since: '0.6.27',
  }),
  ms(CORE, 'resolver_timeout', { arity: TAKE1, value: msec, default: '30s', since: '0.6.27' }),
  ms(CORE, 'max_errors', { arity: TAKE1, value: number, default: '5', since: '1.21.0' }),

  // ngx_mail_ssl_module
  ms(SSL, 'ssl', {
    arity: FLAG, value: flag, default: 'off', since: '0.1.44', deprecatedIn: '1.15.0', removedIn: '1.25.1',
  }),
  ms(SSL, 'starttls', {
    arity: TAKE1, value: { type: 'enum', values: ['on', 'off', 'only'] }, default: 'off', since: '0.3.13',
  }),
  ms(SSL, 'ssl_certificate', { arity: TAKE1, value: path, repeat: 'append', since: '0.1.44' }),
  ms(SSL, 'ssl_certificate_key', { arity: TAKE1, value: path, repeat: 'append', since: '0.1.44' }),
  ms(SSL, 'ssl_password_file', { arity: TAKE1, value: path, since: '1.7.3' }),
  ms(SSL, 'ssl_certificate_compression', { arity: FLAG, value: flag, default: 'off', since: '1.29.1' }),
  ms(SSL, 'ssl_dhparam', { arity: TAKE1, value: path, since: '0.7.2' }),
  ms(SSL, 'ssl_ecdh_curve', { arity: TAKE1, value: string, default: 'auto', since: '1.1.0' }),
  ms(SSL, 'ssl_protocols', {
    arity: MORE1,
    value: { type: 'bitmask', values: ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] },
    repeat: 'or',
    default: 'TLSv1.2 TLSv1.3',
    since: '0.2.2',
    variants: [
      { until: '1.23.4', default: 'TLSv1 TLSv1.1 TLSv1.2' },
      { since: '1.23.4', until: '1.27.3', default: 'TLSv1 TLSv1.1 TLSv1.2 TLSv1.3' },
      { since: '1.27.3', default: 'TLSv1.2 TLSv1.3' },
    ],
  }),
  ms(SSL, 'ssl_ciphers', { arity: TAKE1, value: string, default: 'HIGH:!aNULL:!MD5', since: '0.1.44' }),
  ms(SSL, 'ssl_prefer_server_ciphers', { arity: FLAG, value: flag, default: 'off', since: '0.2.2' }),
  ms(SSL, 'ssl_session_cache', {
    arity: TAKE12, value: special('ssl_session_cache'), default: 'none', repeat: 'custom', since: '0.5.6',
  }),
  ms(SSL, 'ssl_session_tickets', { arity: FLAG, value: flag, default: 'on', since: '1.5.9' }),
  ms(SSL, 'ssl_session_ticket_key', { arity: TAKE1, value: path, repeat: 'append', since: '1.5.7' }),
  ms(SSL, 'ssl_session_timeout', { arity: TAKE1, value: sec, default: '5m', since: '0.3.8' }),
  ms(SSL, 'ssl_verify_client', {
    arity: TAKE1, value: { type: 'enum', values: ['on', 'off', 'optional', 'optional_no_ca'] },
    default: 'off', since: '1.7.11',
  }),
  ms(SSL, 'ssl_verify_depth', { arity: TAKE1, value: number, default: '1', since: '1.7.11' }),
  ms(SSL, 'ssl_client_certificate', { arity: TAKE1, value: path, since: '1.7.11' }),
  ms(SSL, 'ssl_trusted_certificate', { arity: TAKE1, value: path, since: '1.7.11' }),
  ms(SSL, 'ssl_crl', { arity: TAKE1, value: path, since: '1.7.11' }),
  ms(SSL, 'ssl_conf_command', {
    arity: TAKE2, value: special('ssl_conf_command'), repeat: 'append', since: '1.19.4',
  }),

  // ngx_mail_imap_module
  ms(IMAP, 'imap_auth', {
    arity: MORE1, value: { type: 'bitmask', values: ['plain', 'login', 'cram-md5', 'external'] },
    default: 'plain', repeat: 'or', since: '0.6.5',
  }),
  ms(IMAP, 'imap_capabilities', {
    arity: MORE1, value: string, default: 'IMAP4 IMAP4rev1 UIDPLUS', repeat: 'append', since: '0.1.38',
  }),
  ms(IMAP, 'imap_client_buffer', { arity: TAKE1, value: size, defaultNote: ONE_PAGE }),

  // ngx_mail_pop3_module
  ms(POP3, 'pop3_auth', {
    arity: MORE1, value: { type: 'bitmask', values: ['plain', 'apop', 'cram-md5', 'external'] },
    default: 'plain', repeat: 'or', since: '0.5.15',
  }),
  ms(POP3, 'pop3_capabilities', {
    arity: MORE1, value: string, default: 'TOP USER UIDL', repeat: 'append', since: '0.1.38',
  }),

  // ngx_mail_smtp_module
  ms(SMTP, 'smtp_auth', {
    arity: MORE1, value: { type: 'bitmask', values: ['plain', 'login', 'cram-md5', 'external', 'none'] },
    default: 'plain login', repeat: 'or', since: '0.5.15',
  }),
  ms(SMTP, 'smtp_capabilities', { arity: MORE1, value: string, repeat: 'append', since: '0.5.15' }),
  ms(SMTP, 'smtp_client_buffer', { arity: TAKE1, value: size, defaultNote: ONE_PAGE, since: '0.6.12' }),
  ms(SMTP, 'smtp_greeting_delay', { arity: TAKE1, value: msec, default: '0', since: '0.6.12' }),

  // ngx_mail_auth_http_module
  ms(AUTH, 'auth_http', {
    arity: TAKE1, value: special('auth_http'), repeat: 'last-wins',
    defaultNote: 'none: every server needs one',
  }),
  ms(AUTH, 'auth_http_timeout', { arity: TAKE1, value: msec, default: '60s' }),
  ms(AUTH, 'auth_http_header', {
    arity: TAKE2, value: special('auth_http_header'), repeat: 'append', since: '0.3.8',
  }),
  ms(AUTH, 'auth_http_pass_client_cert', { arity: FLAG, value: flag, default: 'off', since: '1.7.11' }),

  // ngx_mail_proxy_module
  ms(PROXY, 'proxy', { arity: FLAG, value: flag, default: 'off' }),
  ms(PROXY, 'proxy_buffer', { arity: TAKE1, value: size, defaultNote: ONE_PAGE }),
  ms(PROXY, 'proxy_timeout', { arity: TAKE1, value: msec, default: '24h', since: '0.1.44' }),
  ms(PROXY, 'proxy_pass_error_message', { arity: FLAG, value: flag, default: 'off', since: '0.4.14' }),
  ms(PROXY, 'proxy_smtp_auth', { arity: FLAG, value: flag, default: 'off', since: '1.19.4' }),
  ms(PROXY, 'proxy_protocol', {
    // A flag until 1.31.4 added `v2`; from then a case-insensitive keyword.
    arity: TAKE1,
    value: { type: 'enum', values: ['off', 'on', 'v2'] },
    default: 'off',
    since: '1.19.8',
    variants: [
      { until: '1.31.4', arity: FLAG, value: flag },
      { since: '1.31.4', arity: TAKE1, value: { type: 'enum', values: ['off', 'on', 'v2'] } },
    ],
  }),
  ms(PROXY, 'xclient', { arity: FLAG, value: flag, default: 'on', since: '0.5.15' }),

  // ngx_mail_realip_module
  ms(REALIP, 'set_real_ip_from', {
    arity: TAKE1, value: special('set_real_ip_from'), repeat: 'append', since: '1.19.8',
  }),
];

/** The mail modules in the order nginx validates them after `mail{}` is parsed (§1). */
export const MAIL_MODULES = [
  'ngx_mail_module',
  CORE,
  SSL,
  POP3,
  IMAP,
  SMTP,
  AUTH,
  PROXY,
  REALIP,
] as const;
