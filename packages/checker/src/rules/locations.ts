import { HTTP_PHASE } from '../http-phases.js';
import { defineRule } from '../rule.js';
import type { Entry } from '../walk.js';

/** How nginx files a location (ngx_http_core_location): its name and kind. */
interface Location {
  entry: Entry;
  /** The URI, the regex without its `~`/`~*`, or `@name`. */
  name: string;
  kind: 'exact' | 'prefix' | 'regex' | 'named';
}

/**
 * nginx's checks of locations: the modifier, what may nest in what (while reading), and
 * `duplicate location "/x"` — two prefix locations (plain or `^~`), or two exact ones, with the
 * same URI in one block, found when nginx builds its location trees after http {} is read
 * (ngx_http_join_exact_locations), server by server, nested locations first.
 */
export default defineRule({
  meta: {
    id: 'locations',
    description: 'Location modifiers, nesting, and two prefix or two exact locations with the same URI in one block',
    kind: 'nginx',
    severity: 'error',
    docs: `How nginx reads \`location\` blocks:
- the modifier is \`=\`, \`^~\`, \`~\` or \`~*\` (\`invalid location modifier "=="\`);
- a location cannot be nested in an exact (\`=\`) or a named (\`@\`) one, a named location stands
  only directly in a server, and a nested prefix location must start with its parent's URI or
  regex text (\`location "/api" is outside location "/auth"\`);
- \`duplicate location "/path"\`: a second \`location /path\` (or \`location ^~ /path\`, which is
  the same prefix) in the same server or location, or a second \`location = /path\`. An exact and
  a prefix location may share a URI; regex locations are not compared, and neither are the
  locations nested inside them. nginx finds this when http {} is complete, after every
  statement is read.`,
  },
  stage: 'value',
  names: ['location'],
  directive(entry, ctx) {
    const d = entry.directive;
    if (entry.context !== 'http:server' && entry.context !== 'http:location') return;
    if (d.argCount === 2 && !['=', '^~', '~', '~*'].includes(d.argValue(0))) {
      return ctx.report({ entry, message: `invalid location modifier "${d.argValue(0)}"`, range: d.args[0]!.range });
    }
    const parent = entry.parent;
    if (entry.context !== 'http:location' || !parent) return;
    const self = locationOf(entry);
    const outer = locationOf(parent);
    if (!self || !outer) return;
    let message: string | null = null;
    if (outer.kind === 'exact') message = `location "${self.name}" cannot be inside the exact location "${outer.name}"`;
    else if (outer.kind === 'named') message = `location "${self.name}" cannot be inside the named location "${outer.name}"`;
    else if (self.kind === 'named') message = `named location "${self.name}" can be on the server level only`;
    else if (self.kind !== 'regex' && !self.name.startsWith(outer.name)) message = `location "${self.name}" is outside location "${outer.name}"`;
    if (message) ctx.report({ entry, message });
  },
  config(ctx) {
    for (const http of ctx.walk.roots) {
      if (http.directive.name !== 'http' || http.context !== 'main') continue;
      const found: Entry[] = [];
      for (const server of http.children) if (server.directive.name === 'server' && server.context === 'http') level(server, found);
      found.forEach((entry, k) => {
        ctx.report({ entry, message: `duplicate location "${locationOf(entry)!.name}"`, order: [http.endSeq, HTTP_PHASE.locations, k] });
      });
    }
  },
});

/** One block's locations: those nested in them first, then the block's own, in nginx's sorted order. */
function level(block: Entry, found: Entry[]): void {
  const locations: Location[] = [];
  for (const c of block.children) {
    if (c.directive.name !== 'location' || !c.directive.block) continue;
    const l = locationOf(c);
    // Regex and named locations are not in the tree, nor what is nested in them.
    if (l && (l.kind === 'exact' || l.kind === 'prefix')) locations.push(l);
  }
  // ngx_http_cmp_locations: by name, an exact location before a prefix one; otherwise as written.
  locations.sort((a, b) => filenameCmp(a.name, b.name) || (a.kind === b.kind ? 0 : a.kind === 'exact' ? -1 : 1));
  for (const l of locations) level(l.entry, found);
  let kept = { name: '', exact: false, prefix: false };
  for (let i = 0; i < locations.length; i++) {
    const l = locations[i]!;
    const exact = l.kind === 'exact';
    if (i > 0 && l.name === kept.name) {
      if ((kept.exact && exact) || (kept.prefix && !exact)) found.push(l.entry);
      // The two are joined into one node: exact from the first, prefix from the second.
      kept = { name: l.name, exact: kept.exact, prefix: !exact };
      continue;
    }
    kept = { name: l.name, exact, prefix: !exact };
  }
}

/** ngx_filename_cmp: byte order, but "/" below every other character. */
function filenameCmp(a: string, b: string): number {
  for (let i = 0; ; i++) {
    if (i === a.length || i === b.length) return a.length - b.length;
    let c1 = a.charCodeAt(i);
    let c2 = b.charCodeAt(i);
    if (c1 === c2) continue;
    c1 = c1 === 47 ? 0 : c1;
    c2 = c2 === 47 ? 0 : c2;
    return c1 - c2;
  }
}

/** The name and kind nginx files a location under; null when its arguments are not a location's. */
function locationOf(e: Entry): Location | null {
  const d = e.directive;
  if (d.name !== 'location') return null;
  if (d.argCount === 2) {
    const name = d.argValue(1);
    switch (d.argValue(0)) {
      case '=':
        return { entry: e, name, kind: 'exact' };
      case '^~':
        return { entry: e, name, kind: 'prefix' };
      case '~':
      case '~*':
        return { entry: e, name, kind: 'regex' };
      default:
        return null;
    }
  }
  if (d.argCount !== 1) return null;
  const v = d.argValue(0);
  if (v.startsWith('=')) return { entry: e, name: v.slice(1), kind: 'exact' };
  if (v.startsWith('^~')) return { entry: e, name: v.slice(2), kind: 'prefix' };
  if (v.startsWith('~')) return { entry: e, name: v.slice(v.startsWith('~*') ? 2 : 1), kind: 'regex' };
  return { entry: e, name: v, kind: v.startsWith('@') ? 'named' : 'prefix' };
}
