import { defineRule } from '../rule.js';
import { parseListen } from '../mail/listen.js';

/** Lint: a port-less listen binds a random port. */
export default defineRule({
  meta: {
    id: 'listen-without-port',
    description: 'A listen without a port (the system picks a random one)',
    kind: 'lint',
    severity: 'warning',
    docs: `\`listen 127.0.0.1;\` in mail is accepted by nginx but binds port 0, which the system replaces
by a random free port: clients cannot find it, and no protocol can be inferred. Add the port.`,
  },
  stage: 'value',
  names: ['listen'],
  directive(entry, ctx) {
    const d = entry.directive;
    if (d.name !== 'listen' || entry.context !== 'mail:server' || !d.argCount) return;
    const r = parseListen(d.args, ctx.version);
    if (!r.ok || r.value.addresses[0]?.family === 'unix' || r.value.firstPort !== 0) return;
    ctx.report({ entry, message: `listen "${d.argValue(0)}" has no port: the system will pick a random one`, range: d.args[0]!.range });
  },
});
