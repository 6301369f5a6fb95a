/**
 * The directories nginx keeps one list of for the whole configuration (ngx_add_path): the
 * temporary directories (`*_temp_path`) and the cache directories (`*_cache_path`). A name
 * may stand twice only for two temporary directories with the same levels; a cache's
 * directory is its own. Default directories, added when http {} is merged, depend on the build
 * and are not in the list.
 */
import type { RuleContext } from './rule.js';

export interface ConfigPath {
  /** As nginx names it: one trailing `/` taken off. */
  name: string;
  /**
   * As nginx compares it (ngx_strcmp on the C string): an absolute name keeps its `/` there
   * (only its length was cut, so `/a/` and `/a` differ); a relative one is copied behind the
   * prefix without it (relative names stay relative here).
   */
  key: string;
  /** Up to three levels, 0 for none. */
  levels: readonly number[];
  /** `temp` for every temporary directory; a cache is an owner of its own. */
  owner: 'temp' | object;
  file: string;
  line: number;
}

/** The name and comparison key of a directory as written. */
export function pathOf(written: string): { name: string; key: string } {
  const name = written.endsWith('/') ? written.slice(0, -1) : written;
  return { name, key: written.startsWith('/') ? written : name };
}

/** Adds a directory to the configuration's list: nginx's message when it may not stand there, or null. */
export function addPath(ctx: RuleContext, path: ConfigPath): string | null {
  const paths = ctx.state('config-paths', (): ConfigPath[] => []);
  const earlier = paths.find((p) => p.key === path.key);
  if (!earlier) {
    paths.push(path);
    return null;
  }
  if (earlier.owner !== path.owner) return `the same path name "${earlier.name}" used in ${earlier.file}:${earlier.line} and`;
  for (let n = 0; n < 3; n++) {
    if ((earlier.levels[n] ?? 0) !== (path.levels[n] ?? 0)) return `the same path name "${earlier.name}" in ${earlier.file}:${earlier.line} has the different levels than`;
    if (!earlier.levels[n]) break;
  }
  return null;
}
