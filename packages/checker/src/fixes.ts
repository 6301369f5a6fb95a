/**
 * Safe fixes shared by rules. A fix only edits text; applying it never depends on anything
 * but the file it names.
 */
import { fitsArity, type Profile } from '@mailconf/schema';
import type { Fix } from './diagnostic.js';
import type { Entry } from './walk.js';

/**
 * When a statement runs over a line end into what reads as the next directive
 * (`timeout 5s` ⏎ `auth_http ...;`), the `;` was forgotten: insert it after the last word
 * of the first line.
 */
export function missingSemicolonFix(entry: Entry, profile: Profile): Fix | null {
  const d = entry.directive;
  const words = [d.nameWord!, ...d.args];
  for (let i = 1; i < words.length; i++) {
    const prev = words[i - 1]!;
    const w = words[i]!;
    // Only where the first line is a whole statement by itself: `auth_http` ⏎ `auth_http {}`
    // is not helped by a `;` after a directive that still lacks its value.
    if (w.range.start.line > prev.range.end.line && !w.quote && profile.isKnown(w.value) && entry.spec && fitsArity(entry.spec.arity, i - 1)) {
      return {
        description: `missing ";" after "${prev.raw}" on line ${prev.range.end.line}?`,
        edits: [{ file: entry.file, start: prev.range.end.offset, end: prev.range.end.offset, newText: ';' }],
      };
    }
  }
  return null;
}

/** Removes a whole statement line (used for exact duplicates). */
export function removeStatementFix(entry: Entry, source: string, description: string): Fix {
  const d = entry.directive;
  let start = d.range.start.offset;
  let end = d.range.end.offset;
  // Take the indentation before and the line end after, when the statement is alone on its line.
  let s = start;
  while (s > 0 && (source[s - 1] === ' ' || source[s - 1] === '\t')) s--;
  let e = end;
  while (e < source.length && (source[e] === ' ' || source[e] === '\t')) e++;
  if ((s === 0 || source[s - 1] === '\n') && (e === source.length || source[e] === '\n' || source[e] === '\r')) {
    start = s;
    end = e;
    if (source[end] === '\r') end++;
    if (source[end] === '\n') end++;
  }
  return { description, edits: [{ file: entry.file, start, end, newText: '' }] };
}
