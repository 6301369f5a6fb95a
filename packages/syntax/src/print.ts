import type { ParsedFile } from './tree.js';

/** Prints a parsed file back. Always equal to the input: the tree is lossless. */
export function print(file: ParsedFile): string {
  let out = '';
  for (const t of file.tokens) out += t.text;
  return out;
}
