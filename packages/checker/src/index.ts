export * from './model.js';
export * from './diagnostic.js';
export type { CheckOptions, RuleMeta, Rule, RuleLevel } from './rule.js';
export { checkConfigSet, type CheckResult } from './engine.js';
export { rules, BUILTIN_IDS } from './rules/index.js';
export { walk, type Entry, type WalkResult } from './walk.js';
export { parseListen } from './mail/listen.js';
export { applyFixes } from './apply-fixes.js';
export { SETTING_NAMES, WELL_KNOWN_PORTS } from './mail/model-builder.js';
