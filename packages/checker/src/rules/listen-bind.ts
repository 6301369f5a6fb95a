import { defineRule } from '../rule.js';
import { AFTER_PARSE } from '../engine.js';
import { isIPv4Mapped, parseIPv4 } from '../net/ipv6.js';
import { plannedSockets } from '../listen-sockets.js';
import { statementRange } from './server-checks-util.js';

/**
 * C12 on the machine nginx runs on: the sockets `nginx -t` binds (mail, http, stream), in the
 * order it binds them, asked of the caller (CheckOptions.bindSocket, `mailconf lint --check-sockets`).
 */
export default defineRule({
  meta: {
    id: 'listen-bind',
    description: 'A listen socket that cannot be opened on this machine (with --check-sockets)',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['C12'],
    docs: `\`nginx -t\` really opens every listening socket (then closes it), and fails at the first it
cannot open, with no line: \`bind() to 192.0.2.1:143 failed (99: Cannot assign requested address)\`
when the machine does not have the address, \`(13: Permission denied)\` for a port below 1024 when
it does not run as root, \`(2: No such file or directory)\` for a unix socket in a missing
directory, and \`socket() [::]:143 failed (97: Address family not supported by protocol)\` where
IPv6 is off. With \`mailconf lint --check-sockets\` (run where nginx runs, as the user it starts as)
each socket of \`mail {}\`, \`http {}\` and \`stream {}\` is tried the same way here, and every one that
fails is reported at its listen. An address in use is fine, as for \`nginx -t\`: a running nginx holds its sockets.

Only sockets nginx opens are tried: an address on a port that also has a wildcard listen
(\`listen 143\`) is served by the wildcard's socket unless it has \`bind\` (or a parameter that
implies it), so \`listen 192.0.2.1:143\` beside \`listen 143\` passes even where the machine does not
have 192.0.2.1. A host name is tried as the addresses it resolves to with \`--check-dns\`, and not
at all without it. An http server without \`listen\` gets \`*:80\` from nginx as root and \`*:8000\`
otherwise (as the user mailconf runs as): a wildcard that opens wherever the port is allowed, and,
like any wildcard, takes in the other addresses of its port.`,
  },
  config(ctx) {
    const bindSocket = ctx.options.bindSocket;
    if (!bindSocket) return;
    const sockets = plannedSockets(ctx);
    for (let k = 0; k < sockets.length; k++) {
      const { address, directive: d, file } = sockets[k]!;
      // Names not resolved are not known addresses; mapped IPv6 addresses are listen-ipv4-mapped's.
      if (address.family === 'ipv4' && !parseIPv4(address.host)) continue;
      if (address.family === 'ipv6' && isIPv4Mapped(address.host)) continue;
      const answer = bindSocket(address);
      if (!answer) continue;
      ctx.report({
        message: answer.call === 'socket' ? `socket() ${address.text} failed (${answer.error})` : `bind() to ${address.text} failed (${answer.error})`,
        hint: hintFor(answer.error),
        file,
        line: d.line,
        range: statementRange(d),
        // After the configuration is read and checked, with listen-ipv4-mapped's: nginx binds
        // the sockets in this order and stops at the first that fails.
        order: [AFTER_PARSE, 2, k],
      });
    }
  },
});

function hintFor(error: string): string {
  if (error.startsWith('99:')) return 'this machine does not have the address';
  if (error.startsWith('13:')) return 'ports below 1024 need root (nginx starts as root) or CAP_NET_BIND_SERVICE';
  if (error.startsWith('97:')) return 'IPv6 is off on this machine';
  if (error.startsWith('2:') || error.startsWith('20:')) return "the socket's directory does not exist on this machine";
  return 'as tried on this machine';
}
