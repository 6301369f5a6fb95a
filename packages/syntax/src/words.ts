/**
 * What nginx makes of a word once it is read: quotes removed, then the escapes `\"`, `\'`,
 * `\\`, `\t`, `\r`, `\n` translated; any other backslash pair is kept as written.
 */
export function unescapeWord(inner: string): string {
  if (inner.indexOf('\\') === -1) return inner;
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c === '\\' && i + 1 < inner.length) {
      const n = inner[i + 1]!;
      switch (n) {
        case '"':
        case "'":
        case '\\':
          out += n;
          i++;
          continue;
        case 't':
          out += '\t';
          i++;
          continue;
        case 'r':
          out += '\r';
          i++;
          continue;
        case 'n':
          out += '\n';
          i++;
          continue;
        default:
          out += c + n;
          i++;
          continue;
      }
    }
    out += c;
  }
  return out;
}

/** Length of a string in UTF-8 bytes (nginx limits are in bytes). */
export function byteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      // A surrogate pair is one code point of four bytes.
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Quote a value for a message the way nginx prints it: inside double quotes, bytes as they are. */
export function quoted(value: string): string {
  return `"${value}"`;
}
