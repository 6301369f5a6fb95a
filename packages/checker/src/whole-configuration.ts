import type { RuleContext } from './rule.js';

/**
 * Whether the checker sees everything nginx would: the file is a whole configuration (not a
 * fragment checked with --context) and every include was found. Checks that need all of a
 * block's definitions (zones, variables) stay quiet otherwise, rather than call a name
 * unknown that an unseen file defines.
 */
export function seesWholeConfiguration(ctx: RuleContext): boolean {
  if ((ctx.options.context ?? 'main') !== 'main' || ctx.set.issues.length) return false;
  const all = ctx.walk.all;
  for (let i = 0; i < all.length; i++) if (all[i]!.directive.name === 'include' && !ctx.set.includes.has(all[i]!.directive)) return false;
  return true;
}
