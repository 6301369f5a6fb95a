/**
 * The auth_http protocol as pure functions (proxy-runtime.md §5): the request nginx writes
 * (every header, in nginx's order, values escaped as nginx escapes them) and the incremental
 * response parser (1024-byte limit, status line skipped without looking at the code,
 * header-name rules, value trimming). What the headers mean is decided by the session.
 */
import { AUTH_METHOD_NAMES, AuthMethod } from './sasl.js';

const CRLF = Buffer.from('\r\n');
const HEX = '0123456789ABCDEF';

function escapeWith(text: Buffer, needs: (c: number) => boolean, prefix: number): Buffer {
  let n = 0;
  for (const c of text) if (needs(c)) n++;
  if (n === 0) return text;
  const out = Buffer.alloc(text.length + n * 2);
  let o = 0;
  for (const c of text) {
    if (needs(c)) {
      out[o++] = prefix;
      out[o++] = HEX.charCodeAt(c >> 4);
      out[o++] = HEX.charCodeAt(c & 0xf);
    } else out[o++] = c;
  }
  return out;
}

/** Auth-User / Auth-Pass / Auth-SSL-Cert escaping: control bytes, space and `%` become %XX. */
export const escapeAuthValue = (text: Buffer) => escapeWith(text, (c) => c <= 0x20 || c === 0x25, 0x25);

/** RFC 3461 xtext, as newer nginx writes XCLIENT LOGIN=: `+XX` for controls, space, `+`, `=` and bytes >= 0x7f. */
export const xtext = (text: Buffer) => escapeWith(text, (c) => c <= 0x20 || c === 0x2b || c === 0x3d || c >= 0x7f, 0x2b);

export interface ProxyProtocolInfo {
  srcAddr: Buffer;
  srcPort: number;
  dstAddr: Buffer;
  dstPort: number;
}

export interface TlsInfo {
  protocol: string;
  cipher: string;
  /** Only with ssl_verify_client: SUCCESS, FAILED:reason, NONE. */
  verify?: string;
  subject?: string;
  issuer?: string;
  serial?: string;
  fingerprint?: string;
  /** Raw PEM, only with auth_http_pass_client_cert. */
  cert?: Buffer;
}

export interface AuthRequest {
  uri: Buffer;
  hostHeader: Buffer;
  authMethod: number;
  login: Buffer;
  passwd: Buffer | null;
  /** The salt with its CRLF, when it is to be sent. */
  salt: Buffer | null;
  protocol: 'imap' | 'pop3' | 'smtp';
  loginAttempt: number;
  clientIp: Buffer;
  /** SMTP only: the resolved client host, `[UNAVAILABLE]`, `[TEMPUNAVAIL]`. */
  clientHost: Buffer | null;
  proxyProtocol: ProxyProtocolInfo | null;
  /** For `Auth-Method: none`: HELO, MAIL and RCPT text, sent raw. */
  smtp: { helo: Buffer; from: Buffer; to: Buffer } | null;
  tls: TlsInfo | null;
  /** auth_http_header pairs, in configuration order. */
  headers: [Buffer, Buffer][];
}

/** The request nginx writes to the auth server (one HTTP/1.0 GET, no body). */
export function buildAuthRequest(r: AuthRequest): Buffer {
  const parts: Buffer[] = [];
  const line = (...xs: (string | Buffer)[]) => {
    for (const x of xs) parts.push(typeof x === 'string' ? Buffer.from(x, 'latin1') : x);
    parts.push(CRLF);
  };
  line('GET ', r.uri, ' HTTP/1.0');
  line('Host: ', r.hostHeader);
  line('Auth-Method: ', AUTH_METHOD_NAMES[r.authMethod] ?? 'plain');
  line('Auth-User: ', escapeAuthValue(r.login));
  line('Auth-Pass: ', escapeAuthValue(r.passwd ?? Buffer.alloc(0)));
  // the salt carries its own CRLF
  if (r.salt) parts.push(Buffer.from('Auth-Salt: '), r.salt);
  line('Auth-Protocol: ', r.protocol);
  line('Auth-Login-Attempt: ', String(r.loginAttempt));
  line('Client-IP: ', r.clientIp);
  if (r.clientHost && r.clientHost.length) line('Client-Host: ', r.clientHost);
  if (r.proxyProtocol) {
    line('Proxy-Protocol-Addr: ', r.proxyProtocol.srcAddr);
    line('Proxy-Protocol-Port: ', String(r.proxyProtocol.srcPort));
    line('Proxy-Protocol-Server-Addr: ', r.proxyProtocol.dstAddr);
    line('Proxy-Protocol-Server-Port: ', String(r.proxyProtocol.dstPort));
  }
  if (r.authMethod === AuthMethod.None && r.smtp) {
    line('Auth-SMTP-Helo: ', r.smtp.helo);
    line('Auth-SMTP-From: ', r.smtp.from);
    line('Auth-SMTP-To: ', r.smtp.to);
  }
  if (r.tls) {
    line('Auth-SSL: on');
    if (r.tls.protocol) line('Auth-SSL-Protocol: ', r.tls.protocol);
    if (r.tls.cipher) line('Auth-SSL-Cipher: ', r.tls.cipher);
    if (r.tls.verify) line('Auth-SSL-Verify: ', r.tls.verify);
    if (r.tls.subject) line('Auth-SSL-Subject: ', r.tls.subject);
    if (r.tls.issuer) line('Auth-SSL-Issuer: ', r.tls.issuer);
    if (r.tls.serial) line('Auth-SSL-Serial: ', r.tls.serial);
    if (r.tls.fingerprint) line('Auth-SSL-Fingerprint: ', r.tls.fingerprint);
    if (r.tls.cert && r.tls.cert.length) line('Auth-SSL-Cert: ', escapeAuthValue(r.tls.cert));
  }
  for (const [name, value] of r.headers) line(name, ': ', value);
  parts.push(CRLF);
  return Buffer.concat(parts);
}

/** nginx reads at most this much of the auth server's answer. */
export const AUTH_RESPONSE_LIMIT = 1024;

export type AuthParseEvent =
  | { kind: 'header'; name: Buffer; value: Buffer }
  | { kind: 'done' }
  /** `HTTP/...` line not ended by CR LF. */
  | { kind: 'invalid-response' }
  | { kind: 'invalid-header' };

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;

/**
 * Incremental parser of the auth response. `feed` takes the bytes nginx would have read
 * (the caller enforces the 1024-byte limit) and returns the events they complete; after
 * `done`, `invalid-response` or `invalid-header` it must not be fed again.
 */
export class AuthResponseParser {
  private readonly buf = Buffer.alloc(AUTH_RESPONSE_LIMIT);
  private last = 0;
  private pos = 0;
  private statusDone = false;
  private statusState = 0;
  private state = 0;
  private nameStart = 0;
  private nameEnd = 0;
  private valueStart = 0;
  private valueEnd = 0;

  get size(): number {
    return this.last;
  }

  feed(chunk: Buffer): AuthParseEvent[] {
    chunk.copy(this.buf, this.last);
    this.last += chunk.length;
    const events: AuthParseEvent[] = [];
    if (!this.statusDone) {
      const r = this.skipStatusLine();
      if (r === 'again') return events;
      if (r === 'invalid') return [{ kind: 'invalid-response' }];
    }
    for (;;) {
      const r = this.headerLine();
      if (r === 'again') return events;
      if (r === 'error') {
        events.push({ kind: 'invalid-header' });
        return events;
      }
      if (r === 'done') {
        events.push({ kind: 'done' });
        return events;
      }
      events.push({
        kind: 'header',
        name: Buffer.from(this.buf.subarray(this.nameStart, this.nameEnd)),
        value: Buffer.from(this.buf.subarray(this.valueStart, this.valueEnd)),
      });
    }
  }

  /** Skips `HTTP/...` up to its line end; anything else is parsed as headers from byte 0. */
  private skipStatusLine(): 'ok' | 'again' | 'invalid' {
    const prefix = 'HTTP/';
    let p = this.pos;
    for (; p < this.last; p++) {
      const ch = this.buf[p]!;
      if (this.statusState < prefix.length) {
        if (ch === prefix.charCodeAt(this.statusState)) {
          this.statusState++;
          continue;
        }
        // not a status line: headers start at the first byte
        this.pos = 0;
        this.statusState = 0;
        this.statusDone = true;
        return 'ok';
      }
      if (this.statusState === prefix.length) {
        if (ch === CR) this.statusState++;
        else if (ch === LF) return this.endStatus(p);
        continue;
      }
      // after CR
      if (ch === LF) return this.endStatus(p);
      return 'invalid';
    }
    this.pos = p;
    return 'again';
  }

  private endStatus(p: number): 'ok' {
    this.pos = p + 1;
    this.statusState = 0;
    this.statusDone = true;
    return 'ok';
  }

  private headerLine(): 'header' | 'done' | 'again' | 'error' {
    const St = { start: 0, name: 1, spaceBeforeValue: 2, value: 3, spaceAfterValue: 4, almostDone: 5, headerAlmostDone: 6 };
    let state = this.state;
    let p = this.pos;
    const header = () => {
      this.pos = p + 1;
      this.state = St.start;
      return 'header' as const;
    };
    for (; p < this.last; p++) {
      const ch = this.buf[p]!;
      const lower = ch | 0x20;
      const letter = lower >= 0x61 && lower <= 0x7a;
      const digit = ch >= 0x30 && ch <= 0x39;
      switch (state) {
        case St.start:
          if (ch === CR) {
            this.valueEnd = p;
            state = St.headerAlmostDone;
            break;
          }
          if (ch === LF) {
            this.pos = p + 1;
            this.state = St.start;
            return 'done';
          }
          state = St.name;
          this.nameStart = p;
          if (letter || digit) break;
          return 'error';
        case St.name:
          if (letter || ch === 0x2d || digit) break;
          if (ch === 0x3a) {
            this.nameEnd = p;
            state = St.spaceBeforeValue;
            break;
          }
          if (ch === CR || ch === LF) {
            this.nameEnd = p;
            this.valueStart = p;
            this.valueEnd = p;
            if (ch === LF) return header();
            state = St.almostDone;
            break;
          }
          return 'error';
        case St.spaceBeforeValue:
          if (ch === SP) break;
          if (ch === CR || ch === LF) {
            this.valueStart = p;
            this.valueEnd = p;
            if (ch === LF) return header();
            state = St.almostDone;
            break;
          }
          this.valueStart = p;
          state = St.value;
          break;
        case St.value:
          if (ch === SP) {
            this.valueEnd = p;
            state = St.spaceAfterValue;
          } else if (ch === CR) {
            this.valueEnd = p;
            state = St.almostDone;
          } else if (ch === LF) {
            this.valueEnd = p;
            return header();
          }
          break;
        case St.spaceAfterValue:
          if (ch === SP) break;
          if (ch === CR) state = St.almostDone;
          else if (ch === LF) return header();
          else state = St.value;
          break;
        case St.almostDone:
          if (ch === LF) return header();
          return 'error';
        case St.headerAlmostDone:
          if (ch === LF) {
            this.pos = p + 1;
            this.state = St.start;
            return 'done';
          }
          return 'error';
      }
    }
    this.pos = p;
    this.state = state;
    return 'again';
  }
}

/** nginx's ngx_atoi: decimal digits only, not empty, no overflow; null otherwise. */
export function atoi(text: Buffer): number | null {
  if (text.length === 0) return null;
  let n = 0;
  for (const c of text) {
    if (c < 0x30 || c > 0x39) return null;
    n = n * 10 + (c - 0x30);
    if (n > Number.MAX_SAFE_INTEGER) return null;
  }
  return n;
}
