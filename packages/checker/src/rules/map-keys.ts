import { defineRule, type RuleContext } from '../rule.js';
import { atoi } from '../values.js';
import { contextFamily, type Entry } from '../walk.js';

/** The CPU cache line nginx aligns hash buckets to (ngx_cacheline_size on x86-64). */
const CACHE_LINE = 64;
const align = (n: number, a: number) => Math.ceil(n / a) * a;

/**
 * nginx puts a map's plain keys in a hash whose buckets hold `map_hash_bucket_size` bytes
 * (ngx_hash_init); each key takes a pointer, its length rounded up with two bytes more, and a
 * bucket keeps a pointer free (64-bit build).
 */
const fits = (keyBytes: number, bucket: number) => bucket >= 8 + align(keyBytes + 2, 8) + 8;

/** ASCII lower case, as ngx_hash_add_key folds a key (and nginx then names it). */
const lower = (s: string) => s.replace(/[A-Z]+/g, (c) => c.toLowerCase());

export default defineRule({
  meta: {
    id: 'map-keys',
    description: 'The lines of a map block nginx refuses: wrong word count, a second default, a key twice, a key too long for the hash',
    kind: 'nginx',
    severity: 'error',
    docs: `Each line of a \`map\` block (http and stream) is \`key value;\`, or \`default value;\`, \`hostnames;\`,
\`volatile;\`, \`include file;\`. nginx refuses, with the line:
- any other number of words: \`invalid number of the map parameters\`;
- a second \`default\`: \`duplicate default map parameter\`;
- a key given twice, in any case (keys compare without regard to case): \`conflicting parameter "mail.example.org"\`.

And when the block ends, with no line: nginx keeps the plain keys in a hash whose buckets are
\`map_hash_bucket_size\` bytes (64 by default, rounded up to 64). A key of 47 bytes or more does not fit:
\`could not build map_hash, you should increase map_hash_bucket_size: 64\`. Long URLs or host names
as keys are the usual cause. Set \`map_hash_bucket_size 128;\` (or more) in \`http {}\` (\`stream {}\`)
*above* the first \`map\`: the first map fixes the size, and a \`map_hash_bucket_size\` after it is a
duplicate. Regular expressions and \`default\` are not in that hash; in a \`hostnames\` map, wildcard
names (\`*.example.org\`) are kept a label at a time, so each label must fit.`,
  },
  stage: 'value',
  names: ['map', 'map_hash_bucket_size'],
  directive(entry, ctx) {
    const family = contextFamily(entry);
    if (family !== 'http' && family !== 'stream') return;
    const d = entry.directive;
    // Per family: the size a map_hash_bucket_size asked for, then the size the first map fixed.
    const sizes = ctx.state('map-keys:sizes', () => new Map<string, { asked: number | null; fixed: number | null }>());
    let size = sizes.get(family);
    if (!size) sizes.set(family, (size = { asked: null, fixed: null }));
    if (d.name === 'map_hash_bucket_size') {
      const n = d.argCount === 1 ? atoi(d.argValue(0)) : null;
      // The first map set it already: ngx_conf_set_num_slot finds a value.
      if (size.fixed !== null) ctx.report({ entry, message: '"map_hash_bucket_size" directive is duplicate' });
      else if (n !== null && size.asked === null) size.asked = Number(n);
      return;
    }
    if (!d.block) return;
    size.fixed ??= size.asked === null ? CACHE_LINE : align(size.asked, CACHE_LINE);
    const long = firstLongKey(readLines(entry, ctx), size.fixed);
    if (long) {
      const what = long.label ? `its label "${long.label}" is` : 'the key is';
      ctx.report({
        entry: long.pair,
        message: `could not build map_hash, you should increase map_hash_bucket_size: ${size.fixed}`,
        hint: `${what} ${long.bytes} bytes; set "map_hash_bucket_size ${align(8 + align(long.bytes + 2, 8) + 8, CACHE_LINE)};" above the first map`,
        // Found when the map block ends.
        order: [entry.endSeq],
      });
    }
  },
});

/** A key nginx puts in the map's hash, and whether it is a wildcard name (hashed a label at a time). */
interface HashedKey {
  pair: Entry;
  key: string;
  wildcard: boolean;
}

/**
 * ngx_http_map (and ngx_stream_map) line by line: the word count first; the value is compiled
 * next (the variables rule's), so the key's checks come after it in nginx's order. Returns the
 * keys that go to the hash (`hostnames;` makes wildcard names of the keys after it).
 */
function readLines(map: Entry, ctx: RuleContext): HashedKey[] {
  let defaults = 0;
  let hostnames = false;
  const keys = new Set<string>();
  const hashed: HashedKey[] = [];
  for (const pair of map.children) {
    const d = pair.directive;
    if (d.argCount === 0 && (d.name === 'hostnames' || d.name === 'volatile')) {
      hostnames ||= d.name === 'hostnames';
      continue;
    }
    if (d.argCount !== 1) {
      ctx.report({ entry: pair, message: 'invalid number of the map parameters' });
      continue;
    }
    if (d.name === 'include') continue;
    const afterValue = [pair.seq, 1];
    if (d.name === 'default') {
      if (defaults++) ctx.report({ entry: pair, message: 'duplicate default map parameter', order: afterValue });
      continue;
    }
    if (d.name.startsWith('~')) continue;
    // One leading backslash is taken off before the key is hashed.
    const key = d.name.startsWith('\\') ? d.name.slice(1) : d.name;
    const folded = lower(key);
    // Wildcard names of a hostnames map are compared in forms of their own: only the same text is judged.
    if (keys.has(folded)) ctx.report({ entry: pair, message: `conflicting parameter "${folded}"`, order: afterValue });
    keys.add(folded);
    hashed.push({ pair, key, wildcard: hostnames && (key.startsWith('*.') || key.startsWith('.') || key.endsWith('.*')) });
  }
  return hashed;
}

/**
 * The first hashed key that does not fit in the buckets, if any. Wildcard names
 * (`*.example.org`, `.example.org`, `mail.*`) are kept in hashes of one label each.
 */
function firstLongKey(keys: readonly HashedKey[], bucket: number): { pair: Entry; bytes: number; label?: string } | null {
  for (const { pair, key, wildcard } of keys) {
    // (`.example.org` also matches `example.org`, but that name goes to the wildcard hashes too.)
    const parts = wildcard ? key.split('.') : [key];
    for (const p of parts) {
      const bytes = Buffer.byteLength(p);
      if (!fits(bytes, bucket)) return p === key ? { pair, bytes } : { pair, bytes, label: p };
    }
  }
  return null;
}
