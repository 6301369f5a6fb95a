/**
 * Where whitespace has meaning after all: nginx reads a file through a 4096-byte buffer and
 * refuses a token whose span (counting the whitespace byte after a word or closing quote, and
 * a comment's trailing spaces and CR) no longer fits in it (@mailconf/syntax's parser says
 * exactly when). Formatting can add such a byte (`location /<4094 bytes>{` becomes
 * `location /<4094 bytes> {`, a CRLF file's comment gains a CR) and so turn a file nginx takes
 * into one it refuses. Only files with a token long enough to come near the limit are
 * checked, by reading the result as nginx would.
 */
import { K_COMMENT, K_DQUOTE, K_SQUOTE, K_WORD, MIN_LONG_CHARS, parse, type ParsedFile, type SyntaxIssue } from '@mailconf/syntax';
import { applyEdits, type TextEdit } from './format.js';

function hasLongToken(file: ParsedFile): boolean {
  const { kinds, starts, ends, count } = file.store;
  for (let i = 0; i < count; i++) {
    const k = kinds[i]!;
    if ((k === K_WORD || k === K_DQUOTE || k === K_SQUOTE || k === K_COMMENT) && ends[i]! - starts[i]! >= MIN_LONG_CHARS) return true;
  }
  return false;
}

/** The first syntax error nginx would find in the formatted text and not in the original, or null. */
export function newSyntaxError(original: ParsedFile, formatted: string): SyntaxIssue | null {
  if (original.errors.length || !hasLongToken(original)) return null;
  return parse(formatted, { path: original.path, tree: 'lazy', encoding: original.encoding }).errors[0] ?? null;
}

/** The edits, or none when applying them would give a text nginx refuses (see above). */
export function withinBufferLimit(file: ParsedFile, edits: TextEdit[]): TextEdit[] {
  if (!edits.length || file.errors.length || !hasLongToken(file)) return edits;
  return newSyntaxError(file, applyEdits(file.source, edits)) ? [] : edits;
}
