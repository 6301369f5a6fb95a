/** One word of ssl_session_cache (mail-directives.md §2.13). */
import { atoi, size } from '../values.js';

const PAGE = 4096;

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
    const rest = word.slice(7);
    const colon = rest.indexOf(':');
    if (colon <= 0) return { ok: false, error: `invalid session cache "${word}"` };
    const name = rest.slice(0, colon);
    const s = size(rest.slice(colon + 1));
    if (s === null) return { ok: false, error: `invalid session cache "${word}"` };
    if (s < BigInt(8 * PAGE)) return { ok: false, error: `session cache "${word}" is too small` };
    return { ok: true, shared: { name, size: Number(s) } };
  }
  return { ok: false, error: `invalid session cache "${word}"` };
}
