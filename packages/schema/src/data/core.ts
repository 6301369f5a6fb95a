/**
 * Main-context and `events{}` directives (mail-directives.md §3), curated by hand with
 * value syntax and defaults. Contexts and argument flags match nginx's command tables;
 * a test compares them with the generated tables.
 */
import type { Arity, DirectiveSpec, ValueType } from '../types.js';

const TAKE1: Arity = { kind: 'counts', counts: [1] };
const TAKE12: Arity = { kind: 'counts', counts: [1, 2] };
const TAKE23: Arity = { kind: 'counts', counts: [2, 3] };
const NOARGS: Arity = { kind: 'counts', counts: [0] };
const FLAG: Arity = { kind: 'flag' };
const MORE1: Arity = { kind: 'min', min: 1 };

const flag: ValueType = { type: 'flag' };
const msec: ValueType = { type: 'time', unit: 'ms' };
const number: ValueType = { type: 'number' };
const path: ValueType = { type: 'path' };
const string: ValueType = { type: 'string' };
const special = (name: string): ValueType => ({ type: 'special', name });

type Fields = Omit<DirectiveSpec, 'name' | 'module' | 'contexts' | 'block' | 'repeat'> &
  Partial<Pick<DirectiveSpec, 'block' | 'repeat'>>;

function main(module: string, name: string, fields: Fields): DirectiveSpec {
  return { name, module, contexts: ['main'], block: false, repeat: 'error', ...fields };
}

function events(module: string, name: string, fields: Fields): DirectiveSpec {
  return { name, module, contexts: ['events'], block: false, repeat: 'error', ...fields };
}

const CORE = 'ngx_core_module';
const EVENT = 'ngx_event_core_module';
const EPOLL = 'ngx_epoll_module';

export const CORE_DIRECTIVES: readonly DirectiveSpec[] = [
  {
    name: 'include', module: 'ngx_conf_module',
    // Allowed in every context, including the bodies of http/stream blocks.
    contexts: [
      'main', 'events', 'mail', 'mail:server', 'http', 'http:server', 'http:location', 'http:if-server',
      'http:if-location', 'http:limit_except', 'http:upstream', 'stream', 'stream:server', 'stream:upstream',
    ],
    arity: TAKE1, block: false, value: special('include'), repeat: 'append',
  },
  main(CORE, 'daemon', { arity: FLAG, value: flag, default: 'on' }),
  main(CORE, 'master_process', { arity: FLAG, value: flag, default: 'on' }),
  main(CORE, 'timer_resolution', { arity: TAKE1, value: msec }),
  main(CORE, 'pid', { arity: TAKE1, value: path, default: 'logs/nginx.pid' }),
  main(CORE, 'lock_file', { arity: TAKE1, value: path, default: 'logs/nginx.lock' }),
  main(CORE, 'worker_processes', { arity: TAKE1, value: special('worker_processes'), default: '1' }),
  main(CORE, 'debug_points', { arity: TAKE1, value: { type: 'enum', values: ['stop', 'abort'] } }),
  main(CORE, 'user', { arity: TAKE12, value: special('user'), default: 'nobody nobody' }),
  main(CORE, 'worker_priority', { arity: TAKE1, value: special('worker_priority'), default: '0' }),
  main(CORE, 'worker_cpu_affinity', { arity: MORE1, value: special('worker_cpu_affinity') }),
  main(CORE, 'worker_rlimit_nofile', { arity: TAKE1, value: number }),
  main(CORE, 'worker_rlimit_core', { arity: TAKE1, value: { type: 'offset' } }),
  main(CORE, 'worker_shutdown_timeout', { arity: TAKE1, value: msec, since: '1.11.11' }),
  main(CORE, 'working_directory', { arity: TAKE1, value: path }),
  main(CORE, 'env', { arity: TAKE1, value: special('env'), default: 'TZ', repeat: 'append' }),
  main(CORE, 'load_module', { arity: TAKE1, value: special('load_module'), repeat: 'custom', since: '1.9.11' }),
  main('ngx_errlog_module', 'error_log', {
    arity: MORE1, value: special('error_log'), default: 'logs/error.log error', repeat: 'append',
  }),
  main('ngx_thread_pool_module', 'thread_pool', {
    arity: TAKE23, value: special('thread_pool'), default: 'default threads=32 max_queue=65536',
    repeat: 'custom', since: '1.7.11',
  }),
  main('ngx_regex_module', 'pcre_jit', { arity: FLAG, value: flag, default: 'off', since: '1.1.12' }),
  main('ngx_openssl_module', 'ssl_engine', { arity: TAKE1, value: string }),
  main('ngx_openssl_cache_module', 'ssl_object_cache_inheritable', {
    arity: FLAG, value: flag, default: 'on', since: '1.27.4',
  }),
  main('ngx_quic_bpf_module', 'quic_bpf', { arity: FLAG, value: flag, default: 'off', since: '1.25.0' }),
  main('ngx_google_perftools_module', 'google_perftools_profiles', { arity: TAKE1, value: path }),
  main('ngx_events_module', 'events', { arity: NOARGS, block: true, body: 'events' }),
  main('ngx_http_module', 'http', { arity: NOARGS, block: true, body: 'http' }),
  main('ngx_stream_module', 'stream', { arity: NOARGS, block: true, body: 'stream', since: '1.9.0' }),

  events(EVENT, 'worker_connections', { arity: TAKE1, value: number, default: '512' }),
  events(EVENT, 'use', { arity: TAKE1, value: special('use'), defaultNote: 'the most efficient method available' }),
  events(EVENT, 'multi_accept', { arity: FLAG, value: flag, default: 'off' }),
  events(EVENT, 'accept_mutex', { arity: FLAG, value: flag, default: 'off' }),
  events(EVENT, 'accept_mutex_delay', { arity: TAKE1, value: msec, default: '500ms' }),
  events(EVENT, 'debug_connection', { arity: TAKE1, value: special('debug_connection'), repeat: 'append' }),
  events(EPOLL, 'epoll_events', { arity: TAKE1, value: number, default: '512' }),
  events(EPOLL, 'worker_aio_requests', { arity: TAKE1, value: number, default: '32', since: '1.1.4' }),
];
