/**
 * The auth_http step of a session (proxy-runtime.md §5.3): build and send the request,
 * apply the response headers as they arrive (Auth-User/Auth-Pass overrides take effect at
 * once, as in nginx), then decide — failure reply (after Auth-Wait), WAIT retry, internal
 * error, or on to the backend. Client input is not read meanwhile.
 */
import { AuthExchange, type AuthFailure } from './auth-client.js';
import { formatIPv6, parseIPv4, parseIPv6 } from '@mailconf/checker';
import { atoi, buildAuthRequest } from './auth-http.js';
import { errnoText, errorCode, TIMED_OUT } from './errno.js';
import { AuthMethod } from './sasl.js';
import { EMPTY } from './bytes.js';
import type { Session } from './session.js';

/** What one response said (nginx's auth http ctx). */
interface Verdict {
  /** The failure reply being built (IMAP/POP3) or marker (SMTP), null when none. */
  err: Buffer | null;
  errmsg: Buffer;
  errcode: Buffer | null;
  addr: Buffer;
  port: Buffer;
  sleep: number;
}

const crlf = Buffer.from('\r\n');

/** Starts (or restarts, for WAIT) the auth request of a session. */
export function startAuthHttp(s: Session, connectBackend: (s: Session, host: string, port: number) => void): void {
  s.action = 'in http auth state';
  const srv = s.srv;
  const useSalt =
    s.salt !== null &&
    (srv.behaviour.saltOnlyForDigests ? s.authMethod === AuthMethod.Apop || s.authMethod === AuthMethod.CramMd5 : s.authMethod !== AuthMethod.Plain);
  const request = buildAuthRequest({
    uri: srv.auth.uri,
    hostHeader: srv.auth.hostHeader,
    authMethod: s.authMethod,
    login: s.login,
    passwd: s.passwd,
    salt: useSalt ? s.salt : null,
    protocol: srv.protocol,
    loginAttempt: s.loginAttempt,
    clientIp: Buffer.from(s.clientAddr, 'latin1'),
    clientHost: srv.protocol === 'smtp' ? s.host : null,
    proxyProtocol: s.proxyProtocol,
    smtp: s.authMethod === AuthMethod.None ? { helo: s.smtpHelo, from: s.smtpFrom, to: s.smtpTo } : null,
    tls: s.tlsInfo(srv.auth.passClientCert),
    headers: srv.auth.headers,
  });
  // the digest answered a challenge: the auth server has to send the real password
  if (useSalt) s.passwd = null;

  if (!s.owner.acquireConnection()) {
    s.internalServerError();
    return;
  }
  // client reads are blocked until the auth server has answered
  s.readHandler = () => {};

  const v: Verdict = { err: null, errmsg: EMPTY, errcode: null, addr: EMPTY, port: EMPTY, sleep: 0 };
  const exchange = new AuthExchange(srv.auth.peer, request, srv.auth.timeout, {
    header: (name, value) => applyHeader(s, v, name.toString('latin1').toLowerCase(), value),
    done: () => {
      release();
      decide(s, v, connectBackend);
    },
    failed: (f) => {
      release();
      logFailure(s, f);
      s.internalServerError();
    },
  });
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    s.disown(closer);
    s.owner.releaseConnection();
  };
  const closer = {
    close: () => {
      exchange.close();
      release();
    },
  };
  s.own(closer);
}

function logFailure(s: Session, f: AuthFailure): void {
  const name = s.srv.auth.peer.name;
  switch (f.kind) {
    case 'socket':
      s.error(`${f.syscall}() failed`, errnoText(errorCode(f.error)));
      break;
    case 'timeout':
      s.error(`auth http server ${name} timed out`, TIMED_OUT);
      break;
    case 'invalid-header':
      s.error(`auth http server ${name} sent invalid header in response`);
      break;
    case 'invalid-response':
      s.error(`auth http server ${name} sent invalid response`);
      break;
    case 'eof':
      break;
  }
}

function applyHeader(s: Session, v: Verdict, name: string, value: Buffer): void {
  switch (name) {
    case 'auth-status': {
      const text = value.toString('latin1');
      if (text === 'OK') return;
      if (text === 'WAIT') {
        s.authWait = true;
        return;
      }
      v.errmsg = Buffer.from(value);
      switch (s.srv.protocol) {
        case 'pop3':
          v.err = Buffer.concat([Buffer.from('-ERR '), value, crlf]);
          break;
        case 'imap': {
          const t = s.ps.tag;
          const tag = (t.src ?? s.buffer!.data).subarray(t.off, t.off + t.len);
          v.err = Buffer.concat([tag, Buffer.from('NO '), value, crlf]);
          break;
        }
        default:
          // SMTP builds the reply at the end, with Auth-Error-Code; an empty status is no error
          v.err = value.length ? Buffer.from(value) : null;
      }
      return;
    }
    case 'auth-server':
      v.addr = Buffer.from(value);
      return;
    case 'auth-port':
      v.port = Buffer.from(value);
      return;
    case 'auth-user':
      s.login = Buffer.from(value);
      return;
    case 'auth-pass':
      s.passwd = Buffer.from(value);
      return;
    case 'auth-wait': {
      const n = atoi(value);
      if (n !== null) v.sleep = n;
      return;
    }
    case 'auth-error-code':
      v.errcode = Buffer.from(value);
      return;
  }
}

function decide(s: Session, v: Verdict, connectBackend: (s: Session, host: string, port: number) => void): void {
  const name = s.srv.auth.peer.name;
  if (v.err) {
    s.info(Buffer.concat([Buffer.from('client login failed: "'), v.errmsg, Buffer.from('"')]));
    if (s.srv.protocol === 'smtp') {
      v.err = Buffer.concat([v.errcode ?? Buffer.from('535 5.7.0'), Buffer.from(' '), v.errmsg, crlf]);
    }
    s.out = v.err;
    if (v.sleep === 0) {
      s.quit = true;
      s.send();
      return;
    }
    sleep(s, v.sleep, connectBackend);
    return;
  }
  if (s.authWait) {
    if (v.sleep === 0) return startAuthHttp(s, connectBackend);
    sleep(s, v.sleep, connectBackend);
    return;
  }
  if (!v.addr.length || !v.port.length) {
    s.error(`auth http server ${name} did not send server or port`);
    return s.internalServerError();
  }
  if (s.passwd === null && s.srv.protocol !== 'smtp') {
    s.error(`auth http server ${name} did not send password`);
    return s.internalServerError();
  }
  const host = backendAddress(v.addr.toString('latin1'));
  if (host === null) {
    s.error(Buffer.concat([Buffer.from(`auth http server ${name} sent invalid server address:"`), v.addr, Buffer.from('"')]));
    return s.internalServerError();
  }
  const port = atoi(v.port);
  if (port === null || port < 1 || port > 65535) {
    s.error(Buffer.concat([Buffer.from(`auth http server ${name} sent invalid server port:"`), v.port, Buffer.from('"')]));
    return s.internalServerError();
  }
  s.upstreamName = Buffer.concat([v.addr, Buffer.from(':'), v.port]);
  connectBackend(s, host, port);
}

/**
 * Auth-Server as nginx reads it (ngx_parse_addr: `001.2.3.4` and `1..2.3` are addresses),
 * written the way Node connects to it; null when nginx would not take it.
 */
function backendAddress(addr: string): string | null {
  const v4 = parseIPv4(addr);
  if (v4) return v4.join('.');
  const v6 = parseIPv6(addr);
  return v6 ? formatIPv6(v6) : null;
}

/** Auth-Wait: nothing happens for N seconds, then the reply (or, for WAIT, the retry). */
function sleep(s: Session, seconds: number, connectBackend: (s: Session, host: string, port: number) => void): void {
  s.readHandler = (timedOut) => {
    if (!timedOut) return;
    if (s.authWait) {
      s.authWait = false;
      startAuthHttp(s, connectBackend);
      return;
    }
    s.readHandler = (t) => s.driver.authState(s, t);
    s.mailState = 0;
    s.authMethod = AuthMethod.Plain;
    s.action = 'in auth state';
    s.send();
    if (s.closed) return;
    s.readTimer.set(s.srv.timeout);
    if (s.conn.ready) s.readHandler(false);
  };
  s.readTimer.set(seconds * 1000);
}
