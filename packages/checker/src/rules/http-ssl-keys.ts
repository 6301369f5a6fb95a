import { compareVersions } from '@mailconf/schema';
import { mergeOrder } from '../http-phases.js';
import { httpServers } from '../http-servers.js';
import { defineRule, type RuleContext } from '../rule.js';
import { parseHostPort } from '../mail/urls.js';
import { DNS_HINT, hostNotFound } from '../net/dns.js';
import type { Entry } from '../walk.js';

/**
 * What the http ssl module's merge of each server checks (ngx_http_ssl_merge_srv_conf): every
 * certificate has its key, and `ssl on` has a certificate. A server uses its own
 * ssl_certificate and ssl_certificate_key statements, or else http's.
 */
export default defineRule({
  meta: {
    id: 'http-ssl-keys',
    description: 'http servers: a key for every ssl_certificate, a certificate for "ssl on", the CAs for ssl_verify_client, a usable OCSP responder',
    kind: 'nginx',
    severity: 'error',
    docs: `In http, each \`ssl_certificate\` needs an \`ssl_certificate_key\` (the n-th key goes with the
n-th certificate), in the server or inherited from \`http {}\`: \`no "ssl_certificate_key" is defined
for certificate "/etc/ssl/mail.pem"\`. A server turned on with the old \`ssl on;\` (up to 1.25.0) needs
a certificate too. nginx finds this when http {} is read, server by server. (A \`listen ... ssl\`
without any certificate is http-listen's.) Then, in a server with TLS, \`ssl_verify_client on|optional\` needs
\`ssl_client_certificate\` (or, from 1.27.2, \`ssl_trusted_certificate\`), own or inherited. And with
\`ssl_ocsp on|leaf\`, client verification must not be \`optional_no_ca\`, and an \`ssl_ocsp_responder\`
must be an \`http://\` URL nginx can read (\`invalid URL prefix in OCSP responder "https://ocsp.example/"
in "ssl_ocsp_responder"\`); with \`mailconf lint --check-dns\` its host must resolve here, as nginx
resolves it when it starts.`,
  },
  config(ctx) {
    // A statement of http {} that several servers inherit is reported once, for the first of them.
    const reported = new Set<Entry>();
    for (const { block: http, server, pick } of httpServers(ctx)) {
      const certs = pick('ssl_certificate');
      const keys = pick('ssl_certificate_key');
      // `ssl on` is gone from 1.25.1 on.
      const ssl = compareVersions(ctx.version, '1.25.1') < 0 ? pick('ssl').at(-1) : undefined;
      const enabled = ssl !== undefined && ssl.directive.argCount === 1 && ssl.directive.argValue(0).toLowerCase() === 'on';
      const order = mergeOrder(http, 'ssl', server.seq);
      const report = (entry: Entry, message: string, line?: number, at = order, hint?: string) => {
        if (reported.has(entry)) return;
        reported.add(entry);
        ctx.report({ entry, message, order: at, ...(line === undefined ? {} : { line }), ...(hint ? { hint } : {}) });
      };
      const last = certs.at(-1);
      const rejectHandshake = pick('ssl_reject_handshake').some((r) => r.directive.argValue(0) === 'on');
      let failed = true;
      if (enabled) {
        // nginx names the line of the "ssl" directive.
        if (last && !keys.length) report(last, 'no "ssl_certificate_key" is defined for the "ssl" directive', ssl.directive.line);
        else if (last && keys.length < certs.length)
          report(last, `no "ssl_certificate_key" is defined for certificate "${last.directive.argValue(0)}" and the "ssl" directive`, ssl.directive.line);
        else if (!last && !rejectHandshake) report(ssl, 'no "ssl_certificate" is defined for the "ssl" directive');
        else failed = false;
      } else if (last && keys.length < certs.length) report(last, `no "ssl_certificate_key" is defined for certificate "${last.directive.argValue(0)}"`);
      else failed = false;
      if (failed) continue;
      // Past those, the merge sets TLS up (when there is something to set up) and reads the
      // client verification: "on" and "optional" need the CAs to check against.
      if (!enabled && !last && !rejectHandshake) continue;
      const verify = pick('ssl_verify_client').at(-1)?.directive;
      const mode = verify?.argCount === 1 ? verify.argValue(0).toLowerCase() : 'off';
      if (mode === 'on' || mode === 'optional') {
        const newer = compareVersions(ctx.version, '1.27.2') >= 0;
        const has = (name: string) => pick(name).some((c) => c.directive.argCount === 1 && c.directive.argValue(0) !== '');
        if (!has('ssl_client_certificate') && !(newer && has('ssl_trusted_certificate'))) {
          report(
            pick('ssl_verify_client').at(-1)!,
            newer ? 'no ssl_client_certificate or ssl_trusted_certificate for ssl_verify_client' : 'no ssl_client_certificate for ssl_verify_client',
            undefined,
            // After the ciphers (ssl-ciphers) and the certificates are set up.
            mergeOrder(http, 'ssl', server.seq, 0.7),
          );
          continue;
        }
      }
      // Then, after the CAs and the CRL (missing-file), OCSP checking of client certificates.
      const ocsp = pick('ssl_ocsp').at(-1);
      if (!ocsp || ocsp.directive.argCount !== 1 || ocsp.directive.argValue(0).toLowerCase() === 'off') continue;
      const at = mergeOrder(http, 'ssl', server.seq, 0.82);
      if (mode === 'optional_no_ca') {
        report(ocsp, '"ssl_ocsp" is incompatible with "ssl_verify_client optional_no_ca"', undefined, at);
        continue;
      }
      const responder = pick('ssl_ocsp_responder').at(-1);
      const problem = responder?.directive.argCount === 1 ? ocspResponderProblem(ctx, responder.directive.argValue(0)) : null;
      if (responder && problem) report(responder, problem.message, undefined, at, problem.hint);
    }
  },
});

/**
 * ngx_ssl_ocsp: the responder must be an http:// URL, read as ngx_parse_url reads it (port 80
 * unless given), and its host is resolved there and then (reported with --check-dns).
 */
function ocspResponderProblem(ctx: RuleContext, url: string): { message: string; hint?: string } | null {
  if (url.length <= 7 || url.slice(0, 7).toLowerCase() !== 'http://') return { message: `invalid URL prefix in OCSP responder "${url}" in "ssl_ocsp_responder"` };
  const rest = url.slice(7);
  const r = parseHostPort(rest, 80, true);
  if (!r.ok) return { message: `${r.error} in OCSP responder "${rest}" in "ssl_ocsp_responder"` };
  if (r.value.family === 'name' && hostNotFound(ctx, r.value.host)) return { message: `host not found in OCSP responder "${rest}" in "ssl_ocsp_responder"`, hint: DNS_HINT };
  return null;
}
