/** One word of ssl_session_cache (mail-directives.md §2.13). */
import { atoi } from '../values.js';
import { MIN_ZONE_SIZE, nameAndSize } from '../zones.js';

export type SessionCacheWord =
  | { ok: true; off?: boolean; none?: boolean; builtin?: number; shared?: { name: string; size: number } }
  | { ok: false; error: string };

export function parseSessionCache(word: string): SessionCacheWord {
  if (word === 'off') return { ok: true, off: true };
  if (word === 'none') return { ok: true, none: true };
  if (word === 'builtin') return { ok: true, builtin: 20480 };
  if (word.startsWith('builtin:')) {
    const n = atoi(word.slice(8));
    if (n === null) return { ok: false, error: `invalid session cache "${word}"` };
    return { ok: true, builtin: Number(n) };
  }
  if (word.startsWith('shared:')) {
    const z = nameAndSize(word.slice(7));
    if (!z || !z.name) return { ok: false, error: `invalid session cache "${word}"` };
    if (z.bytes < BigInt(MIN_ZONE_SIZE)) return { ok: false, error: `session cache "${word}" is too small` };
    return { ok: true, shared: { name: z.name, size: Number(z.bytes) } };
  }
  return { ok: false, error: `invalid session cache "${word}"` };
}
