import { mergeOrder } from '../http-phases.js';
import { defineRule } from '../rule.js';
import type { Entry } from '../walk.js';

/**
 * What the referer module's merge checks (ngx_http_referer_merge_conf), for each server and
 * location with valid_referers of its own: `none` or `blocked` need at least one host name
 * beside them. Regexes do not count — nginx keeps them apart from the names it checks here.
 */
export default defineRule({
  meta: {
    id: 'valid-referers',
    description: '`valid_referers none` or `blocked` with no host name beside them (regexes do not count)',
    kind: 'nginx',
    severity: 'error',
    docs: `\`valid_referers none blocked ~\\.example\\.org;\` fails \`nginx -t\`: \`the "none" or "blocked" referers
are specified in the "valid_referers" directive without any valid referer\`. nginx counts only host
names (\`example.org\`, \`*.example.org\`, \`example.*\`, or the server's names with \`server_names\`) as
valid referers here; a \`~regex\` is matched too, but does not count. Add the host name, even if a
regex already covers it. nginx finds this when the block is merged, after reading, and names no
line: mailconf names the block's \`valid_referers\`.`,
  },
  config(ctx) {
    for (const http of ctx.walk.roots) {
      if (http.directive.name !== 'http' || http.context !== 'main' || !http.directive.block) continue;
      // Servers, then their locations, nested ones after their parent: the order of the merges.
      const stack = http.children.filter((c) => c.directive.name === 'server' && c.directive.block).reverse();
      while (stack.length) {
        const block = stack.pop()!;
        check(block, http);
        for (let i = block.children.length - 1; i >= 0; i--) {
          const c = block.children[i]!;
          if (c.directive.name === 'location' && c.directive.block) stack.push(c);
        }
      }
    }

    function check(block: Entry, http: Entry): void {
      const own = block.children.filter((c) => c.directive.name === 'valid_referers' && !ctx.invalid.has(c));
      if (!own.length) return;
      let flagged = false;
      let names = false;
      for (const e of own) {
        for (let i = 0; i < e.directive.argCount; i++) {
          const v = e.directive.argValue(i);
          if (v === 'none' || v === 'blocked') flagged = true;
          // `server_names` adds the server's names: not judged (a server's names may all be regexes).
          else if (!v.startsWith('~')) names = true;
        }
      }
      if (!flagged || names) return;
      ctx.report({
        entry: own[0]!,
        message: 'the "none" or "blocked" referers are specified in the "valid_referers" directive without any valid referer',
        hint: 'a ~regex does not count: add a host name',
        order: mergeOrder(http, 'referer', block.seq),
      });
    }
  },
});
