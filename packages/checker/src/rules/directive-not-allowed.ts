import { defineRule } from '../rule.js';

/** A2: the name exists, but no module accepts it in this context. */
export default defineRule({
  meta: {
    id: 'directive-not-allowed',
    description: 'A known directive used in a context that does not accept it',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['A2', 'B2', 'B3', 'B8', 'C11'],
    docs: `nginx says \`"X" directive is not allowed here\` when some module defines the name but none
accepts it where it stands: \`listen\` and \`protocol\` belong in \`mail { server { } }\`, not in
\`mail {}\`; http directives such as \`root\` or \`location\` mean nothing in \`mail\`; \`mail\` itself
only stands at the top level.`,
  },
  stage: 'statement',
  directive(entry, ctx) {
    if (!entry.known || entry.spec) return;
    const d = entry.directive;
    const where = entry.context ? describeContext(entry.context) : 'here';
    const family = (entry.context ?? 'main').split(':')[0];
    const contexts = ctx.profile
      .lookup(d.name)
      .flatMap((s) => s.contexts)
      .filter((c, i, a) => a.indexOf(c) === i);
    // Where it belongs in the family of the current block first: that is what the user meant.
    const allowed = [...contexts.filter((c) => c.split(':')[0] === family), ...contexts.filter((c) => c.split(':')[0] !== family)].map(describeContext);
    ctx.report({
      entry,
      message: `"${d.name}" directive is not allowed here`,
      hint: allowed.length ? `in ${where}; it belongs in ${allowed.slice(0, 4).join(', ')}` : undefined,
    });
  },
});

function describeContext(c: string): string {
  switch (c) {
    case 'main':
      return 'the main context';
    case 'mail:server':
      return 'mail server {}';
    case 'http:server':
      return 'http server {}';
    case 'stream:server':
      return 'stream server {}';
    case 'http:if-server':
      return 'http if {} in a server';
    case 'http:if-location':
      return 'http if {} in a location';
    default:
      return `${c.replace(':', ' ')} {}`;
  }
}
