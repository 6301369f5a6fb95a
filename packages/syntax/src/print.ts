import type { ParsedFile } from './tree.js';

/** Prints a parsed file back. Always equal to the input: the tree is lossless. */
export function print(file: ParsedFile): string {
  const { store, source } = file;
  const parts: string[] = new Array(store.count);
  for (let i = 0; i < store.count; i++) parts[i] = source.slice(store.starts[i]!, store.ends[i]!);
  return parts.join('');
}
