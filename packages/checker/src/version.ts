/**
 * Version comparisons, memoised: rules ask "is the checked version at least X" for every
 * statement, and the answer never changes within a run.
 */
import { compareVersions } from '@mailconf/schema';

/** version → minimum → answer (two lookups, no key string made per call). */
const memo = new Map<string, Map<string, boolean>>();

export function atLeast(version: string, minimum: string): boolean {
  let answers = memo.get(version);
  if (!answers) memo.set(version, (answers = new Map()));
  let v = answers.get(minimum);
  if (v === undefined) {
    v = compareVersions(version, minimum) >= 0;
    answers.set(minimum, v);
  }
  return v;
}
