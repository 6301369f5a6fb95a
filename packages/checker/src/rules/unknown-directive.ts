import { defineRule } from '../rule.js';
import { suggestion } from '../suggest.js';
import { cstr } from '../mail/listen.js';
import type { RuleContext } from '../rule.js';
import type { Entry } from '../walk.js';

/** A1: no loaded module defines the name. */
export default defineRule({
  meta: {
    id: 'unknown-directive',
    description: 'A directive no module of the target nginx build defines',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['A1', 'B4'],
    docs: `nginx stops with \`unknown directive "X"\` when no loaded module defines the name. Names are
case-sensitive (\`Listen\` is unknown), and directives of modules your build lacks (perl, lua,
headers-more, commercial ones) are unknown too. Check the spelling, or the \`--nginx-version\`:
\`ssl\` is gone from 1.25.1 on, \`ssl_certificate_compression\` only exists from 1.29.1.`,
  },
  stage: 'statement',
  directive(entry, ctx) {
    if (entry.known && !loadedTooLate(entry, ctx)) return;
    const name = cstr(entry.directive.name);
    ctx.report({ entry, message: `unknown directive "${name}"`, hint: suggestion(name, ctx.profile.namesIn(entry.context!)) });
  },
});

/**
 * Debian builds mail and stream as dynamic modules. When the configuration loads one with
 * `load_module` only after its block, nginx does not know the block's name yet (B4). A
 * configuration without any load_module for it is taken to load it elsewhere (the stock
 * nginx.conf includes modules-enabled/), as the oracle does.
 */
function loadedTooLate(entry: Entry, ctx: RuleContext): boolean {
  const d = entry.directive;
  if (entry.context !== 'main' || (d.name !== 'mail' && d.name !== 'stream')) return false;
  const module = `ngx_${d.name}_module`;
  // Statements in the main context are the top level's (includes expanded).
  const loads = ctx.walk.roots.filter(
    (e) => e.context === 'main' && e.directive.name === 'load_module' && e.directive.args[0]?.value.includes(module),
  );
  return loads.length > 0 && loads.every((l) => l.seq > entry.seq);
}
