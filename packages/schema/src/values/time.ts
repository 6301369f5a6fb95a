/**
 * Time values (ngx_parse_time; config-language.md §10.4). Two flavours: `ms` directives store
 * milliseconds (`timeout`, `proxy_timeout`, ...) and `s` directives store seconds
 * (`ssl_session_timeout`, `resolver valid=`, `so_keepalive=` idle/interval).
 */
import { MAX_INT64 } from './limits.js';

export type TimeFlavour = 'ms' | 's';

// Units must come in this order, each at most once. `Last` is the state after the
// "space ends a bare number" quirk.
const Step = {
  Start: 0,
  Year: 1,
  Month: 2,
  Week: 3,
  Day: 4,
  Hour: 5,
  Min: 6,
  Sec: 7,
  Msec: 8,
  Last: 9,
} as const;

const DAY = 86400n;

/**
 * The duration in milliseconds, or null where nginx says `invalid value`. Follows nginx's
 * parser step by step, including its quirks (a bare number means seconds, also after other
 * units; one space directly after a number acts as a seconds unit; spaces may follow a unit)
 * and its 64-bit overflow checks, which differ per flavour: the `ms` flavour counts in
 * milliseconds, so its limits are 1000 times lower.
 */
export function parseTime(s: string, flavour: TimeFlavour): bigint | null {
  // Configs repeat the same few durations (`30s`, `10m`) thousands of times, and reading one
  // in BigInt steps allocates per character: remember the answers.
  const memo = flavour === 's' ? memoSec : memoMs;
  const known = memo.get(s);
  if (known !== undefined) return known;
  const value = readTime(s, flavour);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(s, value);
  return value;
}

const MEMO_LIMIT = 1024;
const memoMs = new Map<string, bigint | null>();
const memoSec = new Map<string, bigint | null>();

function readTime(s: string, flavour: TimeFlavour): bigint | null {
  const isSec = flavour === 's';
  const cutoff = MAX_INT64 / 10n;
  const cutlim = MAX_INT64 % 10n;
  let valid = false;
  let value = 0n;
  let total = 0n;
  let step: number = isSec ? Step.Start : Step.Month;
  let i = 0;

  while (i < s.length) {
    const c = s[i]!;
    if (c >= '0' && c <= '9') {
      const digit = BigInt(c.charCodeAt(0) - 0x30);
      if (value >= cutoff && (value > cutoff || digit > cutlim)) return null;
      value = value * 10n + digit;
      valid = true;
      i++;
      continue;
    }
    i++;

    let scale: bigint;
    let max: bigint;
    switch (c) {
      case 'y':
        if (step > Step.Start) return null;
        step = Step.Year;
        scale = 365n * DAY;
        break;
      case 'M':
        if (step >= Step.Month) return null;
        step = Step.Month;
        scale = 30n * DAY;
        break;
      case 'w':
        if (step >= Step.Week) return null;
        step = Step.Week;
        scale = 7n * DAY;
        break;
      case 'd':
        if (step >= Step.Day) return null;
        step = Step.Day;
        scale = DAY;
        break;
      case 'h':
        if (step >= Step.Hour) return null;
        step = Step.Hour;
        scale = 3600n;
        break;
      case 'm':
        if (s[i] === 's') {
          if (isSec || step >= Step.Msec) return null;
          i++;
          step = Step.Msec;
          scale = 1n;
          break;
        }
        if (step >= Step.Min) return null;
        step = Step.Min;
        scale = 60n;
        break;
      case 's':
        if (step >= Step.Sec) return null;
        step = Step.Sec;
        scale = 1n;
        break;
      case ' ':
        if (step >= Step.Sec) return null;
        step = Step.Last;
        scale = 1n;
        break;
      default:
        return null;
    }
    max = MAX_INT64 / scale;

    if (step !== Step.Msec && !isSec) {
      // nginx divides the limit after computing it in seconds: keep the same rounding.
      scale *= 1000n;
      max /= 1000n;
    }
    if (value > max) return null;
    value *= scale;
    if (total > MAX_INT64 - value) return null;
    total += value;
    value = 0n;
    while (s[i] === ' ') i++;
  }

  if (!valid) return null;
  if (!isSec) {
    if (value > MAX_INT64 / 1000n) return null;
    value *= 1000n;
  }
  if (total > MAX_INT64 - value) return null;
  const result = total + value;
  return isSec ? result * 1000n : result;
}
