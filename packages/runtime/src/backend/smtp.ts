/**
 * SMTP backend dialogue (proxy-runtime.md §4.7): greeting, EHLO/HELO with our server_name,
 * XCLIENT (unless `xclient off`), the client's own HELO/EHLO, AUTH PLAIN when
 * `proxy_smtp_auth on`, and for `smtp_auth none` the stored MAIL and RCPT. Multi-line
 * replies are collected to their last line. The client then gets `235 2.0.0 OK`, or for
 * auth none the backend's reply to RCPT.
 */
import { xtext } from '../auth-http.js';
import type { CommandBuffer } from '../protocols/command-buffer.js';
import { AuthMethod, encodeBase64 } from '../sasl.js';
import type { Session } from '../session.js';
import type { BackendDialogue, ReplyCheck } from './upstream.js';

const St = {
  Start: 0,
  Helo: 1,
  HeloXclient: 2,
  HeloFrom: 3,
  HeloAuth: 4,
  Xclient: 5,
  XclientFrom: 6,
  XclientHelo: 7,
  XclientAuth: 8,
  AuthPlain: 9,
  From: 10,
  To: 11,
} as const;

const AUTH_OK = Buffer.from('235 2.0.0 OK\r\n');

/**
 * nginx before 1.29.2 writes the login raw into XCLIENT, so a login holding CR or LF (from
 * AUTH PLAIN, say) would inject commands into the backend session. We keep the raw bytes
 * that version sends except those three, which get their xtext form (`+0D`): the only
 * deliberate difference from 1.22.1 on the wire (docs/runtime.md).
 */
function lineSafe(login: Buffer): Buffer {
  return login.includes(0x0d) || login.includes(0x0a) || login.includes(0) ? xtextSome(login) : login;
}

function xtextSome(login: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (const c of login) parts.push(c === 0x0d || c === 0x0a || c === 0 ? Buffer.from('+' + c.toString(16).toUpperCase().padStart(2, '0')) : Buffer.from([c]));
  return Buffer.concat(parts);
}
const crlf = Buffer.from('\r\n');

export const smtpBackend: BackendDialogue = {
  check(_s: Session, b: CommandBuffer, state: number) {
    const d = b.data;
    const p = b.pos;
    const res = (v: ReplyCheck) => ({ verdict: v, at: p });
    if (d[p + 3] === 0x2d) {
      // multi-line reply: wait for its last line
      let m = b.last - 7;
      while (m > p) {
        if (d[m] === 0x0d && d[m + 1] === 0x0a) break;
        m--;
      }
      if (m <= p || d[m + 5] === 0x2d) return res('again');
    }
    const code = (a: number, bb: number | number[], c: number) =>
      d[p] === a && (Array.isArray(bb) ? bb.includes(d[p + 1]!) : d[p + 1] === bb) && d[p + 2] === c;
    switch (state) {
      case St.Start:
        return res(code(0x32, 0x32, 0x30) ? 'ok' : 'invalid');
      case St.Helo:
      case St.HeloXclient:
      case St.HeloFrom:
      case St.HeloAuth:
      case St.From:
        return res(code(0x32, 0x35, 0x30) ? 'ok' : 'invalid');
      case St.Xclient:
      case St.XclientFrom:
      case St.XclientHelo:
      case St.XclientAuth:
        return res(code(0x32, [0x32, 0x35], 0x30) ? 'ok' : 'invalid');
      case St.AuthPlain:
        return res(code(0x32, 0x33, 0x35) ? 'ok' : 'invalid');
      default:
        return res('ok');
    }
  },
  next(s: Session, up) {
    const px = s.srv.proxy;
    const none = s.authMethod === AuthMethod.None;
    switch (up.state) {
      case St.Start: {
        const verb = s.esmtp || px.xclient ? 'EHLO ' : 'HELO ';
        const state = px.xclient ? St.HeloXclient : none ? St.HeloFrom : px.smtpAuth ? St.HeloAuth : St.Helo;
        return { action: 'sending HELO/EHLO to upstream', state, line: Buffer.concat([Buffer.from(verb), s.srv.serverName, crlf]) };
      }
      case St.HeloXclient: {
        const parts: Buffer[] = [Buffer.from('XCLIENT ADDR='), Buffer.from(s.clientIsIPv6 ? 'IPV6:' : ''), Buffer.from(s.clientAddr, 'latin1')];
        if (s.login.length && !px.smtpAuth) parts.push(Buffer.from(' LOGIN='), s.behaviour.xclientXtext ? xtext(s.login) : lineSafe(s.login));
        parts.push(Buffer.from(' NAME='), s.host, crlf);
        const state = s.smtpHelo.length ? St.XclientHelo : none ? St.XclientFrom : px.smtpAuth ? St.XclientAuth : St.Xclient;
        return { action: 'sending XCLIENT to upstream', state, line: Buffer.concat(parts) };
      }
      case St.XclientHelo: {
        const state = none ? St.HeloFrom : px.smtpAuth ? St.HeloAuth : St.Helo;
        return {
          action: 'sending client HELO/EHLO to upstream',
          state,
          line: Buffer.concat([Buffer.from(s.esmtp ? 'EHLO ' : 'HELO '), s.smtpHelo, crlf]),
        };
      }
      case St.HeloAuth:
      case St.XclientAuth: {
        s.action = 'sending AUTH to upstream';
        if (s.passwd === null) {
          s.error('no password available');
          return 'error';
        }
        const auth = Buffer.concat([Buffer.from([0]), s.login, Buffer.from([0]), s.passwd]);
        return { action: 'sending AUTH to upstream', state: St.AuthPlain, line: Buffer.concat([Buffer.from('AUTH PLAIN '), encodeBase64(auth), crlf]) };
      }
      case St.HeloFrom:
      case St.XclientFrom:
        return { action: 'sending MAIL FROM to upstream', state: St.From, line: Buffer.concat([s.smtpFrom, crlf]) };
      case St.From:
        return { action: 'sending RCPT TO to upstream', state: St.To, line: Buffer.concat([s.smtpTo, crlf]) };
      default:
        return 'proxy';
    }
  },
  firstReply(s, up) {
    if (s.authMethod === AuthMethod.None) return Buffer.from(up.buffer.data.subarray(up.buffer.start, up.buffer.last));
    return AUTH_OK;
  },
};

