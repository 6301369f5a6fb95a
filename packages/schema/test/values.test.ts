/**
 * Value parsers against every example of config-language.md §10 (and the time/size values
 * used by listen and resolver in mail-directives.md §2.10, §4.3). Each row: input, expected
 * value (null = nginx rejects it).
 */
import { describe, expect, it } from 'vitest';
import { parseFlag, parseNumber, parseOffset, parseSize, parseTime, matchKeyword } from '@mailconf/schema';

type Row = [input: string, expected: bigint | null];

const MAX = 9223372036854775807n;
const K = 1024n;
const M = 1024n * 1024n;
const G = 1024n * 1024n * 1024n;

function table(name: string, parse: (s: string) => bigint | null, rows: Row[]): void {
  describe(name, () => {
    it.each(rows)('%j → %s', (input, expected) => {
      expect(parse(input)).toBe(expected);
    });
  });
}

table('parseNumber', parseNumber, [
  ['0', 0n],
  ['1', 1n],
  ['010', 10n],
  ['9223372036854775807', MAX],
  ['00009223372036854775807', MAX],
  ['-1', null],
  ['+1', null],
  ['1k', null],
  ['1.0', null],
  ['0x10', null],
  ['', null],
  ['9223372036854775808', null],
  ['92233720368547758070', null],
  [' 1', null],
  ['1 ', null],
  ['١', null], // non-ASCII digit
]);

table('parseSize', parseSize, [
  ['0', 0n],
  ['1', 1n],
  ['1k', K],
  ['1K', K],
  ['1m', M],
  ['1M', M],
  ['01k', K],
  ['9007199254740991k', 9007199254740991n * K],
  ['8796093022207m', 8796093022207n * M],
  ['9223372036854775807', MAX],
  ['1g', null],
  ['1G', null],
  ['1kb', null],
  ['1.5k', null],
  ['-1', null],
  ['', null],
  ['k', null],
  ['1 k', null],
  [' 1k', null],
  ['9007199254740992k', null],
  ['8796093022208m', null],
  ['9223372036854775808', null],
  ['1kk', null],
]);

table('parseOffset', parseOffset, [
  ['0', 0n],
  ['1k', K],
  ['1M', M],
  ['1g', G],
  ['1G', G],
  ['8589934591g', 8589934591n * G],
  ['8589934592g', null],
  ['1t', null],
  ['1gb', null],
  ['g', null],
  ['', null],
  ['-1g', null],
]);

describe('parseTime, msec flavour (timeout, proxy_timeout, ...)', () => {
  const s = 1000n;
  const rows: Row[] = [
    ['0', 0n],
    ['1', 1n * s],
    ['1s', 1n * s],
    ['500ms', 500n],
    ['1h30m', 5400n * s],
    ['1h 30m', 5400n * s],
    ['1h  30m', 5400n * s],
    ['1s ', 1n * s],
    ['1h30', 3630n * s],
    ['1s1', 2n * s],
    ['1ms 2', 2001n],
    ['1 2', 3n * s],
    ['1h 2 3', 3605n * s],
    ['1w2d3h4m5s6ms', ((((7n + 2n) * 24n + 3n) * 60n + 4n) * 60n + 5n) * s + 6n],
    ['60s', 60n * s],
    ['24h', 86400n * s],
    ['9223372036854775', 9223372036854775n * s],
    ['106751991167d', 106751991167n * 86400n * s],
    ['9223372036854775807ms', MAX],
    // rejected
    ['30m1h', null],
    ['1m1m', null],
    ['1h1d', null],
    ['1ms1s', null],
    [' 1s', null],
    ['1 2 3', null],
    ['1 s', null],
    ['1y', null],
    ['1M', null],
    ['', null],
    ['s', null],
    ['ms', null],
    ['10x', null],
    ['10S', null],
    ['1.5s', null],
    ['-1', null],
    ['9223372036854776', null],
    ['106751991168d', null],
    ['9223372036854775808ms', null],
  ];
  it.each(rows)('%j → %s', (input, expected) => {
    expect(parseTime(input, 'ms')).toBe(expected);
  });
});

describe('parseTime, sec flavour (ssl_session_timeout, resolver valid=, so_keepalive=)', () => {
  const sec = (n: bigint) => n * 1000n;
  const rows: Row[] = [
    ['0', 0n],
    ['5m', sec(300n)],
    ['30m', sec(1800n)],
    ['1h', sec(3600n)],
    ['10', sec(10n)],
    ['1h30m', sec(5400n)],
    ['30s', sec(30n)],
    ['1y1M', sec((365n + 30n) * 86400n)],
    ['1y', sec(365n * 86400n)],
    ['1M', sec(30n * 86400n)],
    ['292471208677y', sec(292471208677n * 365n * 86400n)],
    ['9223372036854775807', sec(MAX)],
    // rejected
    ['1ms', null],
    ['30ms', null],
    ['1ms::', null],
    ['1M1y', null],
    ['292471208678y', null],
    ['30x', null],
    ['9223372036854775808', null],
    ['', null],
    [' 1s', null],
  ];
  it.each(rows)('%j → %s', (input, expected) => {
    expect(parseTime(input, 's')).toBe(expected);
  });
});

describe('parseFlag', () => {
  it.each([
    ['on', true],
    ['ON', true],
    ['oN', true],
    ['off', false],
    ['Off', false],
    ['OFF', false],
    ['yes', null],
    ['1', null],
    ['true', null],
    ['', null],
    ['on ', null],
    ['o', null],
  ] as const)('%j → %s', (input, expected) => {
    expect(parseFlag(input)).toBe(expected);
  });
});

describe('matchKeyword', () => {
  it.each([
    ['ONLY', ['on', 'off', 'only'], false, 'only'],
    ['OPTIONAL', ['on', 'off', 'optional', 'optional_no_ca'], false, 'optional'],
    ['Login', ['plain', 'login'], false, 'login'],
    ['yes', ['on', 'off', 'only'], false, null],
    ['IMAP', ['imap', 'pop3', 'smtp'], true, null],
    ['imap', ['imap', 'pop3', 'smtp'], true, 'imap'],
    // Only ASCII letters fold, as with ngx_strcasecmp.
    ['\u212Aey', ['key'], false, null],
  ] as const)('%j in %j (case-sensitive: %s) → %s', (input, values, cs, expected) => {
    expect(matchKeyword(input, values, cs)).toBe(expected);
  });
});
