import { defineRule } from '../rule.js';
import { cstr } from '../mail/listen.js';
import { syslogError } from '../syslog.js';
import { hostNotFound } from '../net/dns.js';
import { size } from '../values.js';

const LEVELS = ['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg'];
const DEBUG_MASKS = ['debug_core', 'debug_alloc', 'debug_mutex', 'debug_event', 'debug_http', 'debug_mail', 'debug_stream'];

/** E7: error_log target and levels (in every context). */
export default defineRule({
  meta: {
    id: 'error-log',
    description: 'An error_log level or target nginx rejects',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['E7'],
    docs: `\`error_log file [level]\`: one level of \`debug info notice warn error crit alert emerg\`, or
debug masks (\`debug_mail\` ...) alone. \`syslog:\` targets take \`server=\` (required), \`facility=\`,
\`severity=\`, \`tag=\` (letters, digits and \`_\`, at most 32) and \`nohostname\`, each once.`,
  },
  stage: 'value',
  names: ['error_log'],
  directive(entry, ctx) {
    const d = entry.directive;
    if (d.name !== 'error_log' || !d.argCount) return;
    const target = cstr(d.argValue(0));
    if (target.startsWith('memory:')) {
      const s = size(target.slice(7));
      if (s === null || s < 8192n) return ctx.report({ entry, message: `invalid buffer size "${target.slice(7)}"` });
    }
    if (target.startsWith('syslog:')) {
      const error = syslogError(target, (host) => hostNotFound(ctx, host));
      if (error) return ctx.report({ entry, ...error, range: d.args[0]!.range, line: d.line });
    }
    let normal: string | null = null;
    let sawDebugMask = false;
    // Values read without word objects; a word's range only when it is reported.
    for (let i = 1; i < d.argCount; i++) {
      const v = cstr(d.argValue(i));
      if (LEVELS.includes(v)) {
        if (normal || sawDebugMask) return ctx.report({ entry, message: `duplicate log level "${v}"`, range: d.args[i]!.range, line: d.line });
        normal = v;
      } else if (DEBUG_MASKS.includes(v) && !normal) {
        sawDebugMask = true;
      } else {
        return ctx.report({ entry, message: `invalid log level "${v}"`, range: d.args[i]!.range, line: d.line });
      }
    }
  },
});
