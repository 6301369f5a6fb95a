/** "Did you mean" hints: the nearest known name by edit distance. */

/**
 * The closest of the candidates to a name, for typos (`imap_capabilites`, `$remote_adr`), as
 * `did you mean "..."?`; nothing when none is near enough.
 */
export function suggestion(name: string, candidates: string[], least = 2): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(least, Math.floor(name.length / 4));
  for (const c of candidates) {
    if (c === name) continue;
    if (Math.abs(c.length - name.length) > bestDistance) continue;
    const d = distance(name.toLowerCase(), c);
    if (d <= bestDistance && (d < bestDistance || !best)) {
      best = c;
      bestDistance = d;
    }
  }
  return best ? `did you mean "${best}"?` : undefined;
}

/** Levenshtein distance: the fewest one-character insertions, deletions and changes from `a` to `b`. */
export function distance(a: string, b: string): number {
  const prev = new Array(b.length + 1).fill(0).map((_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
