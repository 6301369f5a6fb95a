/**
 * nginx's base64 decoding and the SASL decoders (proxy-runtime.md §2.5).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AuthMethod, chooseMechanism, cramChallenge, decodeBase64, saslCramMd5, saslPlain, type Credentials } from '../src/sasl.js';

const B = (s: string) => Buffer.from(s, 'latin1');
const creds = (): Credentials => ({ login: Buffer.alloc(0), passwd: null, authMethod: AuthMethod.Plain });

describe('base64 as nginx decodes it', () => {
  it('round-trips, with or without padding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const b64 = Buffer.from(bytes).toString('base64');
        expect(decodeBase64(B(b64))).toEqual(Buffer.from(bytes));
        expect(decodeBase64(B(b64.replace(/=+$/, '')))).toEqual(Buffer.from(bytes));
      }),
    );
  });

  it('ignores everything from the first "=" on', () => {
    expect(decodeBase64(B('dGVzdA==!!garbage'))?.toString()).toBe('test');
  });

  it('rejects bytes outside the alphabet and lengths of 4n+1', () => {
    expect(decodeBase64(B('!!notbase64!!'))).toBeNull();
    expect(decodeBase64(B('*'))).toBeNull();
    expect(decodeBase64(B('abcde'))).toBeNull();
    expect(decodeBase64(B('ab\r\n'))).toBeNull();
  });
});

describe('SASL decoders', () => {
  it('PLAIN: authzid is skipped, the password may hold NULs, missing parts are logged', () => {
    const logs: string[] = [];
    const c = creds();
    expect(saslPlain(c, B(Buffer.from('authz\0user\0pa\0ss').toString('base64')), (m) => logs.push(m))).toBe('done');
    expect([c.login.toString(), c.passwd?.toString()]).toEqual(['user', 'pa\0ss']);
    expect(saslPlain(creds(), B(Buffer.from('user').toString('base64')), (m) => logs.push(m))).toBe('invalid');
    expect(saslPlain(creds(), B(Buffer.from('\0user').toString('base64')), (m) => logs.push(m))).toBe('invalid');
    expect(logs).toEqual(['client sent invalid login in AUTH PLAIN command', 'client sent invalid password in AUTH PLAIN command']);
  });

  it('CRAM-MD5 wants exactly a 32-byte digest after the space', () => {
    const c = creds();
    expect(saslCramMd5(c, B(Buffer.from('u ' + 'a'.repeat(32)).toString('base64')), () => {})).toBe('done');
    expect(c.authMethod).toBe(AuthMethod.CramMd5);
    expect(saslCramMd5(creds(), B(Buffer.from('u ' + 'a'.repeat(31)).toString('base64')), () => {})).toBe('invalid');
  });

  it('chooses the step of AUTH <mech> [initial response]', () => {
    const args = (s: string) => s.split(' ').map(B);
    expect(chooseMechanism(args('plain'))).toBe('plain');
    expect(chooseMechanism(args('PLAIN x'))).toBe('plain-ir');
    expect(chooseMechanism(args('PLAIN x y'))).toBe('invalid');
    expect(chooseMechanism(args('login x'))).toBe('login-username');
    expect(chooseMechanism(args('CRAM-MD5 x'))).toBe('invalid');
    expect(chooseMechanism(args('EXTERNAL x'))).toBe('external-ir');
    expect(chooseMechanism(args('XOAUTH2'))).toBe('invalid');
  });

  it('builds the CRAM-MD5 challenge from the salt without its CRLF', () => {
    expect(cramChallenge('334 ', B('<1.2@mx>\r\n')).toString()).toBe(`334 ${Buffer.from('<1.2@mx>').toString('base64')}\r\n`);
  });
});
