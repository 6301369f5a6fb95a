import { defineRule } from '../rule.js';
import { removeStatementFix } from '../fixes.js';
import type { Directive } from '@mailconf/syntax';
import type { Entry } from '../walk.js';

/** A6, B1: a directive that may be set once per level, set again at the same level. */
export default defineRule({
  meta: {
    id: 'duplicate-directive',
    description: 'A directive set twice at the same level',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['A6', 'B1', 'E6'],
    fixable: true,
    docs: `Most directives may be set once per level: a second \`timeout\` in the same \`server {}\` is
\`"timeout" directive is duplicate\`. Setting a value in \`mail {}\` and again in a \`server {}\` is
fine (the server's wins). The same holds in every module: directives read by nginx's standard
readers (\`sendfile\`, \`keepalive_requests\`, \`proxy_read_timeout\` ...) and those whose own handler
refuses a second use (\`keepalive_timeout\`, \`proxy_pass\`, \`try_files\`, \`expires\`, \`resolver\`,
\`http {}\` ...). List directives (capabilities, \`ssl_certificate\`, \`auth_http_header\`)
append instead; \`auth_http\` and \`protocol\` silently take the last value.
When both statements are identical, \`--fix\` removes the second.`,
  },
  stage: 'value',
  appliesTo: (spec) => spec?.repeat === 'error',
  directive(entry, ctx) {
    if (!entry.spec || entry.spec.repeat !== 'error') return;
    const level = ctx.state('duplicate-directive', newLevels).enter(entry.parent);
    const d = entry.directive;
    const first = level.get(d.name);
    if (!first) {
      level.set(d.name, entry);
      return;
    }
    const same =
      !d.block && first.directive.argCount === d.argCount && sameValues(first.directive, d);
    const file = ctx.set.files.get(entry.file);
    ctx.report({
      entry,
      message: `"${d.name}" directive is duplicate`,
      hint: `first set on line ${first.directive.line}${first.file !== entry.file ? ` of ${first.file.split(/[\\/]/).pop()}` : ''}`,
      ...(same && file ? { fix: removeStatementFix(entry, file.source, `remove the repeated "${d.name}"`) } : {}),
    });
  },
});

function sameValues(a: Directive, b: Directive): boolean {
  for (let i = 0; i < a.argCount; i++) if (a.argValue(i) !== b.argValue(i)) return false;
  return true;
}

/**
 * The names set so far in each block that is still open. Statements come in reading order
 * (depth first), so the blocks still open are the current block and its ancestors: a block
 * that is neither has ended, and its names are dropped then instead of kept to the end of the
 * run (a large file has thousands of blocks). Their maps are reused.
 */
class OpenLevels {
  readonly #blocks: (Entry | null)[] = [];
  readonly #names: Map<string, Entry>[] = [];
  #depth = 0;

  enter(block: Entry | null): Map<string, Entry> {
    const top = this.#depth - 1;
    if (top >= 0 && this.#blocks[top] === block) return this.#names[top]!;
    while (this.#depth > 0 && !encloses(this.#blocks[this.#depth - 1]!, block)) this.#names[--this.#depth]!.clear();
    if (this.#depth > 0 && this.#blocks[this.#depth - 1] === block) return this.#names[this.#depth - 1]!;
    const at = this.#depth++;
    this.#blocks[at] = block;
    return (this.#names[at] ??= new Map());
  }
}

/** Whether `outer` is `inner` or one of its enclosing blocks (null: the top level, which encloses all). */
function encloses(outer: Entry | null, inner: Entry | null): boolean {
  if (outer === null) return true;
  for (let e = inner; e; e = e.parent) if (e === outer) return true;
  return false;
}

/** Module-level, so the hot path does not make a closure per statement. */
function newLevels(): OpenLevels {
  return new OpenLevels();
}
