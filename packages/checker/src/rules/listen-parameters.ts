import { atLeast } from '../version.js';
import { defineRule } from '../rule.js';
import { cstr } from '../mail/listen.js';

const HTTP_PARAMS = ['default_server', 'default', 'bind', 'deferred', 'reuseport', 'ssl', 'http2', 'spdy', 'proxy_protocol', 'quic', 'http3'];
const STREAM_PARAMS = ['bind', 'deferred', 'reuseport', 'ssl', 'udp', 'proxy_protocol'];
const VALUED = ['backlog=', 'rcvbuf=', 'sndbuf=', 'setfib=', 'fastopen=', 'accept_filter=', 'ipv6only=', 'so_keepalive='];

/** The parameter names of http and stream listens (mail listens have their own rule). */
export default defineRule({
  meta: {
    id: 'listen-parameters',
    description: 'An unknown parameter on an http or stream listen',
    kind: 'nginx',
    severity: 'error',
    docs: `http and stream \`listen\` directives take their own parameter sets (\`default_server\`,
\`reuseport\`, \`http2\`, \`udp\` ...). A word that is none of them is often the next directive
after a missing \`;\`.`,
  },
  stage: 'value',
  names: ['listen'],
  directive(entry, ctx) {
    const d = entry.directive;
    if (d.name !== 'listen' || (entry.context !== 'http:server' && entry.context !== 'stream:server')) return;
    const names = entry.context === 'http:server' ? HTTP_PARAMS : STREAM_PARAMS;
    for (const a of d.args.slice(1)) {
      const v = cstr(a.value);
      if (names.includes(v) || VALUED.some((p) => v.startsWith(p))) continue;
      if (v === 'multipath' && atLeast(ctx.version, '1.29.7')) continue;
      ctx.report({ entry, message: `invalid parameter "${v}"`, range: a.range, line: d.line });
      return;
    }
  },
});
