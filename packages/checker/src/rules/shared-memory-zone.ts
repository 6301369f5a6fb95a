import { AFTER_PARSE } from '../engine.js';
import { compareOrder } from '../diagnostic.js';
import { mergeOrder, type MergeModule } from '../http-phases.js';
import { seesWholeConfiguration } from '../whole-configuration.js';
import { cstr } from '../mail/listen.js';
import { defineRule, type RuleContext } from '../rule.js';
import { atoi, offset, size, timeMs, timeSec } from '../values.js';
import { contextFamily, type Entry } from '../walk.js';
import { addPath, pathOf } from '../paths.js';
import { addZone, MIN_ZONE_SIZE, nameAndSize, zonesOf, type Zone } from '../zones.js';

/** `zone=name:size` of limit_req_zone and limit_conn_zone: the name and size, or nginx's message. */
function zoneParam(word: string): { name: string; size: number } | { error: string } {
  const z = nameAndSize(word.slice(5));
  if (!z) return { error: `invalid zone size "${word}"` };
  if (z.bytes < BigInt(MIN_ZONE_SIZE)) return { error: `zone "${word}" is too small` };
  return { name: z.name, size: Number(z.bytes) };
}

/** Zones named in the same block by earlier limit_req / limit_conn statements (their "is duplicate"). */
function limitsOf(ctx: RuleContext, entry: Entry, name: string): Set<string> {
  const byBlock = ctx.state('shared-memory-zone:limits', () => new Map<string, Set<string>>());
  const key = `${name} ${entry.parent ? entry.parent.seq : 'root'}`;
  let seen = byBlock.get(key);
  if (!seen) byBlock.set(key, (seen = new Set()));
  return seen;
}

/** E5 and what nginx's other zone owners check: limit_req, limit_conn, upstream zones and caches. */
export default defineRule({
  meta: {
    id: 'shared-memory-zone',
    description: 'Shared memory zones nginx refuses: a name used for two things, two sizes, a zone never sized, bad limit_req/limit_conn values',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['E5'],
    docs: `Every shared memory zone of a configuration shares one namespace, whatever block declares it:
\`ssl_session_cache shared:SSL:10m\` in \`http {}\` and again in \`mail {}\` are two uses of one
name (\`the shared memory zone "SSL" is already declared for a different use\`), and so are a
\`limit_req_zone\` and an upstream \`zone\` with the same name. A zone must be declared with one
size, \`limit_req_zone\`/\`limit_conn_zone\` may bind a zone to one key only, and a zone that is
only used (\`limit_req zone=one\`, \`proxy_cache one\`, an upstream \`zone one;\` without size)
but never given a size stops nginx after "syntax is ok" (\`zero size shared memory zone\`); a
\`proxy_cache\` (\`fastcgi_cache\`, ...) naming a zone no matching \`*_cache_path\` declares is
found when \`http {}\` is complete (\`"proxy_cache" zone "x" is unknown\`, at its \`}\`). A cache's
directory is its own: no other \`*_cache_path\` or \`*_temp_path\` may name it (\`the same path name
"/var/cache/nginx" used in FILE:LINE and\`).
Also the values of \`limit_req_zone\`, \`limit_req\`, \`limit_conn_zone\` and \`limit_conn\` (in
\`http\` and \`stream\`), with nginx's messages. (\`ssl_session_cache\` values are the
ssl-session-cache rule's, which adds its zones to the same list.)`,
  },
  stage: 'value',
  names: ['ssl_ocsp_cache', 'limit_req_zone', 'limit_req', 'limit_conn_zone', 'limit_conn', 'zone', 'proxy_cache_path', 'fastcgi_cache_path', 'scgi_cache_path', 'uwsgi_cache_path', 'proxy_cache', 'fastcgi_cache', 'scgi_cache', 'uwsgi_cache'],
  directive(entry, ctx) {
    const d = entry.directive;
    const family = contextFamily(entry);
    if (family !== 'http' && family !== 'stream') return;
    const fail = (message: string, at?: number) => ctx.report({ entry, message, line: d.line, range: at === undefined ? d.range : d.args[at]!.range });
    const add = (name: string, bytes: number, tag: string, at: number) => {
      const r = addZone(ctx, name, bytes, tag, entry);
      if ('error' in r) fail(r.error, at);
      return 'zone' in r ? r.zone : null;
    };
    const arg = (i: number) => cstr(d.args[i]!.value);
    switch (d.name) {
      case 'limit_req_zone':
      case 'limit_conn_zone': {
        if (d.argCount < 2 || (family === 'stream' && d.name === 'limit_req_zone')) return;
        let zone: { name: string; size: number; at: number } | null = null;
        for (let i = 1; i < d.argCount; i++) {
          const w = arg(i);
          if (w.startsWith('zone=')) {
            const z = zoneParam(w);
            if ('error' in z) return fail(z.error, i);
            zone = { ...z, at: i };
            continue;
          }
          if (d.name === 'limit_req_zone' && w.startsWith('rate=')) {
            let digits = w.slice(5);
            if (w.endsWith('r/s') || w.endsWith('r/m')) digits = w.length - 3 >= 5 ? w.slice(5, w.length - 3) : '';
            const n = atoi(digits);
            if (n === null || n <= 0n) return fail(`invalid rate "${w}"`, i);
            continue;
          }
          return fail(`invalid parameter "${w}"`, i);
        }
        if (!zone || !zone.name) return fail(`"${d.name}" must have "zone" parameter`);
        const z = add(zone.name, zone.size, `${family}_${d.name.slice(0, -5)}`, zone.at);
        if (!z) return;
        if (z.owner !== null) return fail(`${d.name} "${zone.name}" is already bound to key "${z.owner}"`, zone.at);
        z.owner = arg(0);
        return;
      }
      case 'limit_req': {
        if (family !== 'http') return;
        let zone: string | null = null;
        for (let i = 0; i < d.argCount; i++) {
          const w = arg(i);
          if (w.startsWith('zone=')) {
            zone = w.slice(5);
            if (!add(zone, 0, 'http_limit_req', i)) return;
            continue;
          }
          const numeric = w.startsWith('burst=') ? 'burst' : w.startsWith('delay=') ? 'delay' : null;
          if (numeric) {
            const n = atoi(w.slice(6));
            if (n === null || n <= 0n) return fail(`invalid ${numeric} value "${w}"`, i);
            continue;
          }
          if (w === 'nodelay') continue;
          return fail(`invalid parameter "${w}"`, i);
        }
        if (zone === null) return fail('"limit_req" must have "zone" parameter');
        const seen = limitsOf(ctx, entry, d.name);
        if (seen.has(zone)) return fail('"limit_req" directive is duplicate');
        seen.add(zone);
        return;
      }
      case 'limit_conn': {
        if (d.argCount !== 2) return;
        const zone = arg(0);
        if (!add(zone, 0, `${family}_limit_conn`, 0)) return;
        const seen = limitsOf(ctx, entry, d.name);
        if (seen.has(zone)) return fail(`"limit_conn" directive is duplicate`);
        const n = atoi(arg(1));
        if (n === null || n <= 0n) return fail(`invalid number of connections "${arg(1)}"`, 1);
        if (n > 65535n) return fail('connection limit must be less 65536', 1);
        // only a limit that was accepted makes the next one with its zone a duplicate
        seen.add(zone);
        return;
      }
      case 'zone': {
        // upstream { zone name [size]; }
        if (!entry.context?.endsWith(':upstream') || d.argCount < 1 || d.argCount > 2) return;
        const name = arg(0);
        if (!name) return fail(`invalid zone name "${name}"`, 0);
        let bytes = 0;
        if (d.argCount === 2) {
          const s = size(arg(1));
          if (s === null) return fail(`invalid zone size "${arg(1)}"`, 1);
          if (s < BigInt(MIN_ZONE_SIZE)) return fail(`zone "${name}" is too small`, 0);
          bytes = Number(s);
        }
        add(name, bytes, `${family}_upstream`, 0);
        return;
      }
      case 'ssl_ocsp_cache': {
        // off | shared:name:size; a zone of the ssl module's context, not of its session cache
        if (family !== 'http' || d.argCount !== 1 || arg(0) === 'off') return;
        const w = arg(0);
        const z = w.startsWith('shared:') ? nameAndSize(w.slice(7)) : null;
        if (!z || !z.name) return fail(`invalid OCSP cache "${w}"`, 0);
        if (z.bytes < BigInt(MIN_ZONE_SIZE)) return fail(`OCSP cache "${w}" is too small`, 0);
        add(z.name, Number(z.bytes), 'http_ssl_ocsp', 0);
        return;
      }
      default:
        return cache(ctx, entry, family, add, arg, fail);
    }
  },
  config(ctx) {
    // Only a whole configuration shows every zone's declaration.
    if (!zonesOf(ctx).size || !seesWholeConfiguration(ctx)) return;
    // A cache used where no *_cache_path declared its zone: found when http {} is merged, at its
    // "}". nginx merges module by module, each over the servers and their locations in order,
    // and checks the zone a block ends up with: a server's or location's own, or, in a server
    // that sets none, http's (which no merge checks when every server sets its own).
    const unknown: { use: CacheUse; http: Entry; order: number[] }[] = [];
    for (const use of ctx.state('shared-memory-zone:cache-uses', (): CacheUse[] => [])) {
      if (zonesOf(ctx).get(use.zone)?.owner !== null) continue;
      const block = use.entry.parent;
      if (!block) continue;
      let http: Entry = block;
      while (http.parent) http = http.parent;
      let mergedAt = block.seq;
      if (block === http) {
        const name = use.entry.directive.name;
        const inheriting = http.children.find((c) => c.directive.name === 'server' && !c.children.some((x) => x.directive.name === name));
        if (!inheriting) continue;
        mergedAt = inheriting.seq;
      }
      unknown.push({ use, http, order: mergeOrder(http, use.entry.directive.name.replace('_cache', '') as MergeModule, mergedAt) });
    }
    unknown.sort((a, b) => compareOrder(a.order, b.order));
    const reported = new Set<string>();
    for (const { use, http, order } of unknown) {
      const key = `${use.entry.directive.name} ${use.zone}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const close = http.directive.block?.close;
      if (!close) continue;
      ctx.report({ entry: use.entry, message: `"${use.entry.directive.name}" zone "${use.zone}" is unknown`, line: close.start.line, range: close, file: http.file, order });
    }
    for (const [name, zone] of zonesOf(ctx)) {
      if (zone.size) continue;
      ctx.report({ entry: zone.first, message: `zero size shared memory zone "${name}"`, order: [AFTER_PARSE, 1.5] });
    }
  },
});

/**
 * The parameters of the *_cache_path directives other than keys_zone: the prefix, how nginx
 * reads the value after it, and the word of its message (`invalid inactive value "..."`).
 */
const CACHE_PATH_PARAMS: [prefix: string, valid: (v: string) => boolean, what: string][] = [
  // levels=1:2 — up to three levels of one or two characters
  ['levels=', (v) => /^([12](:[12]){0,2})?$/.test(v), ''],
  ['use_temp_path=', (v) => v === 'on' || v === 'off', 'use_temp_path'],
  ['inactive=', (v) => timeSec(v) !== null, 'inactive'],
  ['max_size=', (v) => offset(v) !== null, 'max_size'],
  ['min_free=', (v) => offset(v) !== null, 'min_free'],
  ['loader_files=', (v) => atoi(v) !== null, 'loader_files'],
  ['loader_sleep=', (v) => timeMs(v) !== null, 'loader_sleep'],
  ['loader_threshold=', (v) => timeMs(v) !== null, 'loader_threshold'],
  ['manager_files=', (v) => atoi(v) !== null, 'manager_files'],
  ['manager_sleep=', (v) => timeMs(v) !== null, 'manager_sleep'],
  ['manager_threshold=', (v) => timeMs(v) !== null, 'manager_threshold'],
];

function cacheParamError(w: string): string | null {
  for (const [prefix, valid, what] of CACHE_PATH_PARAMS) {
    if (!w.startsWith(prefix)) continue;
    if (valid(w.slice(prefix.length))) return null;
    if (prefix === 'levels=') return `invalid "levels" "${w}"`;
    return prefix === 'use_temp_path=' ? `invalid use_temp_path value "${w}", it must be "on" or "off"` : `invalid ${what} value "${w}"`;
  }
  return `invalid parameter "${w}"`;
}


/** A *_cache statement and the zone it names, checked once http {} is read. */
interface CacheUse {
  entry: Entry;
  zone: string;
}

/** The *_cache_path parameters and `keys_zone=name:size` (2 pages at least), and the zone a *_cache statement uses. */
function cache(ctx: RuleContext, entry: Entry, family: string, add: (name: string, bytes: number, tag: string, at: number) => Zone | null, arg: (i: number) => string, fail: (message: string, at?: number) => void): void {
  if (family !== 'http') return;
  const d = entry.directive;
  // proxy_cache_path belongs to the proxy module, fastcgi_cache_path to fastcgi...: a zone of one is not the other's
  const tag = `http_${d.name.slice(0, d.name.indexOf('_cache'))}_cache`;
  if (d.name.endsWith('_cache_path')) {
    let zone: { name: string; size: number; at: number } | null = null;
    for (let i = 1; i < d.argCount; i++) {
      const w = arg(i);
      if (w.startsWith('keys_zone=')) {
        const z = nameAndSize(w.slice(10));
        if (!z) return fail(`invalid keys zone size "${w}"`, i);
        if (z.bytes < BigInt(2 * 4096)) return fail(`keys zone "${w}" is too small`, i);
        zone = { name: z.name, size: Number(z.bytes), at: i };
        continue;
      }
      const error = cacheParamError(w);
      if (error) return fail(error, i);
    }
    if (!zone || !zone.name || !zone.size) return fail(`"${d.name}" must have "keys_zone" parameter`);
    // The directory joins the configuration's list before the zone is added (a cache's own).
    let levels: number[] = [];
    for (let i = 1; i < d.argCount; i++) if (arg(i).startsWith('levels=')) levels = arg(i).slice(7).split(':').map(Number);
    const pathMessage = addPath(ctx, { ...pathOf(arg(0)), levels, owner: entry, file: entry.file, line: d.line });
    if (pathMessage) return fail(pathMessage, 0);
    const z = add(zone.name, zone.size, tag, zone.at);
    if (!z) return;
    if (z.owner !== null) return fail(`duplicate zone "${zone.name}"`, zone.at);
    z.owner = 'cache';
    return;
  }
  // `proxy_cache off`, or a zone name; a name with variables is looked up per request
  if (d.argCount !== 1) return;
  const w = arg(0);
  if (w === 'off' || w.includes('$')) return;
  if (add(w, 0, tag, 0)) ctx.state('shared-memory-zone:cache-uses', (): CacheUse[] => []).push({ entry, zone: w });
}
