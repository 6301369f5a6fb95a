/**
 * Shared memory zones, as nginx's ngx_shared_memory_add keeps them: one list for the whole
 * configuration, filled in reading order by every directive that declares a zone (with a size)
 * or uses one (size 0), whatever its block — `ssl_session_cache shared:SSL:10m` in `http {}` and
 * again in `mail {}` is the same name for two different uses, which nginx refuses.
 */
import type { RuleContext } from './rule.js';
import { size } from './values.js';
import type { Entry } from './walk.js';

/** 8 pages of 4 KiB: the smallest zone nginx accepts on the platforms it is built for. */
export const MIN_ZONE_SIZE = 8 * 4096;

export interface Zone {
  size: number;
  /** Who owns it: nginx compares the module that added it (`http_limit_req`, `mail_ssl`, ...). */
  tag: string;
  /**
   * What took the zone for itself (nginx's shm_zone->data): the key of the limit_req_zone or
   * limit_conn_zone that bound it, as written, or `cache` for a *_cache_path.
   */
  owner: string | null;
  /** The first statement that named the zone, for reports about the zone as a whole. */
  first: Entry;
}

export function zonesOf(ctx: RuleContext): Map<string, Zone> {
  return ctx.state('shared-memory-zones', () => new Map<string, Zone>());
}

/**
 * ngx_shared_memory_add: the zone (added when new), or nginx's message when the name is taken
 * by another module or declared with another size. A size of 0 uses a zone without sizing it.
 */
export function addZone(ctx: RuleContext, name: string, size: number, tag: string, entry: Entry): { zone: Zone } | { error: string } {
  const zones = zonesOf(ctx);
  const zone = zones.get(name);
  if (!zone) {
    const added: Zone = { size, tag, owner: null, first: entry };
    zones.set(name, added);
    return { zone: added };
  }
  if (zone.tag !== tag) return { error: `the shared memory zone "${name}" is already declared for a different use` };
  if (zone.size === 0) zone.size = size;
  if (size && size !== zone.size) return { error: `the size ${size} of shared memory zone "${name}" conflicts with already declared size ${zone.size}` };
  return { zone };
}

/** `name:size` after a parameter's prefix, as the zone owners read it (up to the first ":", then ngx_parse_size); null when either is missing. */
export function nameAndSize(rest: string): { name: string; bytes: bigint } | null {
  const colon = rest.indexOf(':');
  const bytes = colon === -1 ? null : size(rest.slice(colon + 1));
  return bytes === null ? null : { name: rest.slice(0, colon), bytes };
}
