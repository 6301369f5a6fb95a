import { compareVersions } from '@mailconf/schema';
import { defineRule } from '../rule.js';
import { removeStatementFix } from '../fixes.js';
import { parseListen } from '../mail/listen.js';
import type { Entry } from '../walk.js';

/** C9: one address and port listened on twice in the same mail {} (or, up to 1.25.4, stream {}). */
export default defineRule({
  meta: {
    id: 'duplicate-listen',
    description: 'The same address and port pair in two mail (or, up to 1.25.4, stream) listens',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['C9', 'C10'],
    fixable: true,
    docs: `Every address:port pair may appear once in the whole \`mail {}\` block, across servers.
Spellings are compared after resolving: \`143\`, \`*:143\` and \`0.0.0.0:143\` are the same pair, as
are \`[::]:143\` and \`[0:0::0]:143\`. An explicit address and the wildcard of the same port
(\`127.0.0.1:143\` and \`143\`) are different pairs, and so are IPv4 and IPv6 wildcards.
When the second listen is exactly the first again, \`--fix\` removes it. \`stream {}\` up to 1.25.4 reads its
listens the same way (from 1.25.5 its servers may share an address and are told apart by \`server_name\`).`,
  },
  stage: 'value',
  names: ['listen'],
  directive(entry, ctx) {
    if (entry.directive.name !== 'listen' || !entry.directive.argCount) return;
    // stream {} reads its listens the same way up to 1.25.4; from 1.25.5 its servers may share
    // an address (virtual servers by server_name). Listens with stream-only parameters (udp) are
    // not read here.
    const stream = entry.context === 'stream:server' && compareVersions(ctx.version, '1.25.5') < 0;
    if (entry.context !== 'mail:server' && !stream) return;
    const r = parseListen(entry.directive.args, ctx.version);
    if (!r.ok) return;
    const seen = ctx.state(stream ? 'duplicate-listen:stream' : 'duplicate-listen', () => new Map<string, Entry>());
    for (const a of r.value.addresses) {
      const key = `${a.family} ${a.host} ${a.port}`;
      const first = seen.get(key);
      if (!first) {
        seen.set(key, entry);
        continue;
      }
      const same = first.directive.args.map((w) => w.value).join(' ') === entry.directive.args.map((w) => w.value).join(' ');
      const file = ctx.set.files.get(entry.file);
      ctx.report({
        entry,
        message: `duplicate "${a.text}" address and port pair`,
        hint: `already listened on at line ${first.directive.line}${first.file !== entry.file ? ` of ${first.file.split(/[\\/]/).pop()}` : ''}`,
        ...(same && file ? { fix: removeStatementFix(entry, file.source, 'remove the repeated listen') } : {}),
      });
      return;
    }
  },
});
