/**
 * What nginx reads from a file, for checking that formatting kept it: the words after
 * unquoting, the `;`, `{` and `}` events, and the comments (whose text is kept too, minus
 * trailing whitespace). Two files with equal lists configure nginx identically.
 */
import { K_COMMENT, K_DQUOTE, K_OPEN, K_SEMI, K_SQUOTE, K_WORD, K_WS, parse, scan, unescapeWord, type ParsedFile } from '@mailconf/syntax';
import { trimCommentEnd } from './layout.js';

export interface MeaningToken {
  kind: 'word' | ';' | '{' | '}' | 'comment';
  /** The word's value, or the comment's text; empty for punctuation. */
  text: string;
}

export function meaningTokens(file: ParsedFile): MeaningToken[] {
  const out: MeaningToken[] = [];
  for (const t of file.tokens) {
    switch (t.kind) {
      case 'ws':
        break;
      case 'word':
        out.push({ kind: 'word', text: unescapeWord(t.text) });
        break;
      case 'dquote':
      case 'squote':
        out.push({ kind: 'word', text: unescapeWord(unquote(t.text)) });
        break;
      case 'comment':
        out.push({ kind: 'comment', text: trimCommentEnd(t.text) });
        break;
      default:
        out.push({ kind: t.kind, text: '' });
    }
  }
  return out;
}

/** Index of the first difference between the meanings of two texts, or -1 when they agree. */
export function meaningDiffers(before: string, after: string): number {
  return firstDifference(meaningTokens(parse(before)), meaningTokens(parse(after)));
}

/** Index of the first position where two meaning lists differ, or -1. */
export function firstDifference(a: readonly MeaningToken[], b: readonly MeaningToken[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y || x.kind !== y.kind || x.text !== y.text) return i;
  }
  return -1;
}

/** A quoted token without its quotes (an unclosed one keeps everything after the opening quote). */
function unquote(text: string): string {
  const q = text[0]!;
  if (text.length >= 2 && text[text.length - 1] === q) {
    let n = 0;
    for (let k = text.length - 2; k >= 1 && text[k] === '\\'; k--) n++;
    if (n % 2 === 0) return text.slice(1, -1);
  }
  return text.slice(1);
}

/**
 * Checks a formatting result before it is used: it must read as the same tokens nginx reads
 * from the original (words after unquoting, `;`, `{`, `}`, comments), with no token glued to
 * a closing quote. Returns what is wrong, or null. The formatter is built so that this never
 * fails; the CLI still checks, so a bug can never reach a user's file. It compares the two
 * token stores directly, without building a tree or token objects: a check of a large file
 * costs one scan.
 */
export function verifyFormatted(original: ParsedFile, formatted: string): string | null {
  const a = original.store;
  const asrc = original.source;
  const b = scan(formatted);
  let i = 0;
  let j = 0;
  let n = 0;
  for (;;) {
    while (i < a.count && a.kinds[i] === K_WS) i++;
    while (j < b.count && b.kinds[j] === K_WS) j++;
    if (i >= a.count || j >= b.count) break;
    n++;
    const ka = a.kinds[i]!;
    const kb = b.kinds[j]!;
    const ta = asrc.slice(a.starts[i]!, a.ends[i]!);
    const tb = formatted.slice(b.starts[j]!, b.ends[j]!);
    if (!sameToken(ka, ta, kb, tb)) {
      return `the formatted text would read differently at token ${n} (${describeToken(ka, ta)} became ${describeToken(kb, tb)})`;
    }
    if ((kb === K_DQUOTE || kb === K_SQUOTE) && j + 1 < b.count) {
      const next = b.kinds[j + 1]!;
      const glued = next !== K_WS && next !== K_SEMI && next !== K_OPEN && formatted.charCodeAt(b.starts[j + 1]!) !== 41;
      const wasGlued = i + 1 < a.count && a.kinds[i + 1] !== K_WS && a.kinds[i + 1] !== K_SEMI && a.kinds[i + 1] !== K_OPEN;
      if (glued && !wasGlued) return `the formatted text would not parse (a token right after the quote closing token ${n})`;
    }
    i++;
    j++;
  }
  if (i < a.count || j < b.count) return `the formatted text would read differently after token ${n} (one text is longer)`;
  return null;
}

function sameToken(ka: number, ta: string, kb: number, tb: string): boolean {
  const wa = ka === K_WORD || ka === K_DQUOTE || ka === K_SQUOTE;
  const wb = kb === K_WORD || kb === K_DQUOTE || kb === K_SQUOTE;
  if (wa !== wb) return false;
  if (wa) return (ka === kb && ta === tb) || wordValue(ka, ta) === wordValue(kb, tb);
  if (ka !== kb) return false;
  if (ka === K_COMMENT) return ta === tb || trimCommentEnd(ta) === trimCommentEnd(tb);
  return true;
}

function wordValue(kind: number, text: string): string {
  return unescapeWord(kind === K_WORD ? text : unquote(text));
}

function describeToken(kind: number, text: string): string {
  if (kind === K_WORD || kind === K_DQUOTE || kind === K_SQUOTE) return `word ${JSON.stringify(wordValue(kind, text))}`;
  if (kind === K_COMMENT) return 'a comment';
  return `"${text}"`;
}

