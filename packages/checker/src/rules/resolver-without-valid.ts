import { defineRule } from '../rule.js';

/** Lint: resolver caching follows DNS TTLs unless valid= is set. */
export default defineRule({
  meta: {
    id: 'resolver-without-valid',
    description: '`resolver` without `valid=`',
    kind: 'lint',
    severity: 'info',
    docs: `Without \`valid=\` nginx caches answers for their DNS TTL, which for reverse lookups of clients
can be very short (more lookups, slower SMTP greetings) or very long. Set it explicitly, e.g.
\`resolver 127.0.0.1 valid=300s;\`.`,
  },
  stage: 'value',
  names: ['resolver'],
  directive(entry, ctx) {
    const d = entry.directive;
    if (d.name !== 'resolver' || !entry.context?.startsWith('mail') || !d.argCount || d.argValue(0) === 'off') return;
    if (d.args.some((a) => a.value.startsWith('valid='))) return;
    ctx.report({ entry, message: 'resolver has no valid= parameter; answers are cached for their DNS TTL' });
  },
});
