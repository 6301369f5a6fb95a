/**
 * Addresses as nginx reads and prints them (ngx_inet_addr, ngx_inet6_addr, ngx_inet6_ntop).
 * Each reading below that differs from the usual one was confirmed with nginx -t 1.22.1 (the
 * duplicate-listen and listen-syntax fixtures carry some of them to the oracle in CI).
 */
import { describe, expect, it } from 'vitest';
import { formatIPv6, ipv6Bytes, isIPv4Mapped, parseIPv4, parseIPv6 } from '@mailconf/checker';

const v6 = (text: string) => {
  const b = parseIPv6(text);
  return b ? formatIPv6(b) : null;
};

describe('IPv4 (ngx_inet_addr)', () => {
  it('four decimal parts, each at most 255, zero-padded or empty', () => {
    expect(parseIPv4('127.0.0.1')).toEqual([127, 0, 0, 1]);
    expect(parseIPv4('0001.2.3.4')).toEqual([1, 2, 3, 4]);
    expect(parseIPv4('1..2.3')).toEqual([1, 0, 2, 3]);
    expect(parseIPv4('1.2.3.')).toEqual([1, 2, 3, 0]);
    expect(parseIPv4('...')).toEqual([0, 0, 0, 0]);
  });
  it('anything else is not an address nginx reads itself', () => {
    for (const t of ['', '127.1', '1.2.3.4.', '1.2.3.4.5', '256.1.1.1', '1.2.3.4 ', '0x7f.0.0.1', '-1.2.3.4']) expect(parseIPv4(t), t).toBeNull();
  });
});

describe('IPv6 (ngx_inet6_addr)', () => {
  it('reads what nginx reads', () => {
    expect(v6('::')).toBe('::');
    expect(v6('0:0::0')).toBe('::');
    expect(v6(':1::')).toBe('1::');
    expect(v6(':1:2:3:4:5:6:7:8')).toBe('1:2:3:4:5:6:7:8');
    expect(v6('::1:')).toBe('::0.1.0.0');
    expect(v6('::1..2.3')).toBe('::1.0.2.3');
    expect(v6('::ffff:7f00:1')).toBe('::ffff:127.0.0.1');
    expect(v6('1:2:3:4:5:6:1.2.3.4')).toBe('1:2:3:4:5:6:102:304');
  });
  it('rejects what nginx rejects', () => {
    for (const t of ['', ':', ':::', '1:::2', '1::2::3', '1:2:3:4:5:6:7::', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '12345::', 'g::', '1.2.3.4', '::1.2.3', 'fe80::1%eth0']) {
      expect(parseIPv6(t), t).toBeNull();
    }
  });
});

describe('IPv6 as nginx prints it (ngx_inet6_ntop)', () => {
  it('compresses the first longest run of two or more zero groups, lowercase', () => {
    for (const [text, want] of [
      ['::1', '::1'],
      ['1::2', '1::2'],
      ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
      ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
      ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
      ['2001:DB8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
      ['fe80::', 'fe80::'],
    ]) {
      expect(v6(text!), text).toBe(want);
    }
  });
  it('writes IPv4-mapped and -compatible tails dotted, as nginx does', () => {
    expect(v6('::ffff:192.0.2.1')).toBe('::ffff:192.0.2.1');
    expect(v6('::127.0.0.1')).toBe('::127.0.0.1');
    expect(v6('::0203')).toBe('::0.0.2.3');
    expect(v6('::0101')).toBe('::101');
    expect(v6('::ff')).toBe('::ff');
    expect(v6('::1')).toBe('::1');
  });
});

describe('addresses Node and DNS answers write', () => {
  it('compare in binary, scope ignored; IPv4 text is not IPv6', () => {
    expect(ipv6Bytes('fe80::1%eth0')).toEqual(parseIPv6('fe80::1'));
    expect(ipv6Bytes('::ffff:192.0.2.1')).toEqual(parseIPv6('0:0:0:0:0:ffff:c000:201'));
    expect(ipv6Bytes('192.0.2.1')).toBeNull();
  });
  it('IPv4-mapped addresses are told by their printed form', () => {
    expect(isIPv4Mapped(v6('::ffff:7f00:1')!)).toBe(true);
    expect(isIPv4Mapped(v6('::127.0.0.1')!)).toBe(false);
    expect(isIPv4Mapped(v6('::1')!)).toBe(false);
  });
});
