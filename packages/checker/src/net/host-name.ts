/**
 * What nginx could look up as a host name. A checker without DNS assumes such names
 * resolve (nginx resolves them when it starts; the oracle maps each one to an address);
 * anything else — `-1`, `256.1.1.1`, words with `=` or `/` — is "host not found".
 *
 * Before any lookup the C library reads numeric names itself (`numericIPv4`): nginx's own
 * address parser takes only `a.b.c.d`, so `127.1` or `0x7f.1` reach getaddrinfo and come
 * back as 127.0.0.1.
 */
const HOST_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*\.?$/;

export function isHostName(text: string): boolean {
  return !/^[0-9.]+$/.test(text) && HOST_NAME.test(text);
}

/** Largest value of the last part, by number of parts (`a`: 32 bits, `a.b`: 24, `a.b.c`: 16, `a.b.c.d`: 8). */
const LAST_PART_MAX = [0xffffffff, 0xffffff, 0xffff, 0xff];

/**
 * The IPv4 address a numeric host name stands for, as glibc's getaddrinfo reads it
 * (inet_aton, exactly): one to four parts, each decimal, octal (leading `0`) or hexadecimal
 * (`0x`); every part but the last is one byte, the last fills the remaining bytes. Null when
 * the text is not such a number.
 */
export function numericIPv4(text: string): string | null {
  const parts = text.split('.');
  if (parts.length > 4) return null;
  const values: number[] = [];
  for (const p of parts) {
    let v: number;
    if (/^0[xX][0-9a-fA-F]+$/.test(p)) v = digitsValue(p.slice(2), 16, 8);
    else if (/^0[0-7]*$/.test(p)) v = digitsValue(p, 8, 11);
    else if (/^[1-9][0-9]*$/.test(p)) v = digitsValue(p, 10, 10);
    else return null;
    if (v > 0xffffffff) return null;
    values.push(v);
  }
  const last = values.pop()!;
  if (values.some((v) => v > 0xff) || last > LAST_PART_MAX[values.length]!) return null;
  const bytes = [...values];
  for (let i = 3 - values.length; i >= 0; i--) bytes.push(Math.floor(last / 2 ** (8 * i)) % 256);
  return bytes.join('.');
}

/** The value of digits in a base, or Infinity past `maxDigits` significant digits (past 32 bits anyway). */
function digitsValue(digits: string, base: number, maxDigits: number): number {
  const significant = digits.replace(/^0+/, '');
  return significant.length > maxDigits ? Infinity : significant ? parseInt(significant, base) : 0;
}
