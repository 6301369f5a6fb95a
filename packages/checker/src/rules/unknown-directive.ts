import { defineRule } from '../rule.js';
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

/** The closest name allowed here, for typos (`imap_capabilites`). */
function suggestion(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4));
  for (const c of candidates) {
    if (c === name) continue;
    if (Math.abs(c.length - name.length) > bestDistance) continue;
    const d = distance(name.toLowerCase(), c);
    if (d <= bestDistance && (d < bestDistance || !best)) {
      best = c;
      bestDistance = d;
    }
  }
  return best ? `did you mean "${best}"?` : undefined;
}

function distance(a: string, b: string): number {
  const prev = new Array(b.length + 1).fill(0).map((_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
