import { defineRule } from '../rule.js';
import { cstr } from '../mail/listen.js';
import { readBlockListen, takesAcceptFilter } from '../net/block-listen.js';

/** An http or stream listen that nginx refuses: its address, its parameters (mail listens have listen-syntax). */
export default defineRule({
  meta: {
    id: 'listen-parameters',
    description: 'An http or stream listen address or parameter nginx rejects',
    kind: 'nginx',
    severity: 'error',
    docs: `http and stream \`listen\` directives take an address as mail's does (\`80\`, \`127.0.0.1:8080\`,
\`[::1]:443\`, \`unix:/run/app.sock\`; http's default port is 80) and their own parameter sets
(\`default_server\`, \`reuseport\`, \`http2\`, \`udp\` ...), read left to right as nginx reads them:
\`invalid port in "127.0.0.1:0" of the "listen" directive\`, \`invalid backlog "backlog=0"\`,
\`invalid rcvbuf "rcvbuf=x"\`, \`invalid ipv6only flags "ox"\`, \`invalid so_keepalive value: "x"\`,
\`invalid fastopen "fastopen=x"\`. A word that is no parameter (\`invalid parameter "..."\`; in stream
up to 1.25.4 \`the invalid "..." parameter\`) is often the next directive after a missing \`;\`.
A stream \`udp\` listen cannot have \`backlog\`, \`ssl\`, \`so_keepalive\`, \`proxy_protocol\` or
\`fastopen\` (\`"listen" directive "ssl" parameter is incompatible with "udp"\`). \`accept_filter=\` is FreeBSD's:
on Linux nginx logs \`accept filters "accept_filter=dataready" are not supported on this platform, ignored\`
and goes on (a warning here).`,
  },
  stage: 'value',
  names: ['listen'],
  directive(entry, ctx) {
    const d = entry.directive;
    if (d.name !== 'listen' || !d.argCount || (entry.context !== 'http:server' && entry.context !== 'stream:server')) return;
    const family = entry.context === 'http:server' ? 'http' : 'stream';
    const error = readBlockListen(d, family, ctx.version);
    // accept_filter= (FreeBSD) is read, logged at emerg and ignored on Linux, as nginx goes on.
    const last = error ? error.arg : d.argCount;
    for (let i = 1; i < last; i++) {
      const w = cstr(d.argValue(i));
      if (!w.startsWith('accept_filter=') || !takesAcceptFilter(family, ctx.version)) continue;
      ctx.report({
        entry,
        message: `accept filters "${w}" are not supported on this platform, ignored`,
        nginxLevel: 'emerg',
        severity: 'warning',
        range: d.args[i]!.range,
        line: d.line,
        hint: 'accept filters are FreeBSD\'s; on Linux "deferred" is the nearest',
      });
    }
    if (error) ctx.report({ entry, message: error.message, range: d.args[error.arg]!.range, line: d.line });
  },
});
