import { defineRule } from '../rule.js';

/** Lint: NUL bytes cut values short. */
export default defineRule({
  meta: {
    id: 'nul-byte',
    description: 'A NUL byte inside a directive name or value',
    kind: 'lint',
    severity: 'warning',
    docs: `nginx reads values as C strings: everything after a NUL byte is silently ignored
(\`protocol imap<NUL>junk;\` is \`protocol imap;\`). A NUL in a configuration is almost always
file corruption.`,
  },
  stage: 'value',
  directive(entry, ctx) {
    // One search per file answers for all its statements.
    const clean = ctx.state('nul-byte', () => new Map<string, boolean>());
    let fileClean = clean.get(entry.file);
    if (fileClean === undefined) clean.set(entry.file, (fileClean = !(ctx.set.files.get(entry.file)?.source.includes('\0') ?? false)));
    if (fileClean) return;
    const d = entry.directive;
    for (const w of [d.nameWord!, ...d.args]) {
      if (w && w.value.includes('\0')) {
        ctx.report({ entry, message: `"${w.value.split('\0')[0]}" is cut short by a NUL byte`, range: w.range });
        return;
      }
    }
  },
});
