/**
 * What nginx reads from a file, for checking that formatting kept it: the words after
 * unquoting, the `;`, `{` and `}` events, and the comments (whose text is kept too, minus
 * trailing whitespace). Two files with equal lists configure nginx identically.
 */
import { parse, unescapeWord, type ParsedFile } from '@mailconf/syntax';
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
 * Checks a formatting result before it is used: it must parse without errors and mean the
 * same as the original. Returns what is wrong, or null. The formatter is built so that this
 * never fails; the CLI still checks, so a bug can never reach a user's file.
 */
export function verifyFormatted(original: ParsedFile, formatted: string): string | null {
  const after = parse(formatted, { path: original.path });
  if (after.errors.length) {
    const e = after.errors[0]!;
    return `the formatted text would not parse (${e.line}:${e.range.start.column}: ${e.message})`;
  }
  const a = meaningTokens(original);
  const b = meaningTokens(after);
  const i = firstDifference(a, b);
  return i < 0 ? null : `the formatted text would read differently at token ${i + 1} (${describe(a[i])} became ${describe(b[i])})`;
}

function describe(t: MeaningToken | undefined): string {
  if (!t) return 'nothing';
  if (t.kind === 'word') return `word ${JSON.stringify(t.text)}`;
  if (t.kind === 'comment') return 'a comment';
  return `"${t.kind}"`;
}
