/**
 * The auth_http request builder and response parser (proxy-runtime.md §5.1, §5.2).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AuthResponseParser, buildAuthRequest, escapeAuthValue, xtext, type AuthRequest } from '../src/auth-http.js';
import { AuthMethod } from '../src/sasl.js';

const B = (s: string) => Buffer.from(s, 'latin1');

function request(over: Partial<AuthRequest> = {}): AuthRequest {
  return {
    uri: B('/auth'),
    hostHeader: B('127.0.0.1'),
    authMethod: AuthMethod.Plain,
    login: B('test@example.com'),
    passwd: B('secret'),
    salt: null,
    protocol: 'imap',
    loginAttempt: 1,
    clientIp: B('127.0.0.1'),
    clientHost: null,
    proxyProtocol: null,
    smtp: null,
    tls: null,
    headers: [],
    ...over,
  };
}

describe('auth request', () => {
  it('writes nginx\'s headers in nginx\'s order', () => {
    expect(buildAuthRequest(request()).toString('latin1')).toBe(
      'GET /auth HTTP/1.0\r\nHost: 127.0.0.1\r\nAuth-Method: plain\r\nAuth-User: test@example.com\r\nAuth-Pass: secret\r\n' +
        'Auth-Protocol: imap\r\nAuth-Login-Attempt: 1\r\nClient-IP: 127.0.0.1\r\n\r\n',
    );
  });

  it('puts Auth-Salt after Auth-Pass, then SMTP, PROXY, TLS and configured headers', () => {
    const text = buildAuthRequest(
      request({
        authMethod: AuthMethod.None,
        login: B(''),
        passwd: null,
        salt: B('<1.2@mx>\r\n'),
        protocol: 'smtp',
        loginAttempt: 3,
        clientHost: B('[UNAVAILABLE]'),
        proxyProtocol: { srcAddr: B('192.0.2.1'), srcPort: 12345, dstAddr: B('192.0.2.2'), dstPort: 25 },
        smtp: { helo: B('c'), from: B('MAIL FROM:<a@b>'), to: B('RCPT TO:<c@d>') },
        tls: { protocol: 'TLSv1.2', cipher: 'ECDHE-RSA-AES256-GCM-SHA384' },
        headers: [[B('X-Auth-Key'), B('s3cr3t key')]],
      }),
    ).toString('latin1');
    expect(text.split('\r\n')).toEqual([
      'GET /auth HTTP/1.0',
      'Host: 127.0.0.1',
      'Auth-Method: none',
      'Auth-User: ',
      'Auth-Pass: ',
      'Auth-Salt: <1.2@mx>',
      'Auth-Protocol: smtp',
      'Auth-Login-Attempt: 3',
      'Client-IP: 127.0.0.1',
      'Client-Host: [UNAVAILABLE]',
      'Proxy-Protocol-Addr: 192.0.2.1',
      'Proxy-Protocol-Port: 12345',
      'Proxy-Protocol-Server-Addr: 192.0.2.2',
      'Proxy-Protocol-Server-Port: 25',
      'Auth-SMTP-Helo: c',
      'Auth-SMTP-From: MAIL FROM:<a@b>',
      'Auth-SMTP-To: RCPT TO:<c@d>',
      'Auth-SSL: on',
      'Auth-SSL-Protocol: TLSv1.2',
      'Auth-SSL-Cipher: ECDHE-RSA-AES256-GCM-SHA384',
      'X-Auth-Key: s3cr3t key',
      '',
      '',
    ]);
  });

  it('escapes control bytes, space and % in user and password, nothing else', () => {
    expect(escapeAuthValue(B('sp a ce%41\xc3\xa9')).toString('latin1')).toBe('sp%20a%20ce%2541\xc3\xa9');
    expect(escapeAuthValue(B('p%ss w\x01rd\ttab\r\n\0+="\\')).toString('latin1')).toBe('p%25ss%20w%01rd%09tab%0D%0A%00+="\\');
  });

  it('never lets CR or LF of a user name into a header line', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (login, pass) => {
        const text = buildAuthRequest(request({ login: Buffer.from(login), passwd: Buffer.from(pass) })).toString('latin1');
        const lines = text.split('\r\n');
        // the header block has exactly the usual lines, and none holds a stray CR or LF
        return lines.length === 10 && lines.every((l) => !/[\r\n\0]/.test(l));
      }),
    );
  });

  it('xtext-encodes for XCLIENT as newer nginx does', () => {
    expect(xtext(B('te st+x=y\xe9@example.com')).toString('latin1')).toBe('te+20st+2Bx+3Dy+E9@example.com');
  });
});

type Ev = ReturnType<AuthResponseParser['feed']>[number];
const show = (evs: Ev[]) => evs.map((e) => (e.kind === 'header' ? `${e.name.toString('latin1')}=${e.value.toString('latin1')}` : e.kind));

describe('auth response parser', () => {
  const parse = (text: string) => show(new AuthResponseParser().feed(B(text)));

  it('skips the status line without looking at the code', () => {
    expect(parse('HTTP/1.0 500 Internal Server Error\r\nAuth-Status: OK\r\n\r\nbody')).toEqual(['Auth-Status=OK', 'done']);
  });

  it('parses from the first byte when there is no status line', () => {
    expect(parse('garbage\r\n\r\n')).toEqual(['garbage=', 'done']);
  });

  it('trims values, keeps inner spaces, accepts bare LF', () => {
    expect(parse('HTTP/1.0 200 OK\nAuth-Status:    Try  again later   \nAuth-Wait:  0\n\n')).toEqual(['Auth-Status=Try  again later', 'Auth-Wait=0', 'done']);
  });

  it('rejects header names with other characters', () => {
    expect(parse('HTTP/1.0 200 OK\r\nAuth Status: OK\r\n\r\n')).toEqual(['invalid-header']);
    expect(parse('HTTP/1.0 200 OK\r\n_x: 1\r\n\r\n')).toEqual(['invalid-header']);
  });

  it('rejects a status line with CR not followed by LF', () => {
    expect(parse('HTTP/1.0 200\rX')).toEqual(['invalid-response']);
  });

  it('gives the same events however the bytes are split', () => {
    const text = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nauth-status: OK\r\nAuth-Server: 127.0.0.1\r\nAuth-Port:20143\r\nX:\r\n\r\n';
    const whole = parse(text);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: text.length }), { maxLength: 8 }), (cuts) => {
        const p = new AuthResponseParser();
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const out: Ev[] = [];
        let at = 0;
        for (const c of [...points, text.length]) {
          out.push(...p.feed(B(text.slice(at, c))));
          at = c;
        }
        expect(show(out)).toEqual(whole);
      }),
    );
  });
});
