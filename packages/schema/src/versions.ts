/** nginx versions the schema knows exactly, and how to order version strings. */

/** The newest nginx source the tables were generated from. */
export const NEWEST_VERSION = '1.31.5';

/** The version of the reference `nginx -t` (Debian 12's nginx with the mail and stream modules). */
export const ORACLE_VERSION = '1.22.1';

/** Oldest version with exact tables; older targets are checked with its rules. */
export const OLDEST_VERSION = ORACLE_VERSION;

/**
 * Parses `1.22.1` (also `v1.22.1`, `nginx/1.22.1`, `1.25`) into numbers. Returns null for
 * anything that is not dotted decimal, so callers can report the bad version string.
 */
export function parseVersion(version: string): number[] | null {
  const m = /^(?:nginx\/|v)?(\d+(?:\.\d+)*)$/.exec(version.trim());
  if (!m) return null;
  return m[1]!.split('.').map((part) => Number(part));
}

/**
 * Numeric comparison of two version strings: negative if a < b, 0 if equal, positive if a > b.
 * Missing components count as 0 (`1.25` = `1.25.0`). Unparsable strings sort before all others.
 */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (!pa || !pb) return (pa ? 1 : 0) - (pb ? 1 : 0);
  const n = Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Whether `version` lies in [since, until): both bounds optional. */
export function inRange(version: string, since?: string, until?: string): boolean {
  if (since !== undefined && compareVersions(version, since) < 0) return false;
  if (until !== undefined && compareVersions(version, until) >= 0) return false;
  return true;
}
