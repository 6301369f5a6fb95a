/**
 * Everything a session needs from one `server {}` of the model, computed once: the greeting
 * and capability replies exactly as nginx prebuilds them (proxy-runtime.md §2.3, §3.4,
 * §4.3), auth-method sets, buffer sizes, timeouts, the auth_http peer and the proxy
 * settings. Config strings become bytes as UTF-8 (the file's own bytes for UTF-8 files).
 */
import type { MailProtocol, ServerModel } from '@mailconf/checker';
import type { Behaviour } from './compat.js';
import type { ErrorLog } from './error-log.js';
import type { ClientHostResolver } from './protocols/smtp.js';

/** Auth method bits, as nginx keeps them. */
export const AuthBit = { Plain: 0x02, Login: 0x04, Apop: 0x08, CramMd5: 0x10, External: 0x20, None: 0x40 } as const;

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const CRLF = '\r\n';

export interface AuthPeer {
  /** How to connect: TCP address or UNIX socket path. */
  connect: { host: string; port: number } | { path: string };
  /** As nginx names it in messages: `127.0.0.1:20080`, `[::1]:80`, `unix:/path`. */
  name: string;
}

export interface ServerRuntime {
  model: ServerModel;
  protocol: MailProtocol;
  behaviour: Behaviour;
  log: ErrorLog;
  serverName: Buffer;
  timeout: number;
  maxErrors: number;
  starttls: 'off' | 'on' | 'only';
  /** Implicit TLS is configured on this listen (handled by the TLS layer). */
  authMethods: number;
  clientBuffer: number;
  internalError: Buffer;
  certError: Buffer;
  noCert: Buffer;
  imap: { capability: Buffer; starttlsCapability: Buffer; starttlsOnlyCapability: Buffer };
  pop3: { capability: Buffer; starttlsCapability: Buffer; starttlsOnlyCapability: Buffer; authCapability: Buffer };
  smtp: {
    greeting: Buffer;
    heloReply: Buffer;
    capability: Buffer;
    starttlsCapability: Buffer;
    starttlsOnlyCapability: Buffer;
    greetingDelay: number;
  };
  auth: {
    peer: AuthPeer;
    uri: Buffer;
    hostHeader: Buffer;
    timeout: number;
    headers: [Buffer, Buffer][];
    passClientCert: boolean;
  };
  /** SMTP: looks up the client's host name (`resolver`); null without a resolver. */
  resolveClientHost: ClientHostResolver | null;
  proxy: {
    bufferSize: number;
    timeout: number;
    passErrorMessage: boolean;
    smtpAuth: boolean;
    xclient: boolean;
    proxyProtocol: boolean | 'v2';
  };
}

const INTERNAL: Record<MailProtocol, [string, string, string]> = {
  imap: ['* BAD internal server error', '* BYE SSL certificate error', '* BYE No required SSL certificate'],
  pop3: ['-ERR internal server error', '-ERR SSL certificate error', '-ERR No required SSL certificate'],
  smtp: ['451 4.3.2 Internal server error', '421 4.7.1 SSL certificate error', '421 4.7.1 No required SSL certificate'],
};

/** Method words of `*_auth` → bits (POP3's `plain` also enables LOGIN). */
export function authBits(protocol: MailProtocol, words: readonly string[]): number {
  let bits = 0;
  for (const w of words) {
    switch (w.toLowerCase()) {
      case 'plain':
        bits |= AuthBit.Plain;
        break;
      case 'login':
        if (protocol !== 'pop3') bits |= AuthBit.Login;
        break;
      case 'apop':
        if (protocol === 'pop3') bits |= AuthBit.Apop;
        break;
      case 'cram-md5':
        bits |= AuthBit.CramMd5;
        break;
      case 'external':
        bits |= AuthBit.External;
        break;
      case 'none':
        if (protocol === 'smtp') bits |= AuthBit.None;
        break;
    }
  }
  if (protocol === 'pop3' && bits & AuthBit.Plain) bits |= AuthBit.Login;
  return bits;
}

/** Mechanism names in nginx's fixed order, for the enabled bits. */
function mechanisms(bits: number): string[] {
  const out: string[] = [];
  if (bits & AuthBit.Plain) out.push('PLAIN');
  if (bits & AuthBit.Login) out.push('LOGIN');
  if (bits & AuthBit.CramMd5) out.push('CRAM-MD5');
  if (bits & AuthBit.External) out.push('EXTERNAL');
  return out;
}

export function imapCapabilities(caps: readonly string[], bits: number) {
  const head = '* CAPABILITY' + caps.map((c) => ' ' + c).join('');
  const auth = mechanisms(bits)
    .map((m) => ' AUTH=' + m)
    .join('');
  return {
    capability: utf8(head + auth + CRLF),
    starttlsCapability: utf8(head + auth + ' STARTTLS' + CRLF),
    starttlsOnlyCapability: utf8(head + ' STARTTLS LOGINDISABLED' + CRLF),
  };
}

export function pop3Capabilities(caps: readonly string[], bits: number) {
  const head = '+OK Capability list follows' + CRLF;
  const list = caps.map((c) => c + CRLF).join('');
  const sasl = 'SASL' + mechanisms(bits).map((m) => ' ' + m).join('') + CRLF;
  const withoutUser = caps
    .filter((c) => c.toUpperCase() !== 'USER')
    .map((c) => c + CRLF)
    .join('');
  return {
    capability: utf8(head + list + sasl + '.' + CRLF),
    starttlsCapability: utf8(head + list + sasl + 'STLS' + CRLF + '.' + CRLF),
    starttlsOnlyCapability: utf8(head + withoutUser + 'STLS' + CRLF + '.' + CRLF),
    authCapability: utf8('+OK methods supported:' + CRLF + mechanisms(bits).map((m) => m + CRLF).join('') + '.' + CRLF),
  };
}

/** Multi-line 250 reply: `250-` on every line but the last. */
function reply250(lines: string[]): Buffer {
  return utf8(lines.map((l, i) => (i === lines.length - 1 ? '250 ' : '250-') + l + CRLF).join(''));
}

export function smtpCapabilities(serverName: string, caps: readonly string[], bits: number) {
  const base = [serverName, ...caps];
  const mechs = mechanisms(bits);
  const withAuth = mechs.length ? [...base, 'AUTH ' + mechs.join(' ')] : base;
  return {
    capability: reply250(withAuth),
    starttlsCapability: reply250([...withAuth, 'STARTTLS']),
    starttlsOnlyCapability: reply250([...base, 'STARTTLS']),
  };
}

export function buildServerRuntime(model: ServerModel, behaviour: Behaviour, log: ErrorLog, authPeer: AuthPeer, resolveClientHost: ClientHostResolver | null = null): ServerRuntime {
  const st = model.settings;
  const protocol = model.protocol ?? 'imap';
  const serverName = st.server_name.value;
  const words = protocol === 'imap' ? st.imap_auth.value : protocol === 'pop3' ? st.pop3_auth.value : st.smtp_auth.value;
  const bits = authBits(protocol, words);
  const url = st.auth_http.value;
  const [internal, certError, noCert] = INTERNAL[protocol];
  const hostHeader = !url ? 'localhost' : url.kind === 'unix' ? 'localhost' : url.host.includes(':') ? `[${url.host}]` : url.host;
  return {
    model,
    protocol,
    behaviour,
    log,
    serverName: utf8(serverName),
    timeout: st.timeout.value,
    maxErrors: st.max_errors.value,
    starttls: st.starttls.value,
    authMethods: bits,
    clientBuffer: protocol === 'imap' ? st.imap_client_buffer.value : protocol === 'smtp' ? st.smtp_client_buffer.value : 128,
    internalError: utf8(internal + CRLF),
    certError: utf8(certError + CRLF),
    noCert: utf8(noCert + CRLF),
    imap: imapCapabilities(st.imap_capabilities.value, authBits('imap', st.imap_auth.value)),
    pop3: pop3Capabilities(st.pop3_capabilities.value, authBits('pop3', st.pop3_auth.value)),
    smtp: {
      greeting: utf8(`220 ${serverName} ESMTP ready${CRLF}`),
      heloReply: utf8(`250 ${serverName}${CRLF}`),
      ...smtpCapabilities(serverName, st.smtp_capabilities.value, authBits('smtp', st.smtp_auth.value)),
      greetingDelay: st.smtp_greeting_delay.value,
    },
    auth: {
      peer: authPeer,
      uri: utf8(url?.uri || '/'),
      hostHeader: utf8(hostHeader),
      timeout: st.auth_http_timeout.value,
      headers: st.auth_http_header.value.map(([k, v]) => [utf8(k), utf8(v)]),
      passClientCert: st.auth_http_pass_client_cert.value,
    },
    resolveClientHost,
    proxy: {
      bufferSize: st.proxy_buffer.value,
      timeout: st.proxy_timeout.value,
      passErrorMessage: st.proxy_pass_error_message.value,
      smtpAuth: st.proxy_smtp_auth.value,
      xclient: st.xclient.value,
      proxyProtocol: st.proxy_protocol.value,
    },
  };
}
