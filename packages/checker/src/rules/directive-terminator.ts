import { defineRule } from '../rule.js';
import { missingSemicolonFix } from '../fixes.js';

/** A3/A4: a simple directive opened with `{`, or a block directive ended with `;`. */
export default defineRule({
  meta: {
    id: 'directive-terminator',
    description: 'A simple directive followed by `{`, or a block directive followed by `;`',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['A3', 'A4'],
    fixable: true,
    docs: `Block directives (\`mail\`, \`server\`, \`events\` ...) must open a block; the others end with
\`;\`. A \`{\` after a simple directive often comes from a \`$\` followed by a space before \`{x}\`,
or from a missing \`;\` on the line before a block.`,
  },
  stage: 'statement',
  directive(entry, ctx) {
    const d = entry.directive;
    const spec = entry.spec;
    if (!spec || !d.terminator) return;
    if (spec.block && d.terminator === ';') {
      ctx.report({ entry, message: `directive "${d.name}" has no opening "{"` });
    } else if (!spec.block && d.terminator === '{') {
      const fix = missingSemicolonFix(entry, ctx.profile);
      ctx.report({ entry, message: `directive "${d.name}" is not terminated by ";"`, ...(fix ? { hint: fix.description, fix } : {}) });
    }
  },
});
