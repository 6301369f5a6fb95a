/**
 * Greeting and capability replies as nginx prebuilds them (proxy-runtime.md §2.3, §3.4, §4.3).
 */
import { describe, expect, it } from 'vitest';
import { authBits, imapCapabilities, pop3Capabilities, smtpCapabilities } from '../src/server-config.js';

const lines = (b: Buffer) => b.toString('latin1').split('\r\n').slice(0, -1);

describe('capabilities', () => {
  it('IMAP: configured items, AUTH= in fixed order, STARTTLS variants', () => {
    const c = imapCapabilities(['IMAP4rev1', 'SORT THREAD', 'IDLE'], authBits('imap', ['cram-md5', 'login']));
    expect(c.capability.toString()).toBe('* CAPABILITY IMAP4rev1 SORT THREAD IDLE AUTH=LOGIN AUTH=CRAM-MD5\r\n');
    expect(c.starttlsCapability.toString()).toBe('* CAPABILITY IMAP4rev1 SORT THREAD IDLE AUTH=LOGIN AUTH=CRAM-MD5 STARTTLS\r\n');
    expect(c.starttlsOnlyCapability.toString()).toBe('* CAPABILITY IMAP4rev1 SORT THREAD IDLE STARTTLS LOGINDISABLED\r\n');
  });

  it('POP3: plain implies LOGIN, apop is never listed, USER dropped under starttls only', () => {
    const c = pop3Capabilities(['TOP', 'user', 'UIDL'], authBits('pop3', ['apop', 'plain']));
    expect(lines(c.capability)).toEqual(['+OK Capability list follows', 'TOP', 'user', 'UIDL', 'SASL PLAIN LOGIN', '.']);
    expect(lines(c.starttlsCapability)).toEqual(['+OK Capability list follows', 'TOP', 'user', 'UIDL', 'SASL PLAIN LOGIN', 'STLS', '.']);
    expect(lines(c.starttlsOnlyCapability)).toEqual(['+OK Capability list follows', 'TOP', 'UIDL', 'STLS', '.']);
    expect(lines(c.authCapability)).toEqual(['+OK methods supported:', 'PLAIN', 'LOGIN', '.']);
    expect(lines(pop3Capabilities(['TOP'], authBits('pop3', ['apop'])).capability)).toEqual(['+OK Capability list follows', 'TOP', 'SASL', '.']);
  });

  it('SMTP: 250- on every line but the last; none adds nothing; STARTTLS last', () => {
    expect(lines(smtpCapabilities('mx', [], authBits('smtp', ['none'])).capability)).toEqual(['250 mx']);
    const c = smtpCapabilities('mx', ['SIZE', '8BITMIME'], authBits('smtp', ['login', 'plain', 'none']));
    expect(lines(c.capability)).toEqual(['250-mx', '250-SIZE', '250-8BITMIME', '250 AUTH PLAIN LOGIN']);
    expect(lines(c.starttlsCapability)).toEqual(['250-mx', '250-SIZE', '250-8BITMIME', '250-AUTH PLAIN LOGIN', '250 STARTTLS']);
    expect(lines(c.starttlsOnlyCapability)).toEqual(['250-mx', '250-SIZE', '250-8BITMIME', '250 STARTTLS']);
  });
});
