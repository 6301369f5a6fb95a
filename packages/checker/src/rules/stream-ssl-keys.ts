import { compareVersions } from '@mailconf/schema';
import { HTTP_PHASE, mergeOrder } from '../http-phases.js';
import { blockServers, serverWithoutCertificate, sslListen, streamSetsUpTls, type BlockServer } from '../http-servers.js';
import { cstr, parseAddress } from '../mail/listen.js';
import { socketKey } from '../listen-sockets.js';
import { defineRule, type RuleContext } from '../rule.js';
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
1.25.5 nginx checks this once every server is read, address by address: the default server of an
address with a \`listen ... ssl\` (the one with \`default_server\`, or else the first to listen there)
needs a certificate, or \`ssl_reject_handshake on\`, and then every server of the address needs one of them.

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
    }
    if (newer) missingCertificates(ctx, servers, reported);
  },
});

interface StreamAddress {
  ssl: boolean;
  /** The server with `default_server` on this address, or else the first to listen on it. */
  default: BlockServer;
  servers: BlockServer[];
}

/**
 * From 1.25.5 (ngx_stream_ssl_init, once every server is merged): the default server of each
 * address with a `listen ... ssl` (on any of its listens) needs a certificate, unless it rejects
 * handshakes; then every server of the address needs one or rejects too. Reported at the
 * server nginx names; it stops at the first.
 */
function missingCertificates(ctx: RuleContext, servers: BlockServer[], reported: Set<Entry>): void {
  const addresses = new Map<string, StreamAddress>();
  for (const s of servers) {
    if (ctx.invalid.has(s.server)) continue;
    for (const e of s.server.children) {
      const d = e.directive;
      if (d.name !== 'listen' || !d.argCount || ctx.invalid.has(e)) continue;
      const parsed = parseAddress(cstr(d.argValue(0)));
      if ('error' in parsed) continue;
      const words = d.args.slice(1).map((a) => a.value);
      // udp sockets are others than tcp ones on the same port
      const udp = words.includes('udp') ? ' udp' : '';
      for (const a of parsed.addresses) {
        const key = socketKey(a) + udp;
        const known = addresses.get(key);
        if (!known) {
          addresses.set(key, { ssl: words.includes('ssl'), default: s, servers: [s] });
          continue;
        }
        known.ssl ||= words.includes('ssl');
        if (!known.servers.includes(s)) known.servers.push(s);
        if (words.includes('default_server')) known.default = s;
      }
    }
  }
  const certified = (s: BlockServer) => s.pick('ssl_certificate').length > 0;
  const rejects = (s: BlockServer) => s.pick('ssl_reject_handshake').at(-1)?.directive.argValue(0).toLowerCase() === 'on';
  for (const a of addresses.values()) {
    const missing = a.ssl ? serverWithoutCertificate(a, certified, rejects) : null;
    if (!missing || reported.has(missing.server)) continue;
    reported.add(missing.server);
    ctx.report({ entry: missing.server, message: NO_CERTIFICATE, order: [missing.block.endSeq, HTTP_PHASE.postconfiguration, missing.server.seq] });
  }
}
