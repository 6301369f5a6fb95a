/**
 * cipher-list.ts reads ssl_ciphers as OpenSSL 3 does. The cases are what nginx 1.22.1 with
 * OpenSSL 3.0 said of each string (the generated-config suite asks it again in CI); `null`
 * where OpenSSL took the string or where the answer depends on the build.
 */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cipherListProblem } from '../src/tls/cipher-list.js';
import { SUITE_NAMES, TLS13_SUITES } from '../src/tls/openssl-ciphers.js';
import { noteSkip } from '../../../test/support/shared.js';

const NO_MATCH = 'error:0A0000B9:SSL routines::no cipher match';
const INVALID = 'error:0A000118:SSL routines::invalid command';
const errors = (list: string) => cipherListProblem(list)?.errors ?? null;

describe('cipherListProblem', () => {
  it('takes what selects a TLS 1.2 suite', () => {
    for (const list of ['HIGH:!aNULL:!MD5', 'HIGH:FOO', 'ECDHE-RSA-AES128-GCM-SHA256', 'AESGCM+ECDHE', 'DEFAULT@SECLEVEL=0', '-ALL:HIGH', 'DEFAULT', 'DEFAULT:FOO', 'DEFAULTX'])
      expect(errors(list), list).toBeNull();
    for (const list of ['HIGH@STRENGTH', 'HIGH!aNULL', 'HIGH,MEDIUM', 'ECDHE ; RSA', 'ECDHE:-ECDHE:ECDHE', 'ALL:-ALL:ALL', 'SSLv3', 'TLSv1.0', 'SUITEB128', 'SUITEB128X'])
      expect(errors(list), list).toBeNull();
  });
  it('eNULL suites survive !ALL, and so do the aliases that take them in', () => {
    for (const list of ['NULL-SHA:!ALL', 'COMPLEMENTOFALL:!ALL', 'aNULL:!ALL', 'eNULL:-ALL', 'SSLv3:-ALL', 'ECDHE:!ALL']) expect(errors(list), list).toBeNull();
    for (const list of ['ECDHE-RSA-AES128-GCM-SHA256:!ALL', 'COMPLEMENTOFDEFAULT:!ALL', 'DEFAULT:!ALL', 'HIGH:-ALL']) expect(errors(list), list).toBe(NO_MATCH);
  });
  it('after a leading DEFAULT (which ends with !eNULL) or a !eNULL, eNULL suites are out for good', () => {
    for (const list of ['DEFAULT:ECDHE-RSA-AES128-GCM-SHA256 -ALL NULL-SHA FOO', 'DEFAULT:-ALL:eNULL', 'NULL-SHA:!eNULL', 'aNULL:!NULL:!ALL'])
      expect(errors(list), list).toBe(NO_MATCH);
    for (const list of ['NULL-SHA:-eNULL:NULL-SHA', 'eNULL:HIGH:!eNULL']) expect(errors(list), list).toBeNull();
  });
  it('LOW selects nothing since OpenSSL 1.1.0, alone or with others that add nothing', () => {
    for (const list of ['LOW', 'LOW:!aNULL', 'LOW+SHA', '!LOW', 'LOW:TLS_AES_128_GCM_SHA256']) expect(errors(list), list).toBe(NO_MATCH);
    for (const list of ['LOW:HIGH', 'HIGH:!LOW', 'LOW:FOO:MEDIUM']) expect(errors(list), list).toBeNull();
    expect(cipherListProblem('LOW')?.hint).toMatch(/LOW selects nothing/);
  });
  it('no cipher match: names no OpenSSL has, in any case but the right one', () => {
    for (const list of [
      'FOO',
      'high',
      'ecdhe-rsa-aes128-gcm-sha256',
      'TLS13-AES-128-GCM-SHA256',
      'TLSv1.3',
      'TLSv1.1',
      'SECLEVEL=1',
      'FOO*',
      'FOO@BAR',
      'FOO!BAR',
      'FOO:DEFAULT',
      '',
    ])
      expect(errors(list), list).toBe(NO_MATCH);
  });
  it('no cipher match: TLS 1.3 suites, an unknown word in a + combination, what is taken out again', () => {
    for (const list of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_128_CCM_8_SHA256', 'kRSA+FOO', 'FOO+ECDHE', '!ALL', '+HIGH:FOO', '!HIGH', '-HIGH', '!HIGH:HIGH', 'HIGH:!HIGH'])
      expect(errors(list), list).toBe(NO_MATCH);
    for (const list of ['ALL:-ALL', 'ECDHE:!ECDHE', 'ECDHE:-ECDHE', 'ECDHE+AESGCM:!ECDHE+AESGCM', '@STRENGTH', '@SECLEVEL=5', 'FOO:@STRENGTH:BAR', 'ALL:-ALL:!FOO'])
      expect(errors(list), list).toBe(NO_MATCH);
  });
  it('invalid command: a character no name has where an element starts, bad @ commands (one error each)', () => {
    for (const list of ['HIGH:*', 'HIGH:!', 'HIGH:-:', '*', 'HIGH:@', '@SECLEVEL=6', 'HIGH(', 'HIGH*', '@SECLEVEL=1x', 'HIGH:@SECLEVEL=10', 'HIGH:@FOO', 'DEFAULT:*'])
      expect(errors(list), list).toBe(INVALID);
    expect(errors('HIGH:@FOO:@BAR')).toBe(`${INVALID} ${INVALID}`);
    expect(errors('@FOO:*')).toBe(`${INVALID} ${INVALID}`);
    expect(errors('@FOO:HIGH:*:@BAR')).toBe(`${INVALID} ${INVALID}`);
  });
  it('says nothing where the answer depends on the build', () => {
    // RC4 and 3DES are compiled out of some builds; IANA names are read by some releases;
    // after a name a build may lack, OpenSSL either reads on or skips the rest.
    for (const list of ['RC4', 'DES-CBC3-SHA', 'kGOST18', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'CAMELLIA*', 'DTLSv1.2', 'aNULL:!ADH:!AECDH'])
      expect(errors(list), list).toBeNull();
    // `_` joins a name from 3.2 on only; Fedora's and openSUSE's PROFILE=SYSTEM; MD5 under FIPS.
    for (const list of ['HIGH:@STRENGTH_', 'ECDHE_RSA_AES128_GCM_SHA256', 'HIGH_FOO', 'PROFILE=SYSTEM', 'PROFILE=SYSTEM:!aNULL', 'MD5*:HIGH'])
      expect(errors(list), list).toBeNull();
  });
  it('hints at the likely mistake', () => {
    expect(cipherListProblem('high')?.hint).toBe('names are case-sensitive: "HIGH", not "high"');
    expect(cipherListProblem('TLS_AES_128_GCM_SHA256')?.hint).toMatch(/ssl_conf_command Ciphersuites/);
    expect(cipherListProblem('MYLIST:DEFAULT')?.hint).toMatch(/only at the start/);
    expect(cipherListProblem('HIGH:!')?.hint).toBe('OpenSSL expects a cipher name or alias after "!", not the end of the string');
  });
  it('never throws, and an answer is one of the two errors', () => {
    const alphabet = fc.constantFrom(...'AHIGLNSEC-+!@:;, *=._'.split(''), 'HIGH', 'ECDHE', 'ALL', 'FOO', 'SECLEVEL=', 'STRENGTH', 'TLS_AES_128_GCM_SHA256', 'DEFAULT');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 12 }), (parts) => {
        const e = errors(parts.join(''));
        expect(e === null || e === NO_MATCH || /^(error:0A000118:SSL routines::invalid command ?)+$/.test(e)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

// The suite table against the OpenSSL on this machine, when it has the command: every TLS 1.2
// suite it lists must be in SUITE_NAMES (a table missing one would call it unknown).
const openssl = spawnSync('openssl', ['ciphers', 'ALL:COMPLEMENTOFALL'], { encoding: 'utf8' });
if (openssl.status !== 0) noteSkip('cipher table vs openssl ciphers', 'the openssl command');
describe.skipIf(openssl.status !== 0)('SUITE_NAMES', () => {
  it('has every suite the openssl command lists', () => {
    const listed = openssl.stdout.trim().split(':');
    expect(listed.length).toBeGreaterThan(50);
    expect(listed.filter((n) => !SUITE_NAMES.has(n) && !TLS13_SUITES.has(n))).toEqual([]);
  });
});
