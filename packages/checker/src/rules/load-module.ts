import * as path from 'node:path';
import { defineRule } from '../rule.js';

/** B5, B6: load_module after a block, or the same module twice. */
export default defineRule({
  meta: {
    id: 'load-module',
    description: 'load_module after a block, or the same module loaded twice',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['B5', 'B6'],
    docs: `\`load_module\` must come before any block (\`events\`, \`http\`, \`mail\`, \`stream\`), and each
module may be loaded once.`,
  },
  stage: 'value',
  appliesTo: (_spec, context) => context === 'main',
  directive(entry, ctx) {
    const d = entry.directive;
    if (entry.context !== 'main') return;
    const state = ctx.state('load-module', () => ({ blockSeen: false, loaded: new Map<string, number>() }));
    if (d.block) {
      state.blockSeen = true;
      return;
    }
    if (d.name !== 'load_module' || d.argCount !== 1) return;
    if (state.blockSeen) return ctx.report({ entry, message: '"load_module" directive is specified too late' });
    const module = path.basename(d.argValue(0)).replace(/\.so$/, '');
    if (state.loaded.has(module)) return ctx.report({ entry, message: `module "${module}" is already loaded` });
    state.loaded.set(module, d.line);
  },
});
