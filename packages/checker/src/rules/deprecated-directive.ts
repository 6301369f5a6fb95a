import { defineRule } from '../rule.js';
import { cstr } from '../mail/listen.js';
import { readScalar } from '../values.js';

/**
 * Directives nginx still reads but warns about at start-up (ngx_conf_deprecated): the stream
 * proxy's `proxy_downstream_buffer` and `proxy_upstream_buffer`, which `proxy_buffer_size`
 * replaced. The warning comes after the value is read, so a value nginx refuses gets only
 * its error (invalid-value).
 */
export default defineRule({
  meta: {
    id: 'deprecated-directive',
    description: 'A directive nginx warns is deprecated, naming the one to use instead',
    kind: 'nginx',
    severity: 'warning',
    docs: `nginx prints \`[warn] the "X" directive is deprecated, use the "Y" directive instead\` every
time it starts with such a directive: \`proxy_downstream_buffer\` and \`proxy_upstream_buffer\` in
\`stream\` are read as \`proxy_buffer_size\`. Replace them; a later nginx may drop the old name.`,
  },
  stage: 'value',
  appliesTo: (spec) => !!spec?.replacedBy,
  directive(entry, ctx) {
    const spec = entry.spec;
    if (!spec?.replacedBy || entry.directive.argCount === 0) return;
    if (spec.value && readScalar(spec.value, cstr(entry.directive.argValue(0))) === null) return;
    const d = entry.directive;
    ctx.report({
      entry,
      message: `the "${d.name}" directive is deprecated, use the "${spec.replacedBy}" directive instead`,
      nginxLevel: 'warn',
    });
  },
});
