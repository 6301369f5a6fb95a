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
    // One search per file answers for all its statements; most runs have no NUL anywhere.
    const state = ctx.state('nul-byte', newState);
    state.anywhere ??= [...ctx.set.files.values()].some((f) => f.source.includes('\0'));
    if (!state.anywhere) return;
    let fileClean = state.clean.get(entry.file);
    if (fileClean === undefined) state.clean.set(entry.file, (fileClean = !(ctx.set.files.get(entry.file)?.source.includes('\0') ?? false)));
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

/** Module-level, so the hot path does not make a closure per statement. */
function newState(): { anywhere: boolean | undefined; clean: Map<string, boolean> } {
  return { anywhere: undefined, clean: new Map() };
}
