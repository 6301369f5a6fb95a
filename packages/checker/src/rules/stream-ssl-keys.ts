import { compareVersions } from '@mailconf/schema';
import { HTTP_PHASE, mergeOrder } from '../http-phases.js';
import { blockServers, sslListen, streamSetsUpTls, type BlockServer } from '../http-servers.js';
import { cstr, parseAddress } from '../mail/listen.js';
import { defineRule } from '../rule.js';
import type { Entry } from '../walk.js';

const NO_CERTIFICATE = 'no "ssl_certificate" is defined for the "listen ... ssl" directive';

/**
 * The certificates of stream servers that speak TLS, as the stream ssl module checks them:
 * up to 1.25.4 when it merges a server with a `listen ... ssl` (ngx_stream_ssl_merge_conf),
 * from 1.25.5 a certificate's key at the merge and, once every server is merged, a
 * certificate for the default server of each `listen ... ssl` address (ngx_stream_ssl_init).
 */
export default defineRule({
  meta: {
    id: 'stream-ssl-keys',
    description: 'stream servers: a certificate for "listen ... ssl", a key for every ssl_certificate, CAs for ssl_verify_client',
    kind: 'nginx',
    severity: 'error',
    docs: `A stream server that terminates TLS (\`listen 993 ssl;\` in front of a mail server, for example)
needs \`ssl_certificate\` and \`ssl_certificate_key\`, its own or inherited from \`stream {}\`:
\`no "ssl_certificate" is defined for the "listen ... ssl" directive\`. Up to 1.25.4 nginx also names
the missing key with the same words (\`no "ssl_certificate_key" is defined for the "listen ... ssl"
directive\`); from 1.25.5 the n-th key goes with the n-th certificate (\`no "ssl_certificate_key" is
defined for certificate "..."\`), and \`ssl_reject_handshake on\` stands in for a certificate. From
1.25.5, when several servers share a \`listen ... ssl\` address, the default server decides:
mailconf then says nothing about the others.

Once TLS is set up, \`ssl_verify_client on\` or \`optional\` needs \`ssl_client_certificate\` (the CAs
clients are checked against; from 1.27.2 \`ssl_trusted_certificate\` will do): \`no ssl_client_certificate
for ssl_verify_client\`.`,
  },
  config(ctx) {
    const newer = compareVersions(ctx.version, '1.25.5') >= 0;
    // A statement of stream {} that several servers inherit is reported once, for the first of them.
    const reported = new Set<Entry>();
    const servers = [...blockServers(ctx, 'stream')];
    /**
     * Once its TLS is set up, the merge reads the client verification: "on" and "optional"
     * need the CAs to check against (from 1.27.2 trusted certificates will do).
     */
    const verifyClient = ({ block, server, pick }: BlockServer) => {
      const verify = pick('ssl_verify_client').at(-1);
      const mode = verify?.directive.argCount === 1 ? verify.directive.argValue(0).toLowerCase() : 'off';
      if (!verify || (mode !== 'on' && mode !== 'optional') || reported.has(verify)) return;
      const newer = compareVersions(ctx.version, '1.27.2') >= 0;
      const has = (name: string) => pick(name).some((c) => c.directive.argCount === 1 && c.directive.argValue(0) !== '');
      if (has('ssl_client_certificate') || (newer && has('ssl_trusted_certificate'))) return;
      reported.add(verify);
      ctx.report({
        entry: verify,
        message: newer ? 'no ssl_client_certificate or ssl_trusted_certificate for ssl_verify_client' : 'no ssl_client_certificate for ssl_verify_client',
        // After the ciphers and the certificates (as in http).
        order: mergeOrder(block, 'ssl', server.seq, 0.7),
      });
    };
    for (const s of servers) {
      const { block, server, pick } = s;
      const certs = pick('ssl_certificate');
      const keys = pick('ssl_certificate_key');
      const last = certs.at(-1);
      const order = mergeOrder(block, 'ssl', server.seq);
      if (!newer) {
        const listen = sslListen(s);
        if (!listen) continue;
        const message = !last
          ? NO_CERTIFICATE
          : !keys.length
            ? 'no "ssl_certificate_key" is defined for the "listen ... ssl" directive'
            : keys.length < certs.length
              ? `no "ssl_certificate_key" is defined for certificate "${last.directive.argValue(0)}" and the "listen ... ssl" directive`
              : null;
        if (message) ctx.report({ entry: listen, message, order });
        else verifyClient(s);
        continue;
      }
      if (last && keys.length < certs.length) {
        if (!reported.has(last)) ctx.report({ entry: last, message: `no "ssl_certificate_key" is defined for certificate "${last.directive.argValue(0)}"`, order });
        reported.add(last);
        continue;
      }
      if (streamSetsUpTls(ctx, s)) verifyClient(s);
      // The default server of its address: judged only when no other server listens there.
      const listen = sslListen(s);
      if (!listen || last || pick('ssl_reject_handshake').at(-1)?.directive.argValue(0) === 'on') continue;
      const mine = addressKeys(listen);
      const shared = !mine || servers.some((o) => o !== s && o.server.children.some((c) => c.directive.name === 'listen' && sharesAddress(mine, addressKeys(c))));
      if (shared) continue;
      ctx.report({ entry: server, message: NO_CERTIFICATE, order: [block.endSeq, HTTP_PHASE.postconfiguration, server.seq] });
    }
  },
});

/** The sockets a listen names (`993`, `*:993` and `0.0.0.0:993` are one), or null when unreadable. */
function addressKeys(listen: Entry): string[] | null {
  if (!listen.directive.argCount) return null;
  const parsed = parseAddress(cstr(listen.directive.argValue(0)));
  return 'error' in parsed ? null : parsed.addresses.map((a) => `${a.family} ${a.host} ${a.port}`);
}

/** Whether two listens may share a socket (an unreadable one may). */
function sharesAddress(a: string[], b: string[] | null): boolean {
  return b === null || a.some((k) => b.includes(k));
}
