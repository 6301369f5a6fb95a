/**
 * group-list.ts judges ssl_ecdh_curve lists only where no OpenSSL 3 setup takes them. The
 * cases are what nginx 1.22.1 with OpenSSL 3.0 said of each list (the generated-config suite
 * asks it again in CI); `null` where it took the list or where the answer depends on the
 * release or the providers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupListProblem } from '../src/tls/group-list.js';

const group = (list: string) => groupListProblem(list)?.group ?? null;

describe('groupListProblem', () => {
  it('takes standard names and their aliases, in either case OpenSSL lists them', () => {
    for (const list of [
      'auto',
      'prime256v1',
      'secp384r1:X25519',
      'P-256:P-384:P-521',
      'x25519:secp384r1:prime256v1',
      'x448',
      'ffdhe2048',
      'K-163',
      'sect571k1',
      ' X25519 : secp384r1 ',
    ])
      expect(group(list), list).toBeNull();
  });
  it('near misses of a standard name', () => {
    expect(groupListProblem('X25519:P256')).toEqual({ group: 'P256', hint: 'did you mean "P-256"?' });
    expect(group('secp384')).toBe('secp384');
    expect(group('prime256')).toBe('prime256');
    expect(group('X2559')).toBe('X2559');
    expect(group('secp521r')).toBe('secp521r');
  });
  it('other separators than ":", and "auto" anywhere but alone in lower case', () => {
    expect(group('prime256v1,secp384r1')).toBe('prime256v1,secp384r1');
    expect(group('X25519 secp384r1')).toBe('X25519 secp384r1');
    expect(group('X25519;secp384r1')).toBe('X25519;secp384r1');
    expect(group('Auto')).toBe('Auto');
    expect(group('X25519:auto')).toBe('auto');
  });
  it('says nothing where a release or a provider may decide, or where an earlier name fails first', () => {
    // OpenSSL 3.5 syntax, later groups, provider names, case variants, repeats, unknown names.
    for (const list of [
      'X25519/secp384r1',
      '-X25519:P-256',
      '*X25519',
      '?foo:X25519',
      'DEFAULT',
      'X25519MLKEM768',
      'brainpoolP256r1tls13',
      'p256_mlkem768',
      'SECP384R1:P256',
      'X25519:x25519:P256',
      'foo',
      'X25519:foo:P256',
      'prime256v1:',
    ])
      expect(group(list), list).toBeNull();
    // Provider names, names past 63 bytes, groups some builds lack before a near miss.
    for (const list of [
      'x25519_mlkem768',
      'secp256_mlkem768',
      'X25519, secp384r1, prime256v1, secp521r1, ffdhe2048, ffdhe3072, x448',
      'brainpoolP256r1tls13:P256',
      'sect571k1:P256',
    ])
      expect(group(list), list).toBeNull();
    // Only ASCII white space is dropped around a name, as isspace() does: nginx names 'X25519\u00a0'.
    expect(group('X25519\u00a0:P256')).toBe('X25519\u00a0');
  });
  it('never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => void groupListProblem(s)),
      { numRuns: 2000 },
    );
  });
});
