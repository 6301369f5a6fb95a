import { defineRule } from '../rule.js';
import { AFTER_PARSE } from '../engine.js';

/** B9: a whole configuration without events {}. */
export default defineRule({
  meta: {
    id: 'missing-events',
    description: 'A main configuration without an events {} block',
    kind: 'nginx',
    severity: 'warning',
    nginxChecks: ['B9'],
    docs: `nginx refuses to start without \`events {}\` (\`no "events" section in configuration\`). A snippet
that is included into a full nginx.conf may leave it out, which is why this is a warning by
default: set the rule to \`error\` when you lint complete configurations.`,
  },
  config(ctx) {
    if ((ctx.options.context ?? 'main') !== 'main') return;
    if (ctx.walk.roots.some((e) => e.directive.name === 'events' && e.directive.block)) return;
    ctx.report({
      message: 'no "events" section in configuration',
      file: ctx.set.main.path,
      line: 1,
      range: ctx.set.main.lines.range(0, 0),
      order: [AFTER_PARSE],
    });
  },
});
