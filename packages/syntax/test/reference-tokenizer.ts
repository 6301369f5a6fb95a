/**
 * An independent, deliberately naive reading of config-language.md §3, one character at a
 * time, used only to cross-check the chevrotain lexer and the parser (differential test).
 * Returns the statement words (values after unquoting and unescaping) and punctuation.
 */
export type RefToken = { t: 'word'; v: string } | { t: ';' | '{' | '}' };

const WS = new Set([' ', '\t', '\r', '\n']);

function unescape(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      const n = s[i + 1]!;
      const map: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', t: '\t', r: '\r', n: '\n' };
      out += map[n] ?? '\\' + n;
      i++;
    } else out += s[i];
  }
  return out;
}

/** null when the text has a lexical error (the parser must then report one). */
export function referenceTokens(text: string): RefToken[] | null {
  const out: RefToken[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (WS.has(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === ';' || c === '{' || c === '}') {
      out.push({ t: c });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let v = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) {
          v += text[j]! + text[j + 1]!;
          j += 2;
        } else v += text[j++];
      }
      if (j >= text.length) return null;
      out.push({ t: 'word', v: unescape(v) });
      i = j + 1;
      const n = text[i];
      if (n !== undefined && !WS.has(n) && n !== ';' && n !== '{' && n !== ')') return null;
      continue;
    }
    let j = i;
    let v = '';
    let variable = false;
    while (j < text.length) {
      const ch = text[j]!;
      if (ch === '{' && variable) {
        v += ch;
        j++;
        continue;
      }
      variable = false;
      if (ch === '\\') {
        v += ch + (text[j + 1] ?? '');
        j += 2;
        continue;
      }
      if (ch === '$') {
        variable = true;
        v += ch;
        j++;
        continue;
      }
      if (WS.has(ch) || ch === ';' || ch === '{') break;
      v += ch;
      j++;
    }
    out.push({ t: 'word', v: unescape(v) });
    i = j;
  }
  return out;
}
