import { fitsArity, type Arity } from '@mailconf/schema';
import { defineRule } from '../rule.js';
import { missingSemicolonFix } from '../fixes.js';

/** A5: the number of arguments does not fit the directive. */
export default defineRule({
  meta: {
    id: 'argument-count',
    description: 'Wrong number of arguments for the directive',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['A5', 'E10'],
    fixable: true,
    docs: `nginx checks each directive's argument count (\`invalid number of arguments in "X" directive\`).
The most common cause is a missing \`;\`: the next line's directive becomes extra arguments.
mailconf then points at the word that starts the next statement and \`--fix\` inserts the \`;\`.`,
  },
  stage: 'statement',
  directive(entry, ctx) {
    const spec = entry.spec;
    const d = entry.directive;
    if (!spec || !d.terminator) return;
    if (fitsArity(spec.arity, d.argCount)) return;
    const fix = missingSemicolonFix(entry, ctx.profile);
    ctx.report({
      entry,
      message: `invalid number of arguments in "${d.name}" directive`,
      ...(fix ? { hint: fix.description, fix } : { hint: expected(spec.arity) }),
    });
  },
});

function expected(arity: Arity): string {
  switch (arity.kind) {
    case 'any':
      return 'any number of arguments';
    case 'flag':
      return 'expects on or off';
    case 'min':
      return `expects at least ${arity.min} argument${arity.min > 1 ? 's' : ''}`;
    case 'counts': {
      const c = arity.counts;
      const words = c.length === 1 ? `${c[0]}` : `${c.slice(0, -1).join(', ')} or ${c[c.length - 1]}`;
      return `expects ${words} argument${c.length === 1 && c[0] === 1 ? '' : 's'}`;
    }
  }
}
