import { mergeOrder, type MergeModule } from '../http-phases.js';
import { cstr } from '../mail/listen.js';
import { defineRule, type RuleContext } from '../rule.js';
import { atoi, size } from '../values.js';
import type { Entry } from '../walk.js';

/** The modules whose merge checks their buffers, in the order nginx's build merges them (ngx_modules.c). */
const MODULES: MergeModule[] = ['proxy', 'fastcgi', 'uwsgi', 'scgi'];
/** One memory page: the default buffer size, 8 of them the default buffers. */
const PAGE = 4096;

/** A module's buffer settings of one block (undefined where the block sets none). */
interface Buffers {
  bufferSize?: number;
  bufs?: { num: number; size: number };
  busy?: number;
  tempWrite?: number;
  maxTemp?: number;
}

/** Blocks merged into server and location configurations: servers, locations, and what nests in them. */
const MERGED = new Set(['server', 'location', 'if', 'limit_except']);

/** The one-size settings, by the name after the module's prefix. */
const SIZES = new Map<string, 'bufferSize' | 'busy' | 'tempWrite' | 'maxTemp'>([
  ['_buffer_size', 'bufferSize'],
  ['_busy_buffers_size', 'busy'],
  ['_temp_file_write_size', 'tempWrite'],
  ['_max_temp_file_size', 'maxTemp'],
]);

/** A block's own values, or null when one is unreadable (its own rule reports it; nginx never gets here). */
function ownBuffers(block: Entry, p: string): Buffers | null {
  const out: Buffers = {};
  for (const c of block.children) {
    const d = c.directive;
    if (!d.name.startsWith(p) || d.argCount === 0) continue;
    const suffix = d.name.slice(p.length);
    if (suffix === '_buffers') {
      if (d.argCount !== 2) return null;
      const n = atoi(cstr(d.argValue(0)));
      const s = size(cstr(d.argValue(1)));
      if (n === null || s === null || n === 0n || s === 0n) return null;
      out.bufs = { num: Number(n), size: Number(s) };
      continue;
    }
    const key = SIZES.get(suffix);
    if (!key) continue;
    const v = size(cstr(d.argValue(0)));
    if (v === null) return null;
    out[key] = Number(v);
  }
  return out;
}

/** The checks of ngx_http_{proxy,fastcgi,uwsgi,scgi}_merge_loc_conf on merged values: the first that fails, or null. */
function mergeError(p: string, b: Buffers): string | null {
  const bufs = b.bufs ?? { num: 8, size: PAGE };
  if (bufs.num < 2) return `there must be at least 2 "${p}_buffers"`;
  const size = Math.max(b.bufferSize ?? PAGE, bufs.size);
  const busy = b.busy ?? 2 * size;
  if (busy < size) return `"${p}_busy_buffers_size" must be equal to or greater than the maximum of the value of "${p}_buffer_size" and one of the "${p}_buffers"`;
  if (busy > (bufs.num - 1) * bufs.size) return `"${p}_busy_buffers_size" must be less than the size of all "${p}_buffers" minus one buffer`;
  if ((b.tempWrite ?? 2 * size) < size) return `"${p}_temp_file_write_size" must be equal to or greater than the maximum of the value of "${p}_buffer_size" and one of the "${p}_buffers"`;
  const maxTemp = b.maxTemp ?? 1024 * 1024 * 1024;
  if (maxTemp !== 0 && maxTemp < size) return `"${p}_max_temp_file_size" must be equal to zero to disable temporary files usage or must be equal to or greater than the maximum of the value of "${p}_buffer_size" and one of the "${p}_buffers"`;
  return null;
}

/** Merge-time checks of the upstream modules' buffers. */
export default defineRule({
  meta: {
    id: 'upstream-buffers',
    description: 'proxy, fastcgi, uwsgi and scgi buffer sizes that do not fit together where a server or location ends up with them',
    kind: 'nginx',
    severity: 'error',
    docs: `When \`http {}\` is complete, nginx merges every server and location with the blocks around it and
checks the buffers each ends up with (for \`proxy_\`, and the same for \`fastcgi_\`, \`uwsgi_\` and
\`scgi_\`): at least 2 \`proxy_buffers\`; \`proxy_busy_buffers_size\` at least the larger of
\`proxy_buffer_size\` and one buffer, and less than all buffers but one; \`proxy_temp_file_write_size\`
at least that larger size; \`proxy_max_temp_file_size\` 0 or at least it. Defaults: one memory page
(4k) for \`proxy_buffer_size\`, \`8 4k\` buffers, and twice the larger size for the busy and
temp-file sizes — so \`proxy_buffer_size 64k\` alone fails (busy 128k > 7 × 4k). nginx reports it
at the \`}\` of \`http {}\`; values set in \`http {}\` only are checked where a server inherits them.`,
  },
  config(ctx) {
    for (const http of ctx.walk.roots) {
      if (http.directive.name !== 'http' || ctx.invalid.has(http) || !http.directive.block?.close) continue;
      for (const p of MODULES) checkModule(ctx, http, p);
    }
  },
});

function checkModule(ctx: RuleContext, http: Entry, p: MergeModule): void {
  const top = ownBuffers(http, p);
  if (!top) return;
  const close = http.directive.block!.close!;
  const reported = new Set<string>();
  const visit = (block: Entry, inherited: Buffers): boolean => {
    const own = ownBuffers(block, p);
    if (!own) return false;
    const merged = { ...inherited, ...own };
    const error = mergeError(p, merged);
    if (error) {
      if (!reported.has(error)) {
        reported.add(error);
        ctx.report({ entry: block, message: error, file: http.file, line: close.start.line, range: close, order: mergeOrder(http, p, block.seq), hint: `in the ${block.directive.name} block on line ${block.directive.line}` });
      }
      // nginx stops at the first; the blocks inside would repeat the same values
      return true;
    }
    for (const c of block.children) if (MERGED.has(c.directive.name) && c.directive.block && !ctx.invalid.has(c)) visit(c, merged);
    return true;
  };
  for (const server of http.children) if (server.directive.name === 'server' && server.directive.block && !ctx.invalid.has(server)) visit(server, top);
}
