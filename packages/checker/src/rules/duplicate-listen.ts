import { compareVersions } from '@mailconf/schema';
import { defineRule } from '../rule.js';
import { removeStatementFix } from '../fixes.js';
import { cstr, parseAddress, parseListen } from '../mail/listen.js';
import { readBlockListen } from '../net/block-listen.js';
import type { ListenAddress } from '../model.js';
import { resolvedListen } from '../net/dns.js';
import { atLeast } from '../version.js';
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
When the second listen is exactly the first again in the same server, \`--fix\` removes it (in another
server it may be that server's only listen: which server should have the address is for a person to say). \`stream {}\` up to 1.25.4 reads its
listens the same way (from 1.25.5 its servers may share an address and are told apart by \`server_name\`).

With \`mailconf lint --check-dns\` (run where nginx runs) a listen's host name stands for the
addresses it resolves to there, as in nginx: \`listen mail.example.org:993\` beside
\`listen 192.0.2.10:993\` is a duplicate when the name resolves to 192.0.2.10, and up to 1.23.2 so
is a name that resolves to one address twice (an /etc/hosts line written twice, or \`localhost\`
on a host without IPv6, where glibc gives 127.0.0.1 twice).`,
  },
  stage: 'value',
  names: ['listen'],
  directive(entry, ctx) {
    if (entry.directive.name !== 'listen' || !entry.directive.argCount) return;
    // stream {} reads its listens the same way up to 1.25.4 (with its own parameters, and a udp
    // socket apart from a TCP one); from 1.25.5 its servers may share an address (virtual servers
    // by server_name).
    const stream = entry.context === 'stream:server' && compareVersions(ctx.version, '1.25.5') < 0;
    if (entry.context !== 'mail:server' && !stream) return;
    const read = stream ? readStreamListen(entry.directive, ctx.version) : parseListen(entry.directive.args, ctx.version);
    if (!read.ok) return;
    const listen = read.value;
    const seen = ctx.state(stream ? 'duplicate-listen:stream' : 'duplicate-listen', () => new Map<string, Entry>());
    // With --check-dns a name stands for the addresses it resolves to here.
    const addresses = resolvedListen(ctx.options.resolveHost, listen, cstr(entry.directive.argValue(0)));
    const type = stream && 'udp' in read && read.udp ? 'udp ' : '';
    for (const a of addresses) {
      const key = `${type}${a.family} ${a.host} ${a.port}`;
      const first = seen.get(key);
      if (!first) {
        seen.set(key, entry);
        continue;
      }
      if (first === entry) {
        // A name resolving to one address twice (/etc/hosts, or glibc's AI_ADDRCONFIG answer for
        // localhost on a host without IPv6): from 1.23.3 nginx drops the repeat.
        if (atLeast(ctx.version, '1.23.3')) continue;
        ctx.report({
          entry,
          message: `duplicate "${a.text}" address and port pair`,
          hint: `"${listen.hostName}" resolves to ${a.host} more than once on this machine; nginx 1.23.3 and later ignore the repeat`,
        });
        return;
      }
      const same = first.directive.args.map((w) => w.value).join(' ') === entry.directive.args.map((w) => w.value).join(' ');
      const file = ctx.set.files.get(entry.file);
      // Which name, if either, made the pair: said, since the text of neither listen shows it.
      const firstAddress = parseAddress(cstr(first.directive.argValue(0)));
      const name = addresses !== listen.addresses ? listen.hostName : ctx.options.resolveHost && !('error' in firstAddress) ? firstAddress.hostName : null;
      const named = name ? `"${name}" resolves to ${a.host} on this machine, ` : '';
      ctx.report({
        entry,
        message: `duplicate "${a.text}" address and port pair`,
        hint: `${named}already listened on at line ${first.directive.line}${first.file !== entry.file ? ` of ${first.file.split(/[\\/]/).pop()}` : ''}`,
        // Only the same listen again in the same server: in another server, it may be its only one.
        ...(same && file && first.parent === entry.parent ? { fix: removeStatementFix(entry, file.source, 'remove the repeated listen') } : {}),
      });
      return;
    }
  },
});

/** A stream listen nginx accepts (listen-parameters reports the others): its addresses, and whether it is udp. */
function readStreamListen(d: Entry['directive'], version: string): { ok: true; value: { addresses: ListenAddress[]; hostName: string | null }; udp: boolean } | { ok: false } {
  if (readBlockListen(d, 'stream', version)) return { ok: false };
  const parsed = parseAddress(cstr(d.argValue(0)));
  if ('error' in parsed) return { ok: false };
  let udp = false;
  for (let i = 1; i < d.argCount; i++) udp ||= cstr(d.argValue(i)) === 'udp';
  return { ok: true, value: parsed, udp };
}
