/**
 * TLS for implicit-TLS listens and STARTTLS/STLS (proxy-runtime.md §1.4): the server's
 * certificates, protocols and ciphers from the model, ALPN (the protocol's own name, or a
 * `no_application_protocol` alert), client certificates (`ssl_verify_client`, with the
 * protocol's cert_error / no_cert replies), and the facts the auth request carries
 * (`Auth-SSL-Protocol`, `-Cipher`, `-Verify`, `-Subject`, `-Issuer`, `-Serial`,
 * `-Fingerprint`, `-Cert`).
 */
import { constants, createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import type { ServerModel } from '@mailconf/checker';
import type { TlsInfo } from './auth-http.js';
import type { Session, TlsLayer } from './session.js';

/** X509_V_ERR_* numbers and OpenSSL 3 texts of the verification errors Node names. */
const VERIFY_ERRORS: Record<string, [number, string]> = {
  UNABLE_TO_GET_ISSUER_CERT: [2, 'unable to get issuer certificate'],
  UNABLE_TO_GET_CRL: [3, 'unable to get certificate CRL'],
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: [4, "unable to decrypt certificate's signature"],
  UNABLE_TO_DECRYPT_CRL_SIGNATURE: [5, "unable to decrypt CRL's signature"],
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: [6, 'unable to decode issuer public key'],
  CERT_SIGNATURE_FAILURE: [7, 'certificate signature failure'],
  CRL_SIGNATURE_FAILURE: [8, 'CRL signature failure'],
  CERT_NOT_YET_VALID: [9, 'certificate is not yet valid'],
  CERT_HAS_EXPIRED: [10, 'certificate has expired'],
  CRL_NOT_YET_VALID: [11, 'CRL is not yet valid'],
  CRL_HAS_EXPIRED: [12, 'CRL has expired'],
  ERROR_IN_CERT_NOT_BEFORE_FIELD: [13, "format error in certificate's notBefore field"],
  ERROR_IN_CERT_NOT_AFTER_FIELD: [14, "format error in certificate's notAfter field"],
  ERROR_IN_CRL_LAST_UPDATE_FIELD: [15, "format error in CRL's lastUpdate field"],
  ERROR_IN_CRL_NEXT_UPDATE_FIELD: [16, "format error in CRL's nextUpdate field"],
  OUT_OF_MEM: [17, 'out of memory'],
  DEPTH_ZERO_SELF_SIGNED_CERT: [18, 'self-signed certificate'],
  SELF_SIGNED_CERT_IN_CHAIN: [19, 'self-signed certificate in certificate chain'],
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: [20, 'unable to get local issuer certificate'],
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: [21, 'unable to verify the first certificate'],
  CERT_CHAIN_TOO_LONG: [22, 'certificate chain too long'],
  CERT_REVOKED: [23, 'certificate revoked'],
  INVALID_CA: [24, 'invalid CA certificate'],
  PATH_LENGTH_EXCEEDED: [25, 'path length constraint exceeded'],
  INVALID_PURPOSE: [26, 'unsupported certificate purpose'],
  CERT_UNTRUSTED: [27, 'certificate not trusted'],
  CERT_REJECTED: [28, 'certificate rejected'],
};

/** Errors `optional_no_ca` lets through (nginx's ngx_ssl_verify_error_optional). */
const OPTIONAL = new Set([2, 18, 19, 20, 21]);

const VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;

interface Verify {
  code: string;
  number: number;
  text: string;
}

/** The verification result of the peer certificate (null: none, or it verified). */
function verifyResult(t: tls.TLSSocket): Verify | null {
  if (!t.getPeerX509Certificate?.()) return null;
  // Node computes the result but only reports it for sockets its own tls.Server made
  const handle = (t as unknown as { _handle?: { verifyError?: () => (Error & { code?: string }) | null } })._handle;
  const err = handle?.verifyError?.();
  if (!err) return null;
  const code = err.code ?? 'CERT_REJECTED';
  // OpenSSL's own text: Node's message may carry advice of its own
  const [number, text] = VERIFY_ERRORS[code] ?? [28, err.message.split(';')[0]!];
  return { code, number, text };
}

/** `CN=client.example.test,O=Example`: OpenSSL's RFC 2253 form (most specific first). */
function rfc2253(name: string): string {
  return name.split('\n').filter(Boolean).reverse().join(',');
}

function pem(der: Buffer): Buffer {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return Buffer.from(`-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`);
}

/** nginx's `SSL_do_handshake() failed (SSL: error:...)` text from a Node TLS error. */
/** nginx's words for a TLS error after the handshake (SSL_read() failing), or null for another error. */
export function tlsReadError(err: unknown): string | null {
  const e = err as (Error & { library?: string; reason?: string; code?: string }) | null;
  if (!e || typeof e.message !== 'string') return null;
  if (e.code === 'ERR_TLS_RENEGOTIATION_DISABLED') return 'SSL renegotiation disabled';
  const m = /error:([0-9A-F]{8}):/.exec(e.message);
  return m && e.reason ? `SSL_read() failed (SSL: error:${m[1]}:${e.library ?? 'SSL routines'}::${e.reason})` : null;
}

function handshakeError(err: Error & { library?: string; reason?: string }): string {
  const m = /error:([0-9A-F]{8}):/.exec(err.message);
  if (m && err.reason) return `SSL_do_handshake() failed (SSL: error:${m[1]}:${err.library ?? 'SSL routines'}::${err.reason})`;
  return 'peer closed connection in SSL handshake';
}

/** Builds the TLS layer of a server, or null when it has no certificate (then no TLS is offered). */
export function buildTlsLayer(server: ServerModel, prefix: string, warn: (m: string) => void): TlsLayer | null {
  const st = server.settings;
  const certs = st.ssl_certificate.value;
  const keys = st.ssl_certificate_key.value;
  if (!certs.length || !keys.length) return null;
  const read = (f: string) => fs.readFileSync(path.resolve(prefix, f));
  const passwords = st.ssl_password_file.value ? read(st.ssl_password_file.value).toString('utf8').split(/\r?\n/).filter(Boolean) : [undefined];
  const protocols = st.ssl_protocols.value.filter((p): p is (typeof VERSIONS)[number] => (VERSIONS as readonly string[]).includes(p));
  const order = (p: string) => VERSIONS.indexOf(p as (typeof VERSIONS)[number]);
  const sorted = [...protocols].sort((a, b) => order(a) - order(b));
  const ca = [st.ssl_client_certificate.value, st.ssl_trusted_certificate.value].filter((f): f is string => !!f).map(read);
  if (st.ssl_conf_command.value.length) warn('ssl_conf_command cannot be applied by Node.js and is ignored');
  let context: tls.SecureContext | null = null;
  let lastError: unknown = null;
  for (const passphrase of passwords) {
    try {
      context = tls.createSecureContext({
        cert: certs.map(read),
        key: keys.map((k) => ({ pem: read(k), passphrase })),
        ciphers: st.ssl_ciphers.value,
        honorCipherOrder: st.ssl_prefer_server_ciphers.value,
        minVersion: sorted[0] ?? 'TLSv1.2',
        maxVersion: sorted[sorted.length - 1] ?? 'TLSv1.3',
        ecdhCurve: st.ssl_ecdh_curve.value,
        ...(st.ssl_dhparam.value ? { dhparam: read(st.ssl_dhparam.value) } : {}),
        ...(ca.length ? { ca } : {}),
        ...(st.ssl_crl.value ? { crl: read(st.ssl_crl.value) } : {}),
        sessionTimeout: Math.floor(st.ssl_session_timeout.value / 1000),
        ...(st.ssl_session_tickets.value ? {} : { secureOptions: constants.SSL_OP_NO_TICKET }),
      });
      break;
    } catch (err) {
      lastError = err;
    }
  }
  if (!context) throw new Error(`cannot load certificate "${certs[0]}": ${(lastError as Error).message}`);
  const secureContext = context;
  const verify = st.ssl_verify_client.value;
  const alpn = server.protocol ?? 'imap';

  return {
    upgrade(s: Session, onSecure: () => void): void {
      const t = s.conn.upgrade(
        (plain) =>
          new tls.TLSSocket(plain, {
            isServer: true,
            secureContext,
            requestCert: verify !== 'off',
            rejectUnauthorized: false,
            ALPNCallback: ({ protocols: offered }) => (offered.includes(alpn) ? alpn : undefined),
          }),
      ) as tls.TLSSocket;
      let settled = false;
      t.once('secure', () => {
        if (settled || s.closed) return;
        settled = true;
        // As tls.Server does once a handshake is done: from here a TLS error (a bad record, a
        // renegotiation) is the socket's 'error', which ends the session as nginx's SSL_read()
        // failure does; before, Node keeps it to itself and the connection stays open.
        (t as tls.TLSSocket & { _releaseControl?: () => boolean })._releaseControl?.();
        // nginx refuses client renegotiation (TLS 1.2 and older).
        t.disableRenegotiation();
        if (verify !== 'off') {
          const v = verifyResult(t);
          if (v && !(verify === 'optional_no_ca' && OPTIONAL.has(v.number))) {
            s.info(`client SSL certificate verify error: (${v.number}:${v.text})`);
            s.out = s.srv.certError;
            s.quit = true;
            return s.send();
          }
          if (verify === 'on' && !t.getPeerX509Certificate()) {
            s.info('client sent no required SSL certificate');
            s.out = s.srv.noCert;
            s.quit = true;
            return s.send();
          }
        }
        onSecure();
      });
      const fail = (err: (Error & { library?: string; reason?: string }) | null) => {
        if (settled || s.closed) return;
        settled = true;
        s.info(err ? handshakeError(err) : 'peer closed connection in SSL handshake');
        s.close();
      };
      t.once('error', fail);
      t.once('close', () => fail(null));
    },

    info(s: Session, passClientCert: boolean): TlsInfo | null {
      const t = s.conn.socket as tls.TLSSocket;
      if (typeof t.getProtocol !== 'function') return null;
      const out: TlsInfo = { protocol: t.getProtocol() ?? '', cipher: t.getCipher()?.name ?? '' };
      if (verify === 'off') return out;
      const peer = t.getPeerX509Certificate?.();
      const v = verifyResult(t);
      out.verify = v ? `FAILED:${v.text}` : peer ? 'SUCCESS' : 'NONE';
      if (!peer) return out;
      out.subject = rfc2253(peer.subject);
      out.issuer = rfc2253(peer.issuer);
      out.serial = peer.serialNumber.toUpperCase();
      out.fingerprint = createHash('sha1').update(peer.raw).digest('hex');
      if (passClientCert) out.cert = pem(peer.raw);
      return out;
    },
  };
}

