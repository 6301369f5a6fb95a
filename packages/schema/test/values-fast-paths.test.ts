/**
 * The number and time readers take shortcuts (plain doubles up to 15 digits, remembered
 * durations); these properties hold them equal to nginx's digit-by-digit reading, written
 * here the plain way with BigInt.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseNumber, parseTime, MAX_INT64 } from '@mailconf/schema';

/** ngx_atoi over a 64-bit range: digits only, not empty, at most MAX_INT64. */
function reference(s: string): bigint | null {
  if (!/^[0-9]+$/.test(s)) return null;
  const v = BigInt(s);
  return v > MAX_INT64 ? null : v;
}

const digits = fc.string({
  unit: fc.constantFrom(...'0123456789'),
  minLength: 0,
  maxLength: 24,
});
const nearlyDigits = fc.string({
  unit: fc.constantFrom(...'0123456789 -+x'),
  minLength: 0,
  maxLength: 20,
});

describe('number shortcut', () => {
  it('reads every digit string as BigInt does, across the 15-digit boundary and past 2^63', () => {
    fc.assert(
      fc.property(fc.oneof(digits, nearlyDigits), (s) => {
        expect(parseNumber(s)).toBe(reference(s));
      }),
      { numRuns: 3000 },
    );
  });
  it('keeps exact values where a double would round', () => {
    expect(parseNumber('999999999999999')).toBe(999999999999999n);
    expect(parseNumber('9007199254740993')).toBe(9007199254740993n);
    expect(parseNumber('9223372036854775808')).toBeNull();
  });
});

describe('remembered durations', () => {
  it('give the same answer every time, per flavour', () => {
    const unit = fc.constantFrom('', 's', 'm', 'ms', 'h', 'd', ' ', 'y', 'M', 'w');
    const time = fc
      .tuple(fc.integer({ min: 0, max: 10_000 }), unit, fc.integer({ min: 0, max: 59 }), unit)
      .map(([a, u, b, v]) => `${a}${u}${b}${v}`);
    fc.assert(
      fc.property(time, (s) => {
        const ms = parseTime(s, 'ms');
        const sec = parseTime(s, 's');
        expect(parseTime(s, 'ms')).toBe(ms);
        expect(parseTime(s, 's')).toBe(sec);
      }),
      { numRuns: 2000 },
    );
  });
  it('are kept apart per flavour', () => {
    expect(parseTime('500ms', 'ms')).toBe(500n);
    expect(parseTime('500ms', 's')).toBeNull();
    expect(parseTime('500ms', 'ms')).toBe(500n);
  });
});
