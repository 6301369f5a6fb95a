/** `on`/`off` values (ngx_conf_set_flag_slot; config-language.md §10.5). */

/** true for `on`, false for `off` (any letter case); null for anything else. */
export function parseFlag(s: string): boolean | null {
  const lower = s.toLowerCase();
  if (lower === 'on') return true;
  if (lower === 'off') return false;
  return null;
}
