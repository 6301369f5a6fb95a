/**
 * Unified diffs for `mailconf fmt --diff`, from the `diff` package (jsdiff: Myers' algorithm
 * on lines).
 */
import { isAbsolute } from 'node:path';
import { createTwoFilesPatch } from 'diff';

/** A unified diff (3 lines of context) from `before` to `after`; empty when they are equal. */
export function unifiedDiff(before: string, after: string, fileName: string): string {
  if (before === after) return '';
  const [from, to] = isAbsolute(fileName) ? [fileName, fileName] : [`a/${fileName}`, `b/${fileName}`];
  const patch = createTwoFilesPatch(from, to, before, after, undefined, undefined, { context: 3 });
  // jsdiff starts with a line of `=`; the usual unified format starts at `---`.
  const at = patch.indexOf('--- ');
  return at > 0 ? patch.slice(at) : patch;
}
