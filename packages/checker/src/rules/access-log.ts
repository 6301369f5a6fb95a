import { defineRule } from '../rule.js';
import { syslogError } from '../syslog.js';
import { hostNotFound } from '../net/dns.js';
import { atoi, size, timeMs } from '../values.js';
import { contextFamily } from '../walk.js';

/**
 * The log modules' own readers of `log_format` and `access_log` (http and stream), in their
 * order: format names are looked up while the configuration is read, so a format must be
 * defined above the access_log that names it.
 */
export default defineRule({
  meta: {
    id: 'access-log',
    description: 'access_log and log_format as the log modules read them: formats known by then, unique names, parameters',
    kind: 'nginx',
    severity: 'error',
    docs: `nginx reads \`access_log\` while it reads the configuration, so the format it names must be
defined *above* it (\`log_format\` is only allowed in \`http {}\` and \`stream {}\` themselves):
- \`unknown log format "main"\`: no \`log_format main\` before this line (names compare in any case).
  In http the default is the predefined \`combined\`; stream has none (\`log format is not specified\`).
- \`duplicate "log_format" name "main"\`: a second \`log_format\` with the same name (in http,
  \`combined\` is taken).
- The parameters after the format: \`buffer=\` a size, \`flush=\` a time (and only with a buffer),
  \`gzip\` or \`gzip=1\`…\`9\`, \`if=\` a condition; \`buffer=\` is refused for a path with variables
  and for syslog. \`access_log off\` takes nothing after it. A file has one buffer: every buffered
  \`access_log\` to it must ask for the same size, flush time and compression (\`access_log "..." already
  defined with conflicting parameters\`).
- \`log_format name escape=default|json|none ...\`.`,
  },
  stage: 'value',
  names: ['log_format', 'access_log'],
  directive(entry, ctx) {
    const family = contextFamily(entry);
    if (family !== 'http' && family !== 'stream') return;
    const d = entry.directive;
    if (!d.argCount) return;
    // Per family, the formats defined so far (http has "combined" from the start).
    const formats = ctx.state(`access-log:${family}`, (): string[] => (family === 'http' ? ['combined'] : []));
    const fail = (message: string, arg?: number, order?: readonly number[]) => ctx.report({ entry, message, range: arg === undefined ? undefined : d.args[arg]!.range, order });
    const v = (i: number) => d.argValue(i);

    if (d.name === 'log_format') {
      const name = v(0);
      if (formats.includes(name)) return fail(`duplicate "log_format" name "${name}"`, 0);
      formats.push(name);
      if (d.argCount > 1 && v(1).startsWith('escape=')) {
        const escape = v(1).slice(7);
        if (escape !== 'json' && escape !== 'none' && escape !== 'default') fail(`unknown log format escaping "${escape}"`, 1);
      }
      return;
    }

    const path = v(0);
    if (path === 'off') {
      if (d.argCount > 1) fail(`invalid parameter "${v(1)}"`, 1);
      return;
    }
    const syslog = path.startsWith('syslog:');
    // The target is read first (ngx_http_log_set_log, ngx_stream_log_set_log).
    if (syslog) {
      const error = syslogError(path, (host) => hostNotFound(ctx, host));
      if (error) return ctx.report({ entry, ...error, range: d.args[0]!.range });
    }
    let format: string;
    if (d.argCount >= 2) format = v(1);
    else if (family === 'http') format = 'combined';
    else return fail('log format is not specified');
    const lower = format.toLowerCase();
    if (!formats.some((f) => f.toLowerCase() === lower)) return fail(`unknown log format "${format}"`, d.argCount >= 2 ? 1 : undefined);

    let buffer = 0n;
    let flush = 0n;
    let gzip = 0n;
    for (let i = 2; i < d.argCount; i++) {
      const p = v(i);
      if (p.startsWith('buffer=')) {
        buffer = size(p.slice(7)) ?? 0n;
        if (buffer === 0n) return fail(`invalid buffer size "${p.slice(7)}"`, i);
      } else if (p.startsWith('flush=')) {
        flush = timeMs(p.slice(6)) ?? 0n;
        if (flush === 0n) return fail(`invalid flush time "${p.slice(6)}"`, i);
      } else if (p === 'gzip' || p.startsWith('gzip=')) {
        if (buffer === 0n) buffer = 64n * 1024n;
        const level = p === 'gzip' ? 1n : atoi(p.slice(5));
        if (level === null || level < 1n || level > 9n) return fail(`invalid compression level "${p.slice(5)}"`, i);
        gzip = level;
      } else if (!p.startsWith('if=')) return fail(`invalid parameter "${p}"`, i);
    }
    // Read after every word of the statement (the path's and if='s variables included), though
    // reported on the path.
    const afterWords = [entry.seq, 1];
    if (flush && !buffer) return fail(`no buffer is defined for access_log "${path}"`, 0, afterWords);
    if (buffer && !syslog && path.includes('$')) return fail('buffered logs cannot have variables in name', 0, afterWords);
    if (buffer && syslog) return fail('logs to syslog cannot be buffered', 0, afterWords);
    if (!buffer) return;
    // A file has one buffer, whichever access_log (http or stream) gave it first: another
    // buffered access_log to the file must ask for the same (files are one list, by name).
    const buffers = ctx.state('access-log:buffers', () => new Map<string, { buffer: bigint; flush: bigint; gzip: bigint }>());
    const earlier = buffers.get(path);
    if (!earlier) buffers.set(path, { buffer, flush, gzip });
    else if (earlier.buffer !== buffer || earlier.flush !== flush || earlier.gzip !== gzip) fail(`access_log "${path}" already defined with conflicting parameters`, 0, afterWords);
  },
});
