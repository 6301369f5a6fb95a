/**
 * Numeric host names (`127.1`, `0x7f.1`, `2130706433`) are read by the C library, not by
 * nginx: numericIPv4 must read them as glibc's getaddrinfo does. The reference is this
 * machine's getaddrinfo itself (through Python, with AI_NUMERICHOST so no name is looked up).
 */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numericIPv4 } from '../src/net/host-name.js';

const python = spawnSync('python3', ['-c', 'import socket'], { encoding: 'utf8' }).status === 0;

/** What getaddrinfo makes of each text as an IPv4 address, or null. */
function getaddrinfo(texts: string[]): (string | null)[] {
  const script = `
import json, socket, sys
out = []
for h in json.loads(sys.stdin.read()):
    try:
        out.append(socket.getaddrinfo(h, None, socket.AF_INET, 0, 0, socket.AI_NUMERICHOST)[0][4][0])
    except (socket.gaierror, UnicodeError, ValueError):
        out.append(None)
print(json.dumps(out))`;
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(texts), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as (string | null)[];
}

describe.skipIf(!python)('numeric host names, as the C library reads them', () => {
  it('the forms people write', () => {
    const texts = ['127.1', '0x7f.1', '017.0.0.1', '2130706433', '0', '1.2.3', '0xFF.1', '4294967295', '4294967296', '1.16777215', '1.16777216', '1.2.65536', '256.1', '08', '0x', '1..2', '127.0.0.1.', '1.2.3.4.5', '0x0000000000007f.1', '00000000000000000017.1'];
    expect(texts.map(numericIPv4)).toEqual(getaddrinfo(texts));
  });
  it('any text of digits, dots and hex letters', () => {
    const text = fc.string({ unit: fc.constantFrom(...'0123456789.xXabfAF'), minLength: 1, maxLength: 24 });
    const samples = fc.sample(text, { numRuns: 3000, seed: 20261126 });
    const reference = getaddrinfo(samples);
    const differing = samples.filter((s, i) => numericIPv4(s) !== reference[i]);
    expect(differing).toEqual([]);
  });
});
