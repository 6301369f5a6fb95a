import { defineRule } from '../rule.js';
import { WELL_KNOWN_PORTS } from '../mail/model-builder.js';

/** Lint: a well-known port serving another protocol. */
export default defineRule({
  meta: {
    id: 'port-protocol-mismatch',
    description: 'A well-known mail port serving a different protocol',
    kind: 'lint',
    severity: 'warning',
    docs: `Ports 143/993 are IMAP, 110/995 POP3, 25/465/587 SMTP. A server whose protocol is set (or
inferred from an earlier listen) to something else makes clients that trust the port talk the
wrong protocol — usually a copy-paste slip. nginx does not check this: the first well-known
port decides, later ones are ignored, and an explicit \`protocol\` always wins.`,
  },
  config(ctx) {
    const servers = ctx.model.servers;
    // Indexed: runs per server (see engine.ts on for...of).
    for (let si = 0; si < servers.length; si++) {
      const server = servers[si]!;
      if (!server.protocol) continue;
      for (let li = 0; li < server.listens.length; li++) {
        const l = server.listens[li]!;
        const p = WELL_KNOWN_PORTS[l.address.port];
        if (!p || p === server.protocol) continue;
        const d = l.directive;
        ctx.report({
          message: `port ${l.address.port} is the ${p.toUpperCase()} port, but this server speaks ${server.protocol.toUpperCase()}`,
          hint: server.protocolOrigin === 'explicit' ? 'set by "protocol"' : `inferred from the listen on line ${server.protocolListen?.directive.line}`,
          file: l.file,
          line: d.line,
          range: d.range,
        });
      }
    }
  },
});
