/**
 * Version comparisons, memoised: rules ask "is the checked version at least X" for every
 * statement, and the answer never changes within a run.
 */
import { compareVersions } from '@mailconf/schema';

const memo = new Map<string, boolean>();

export function atLeast(version: string, minimum: string): boolean {
  const key = `${version}>=${minimum}`;
  let v = memo.get(key);
  if (v === undefined) {
    v = compareVersions(version, minimum) >= 0;
    memo.set(key, v);
  }
  return v;
}
