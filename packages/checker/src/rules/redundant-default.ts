import type { DirectiveSpec, ValueType } from '@mailconf/schema';
import { defineRule } from '../rule.js';
import { removeStatementFix } from '../fixes.js';
import { cstr } from '../mail/listen.js';
import { readScalar } from '../values.js';
import type { Entry } from '../walk.js';
import type { RuleContext } from '../rule.js';

/** Lint: setting a value the directive already has. */
export default defineRule({
  meta: {
    id: 'redundant-default',
    description: 'A directive set to the value it already has (its default, or what the server inherits)',
    kind: 'lint',
    severity: 'info',
    fixable: true,
    docs: `A directive in \`mail {}\` that repeats nginx's default, or one in a \`server {}\` that repeats
what the server inherits from \`mail {}\` (or the default), changes nothing. It is harmless but
makes the reader wonder what was meant; \`--fix\` removes it. Comparison is by value, so
\`timeout 1m\` repeats the default \`60s\`.`,
  },
  stage: 'value',
  appliesTo: (spec, context) => !!spec?.value && !!context?.startsWith('mail'),
  directive(entry, ctx) {
    const spec = entry.spec;
    const d = entry.directive;
    if (!spec?.value || d.argCount !== 1 || !entry.context?.startsWith('mail') || d.block) return;
    const canon = canonical(spec.value);
    if (!canon) return;
    const mine = canon(cstr(d.argValue(0)));
    if (mine === null) return;
    let inherited: string | null = null;
    let from = 'its default';
    if (entry.context === 'mail:server') {
      const last = lastAtMailLevel(entry, d.name, ctx);
      if (last) {
        // A mail {} value that does not read (a statement cut short, a bad value) leaves what
        // the server inherits unknown: it is not the default.
        if (!last.canonical) return;
        inherited = last.canonical;
        from = `what it inherits from mail {} (line ${last.entry.directive.line})`;
      }
    }
    inherited ??= canonicalDefault(spec, canon);
    if (inherited === null || inherited !== mine) return;
    // Set twice in its block: nginx refuses the duplicate, and which one was meant is for a person to say.
    if (timesInBlock(entry, ctx) > 1) return;
    const file = ctx.set.files.get(entry.file);
    ctx.report({
      entry,
      message: `"${d.name} ${d.args[0]!.raw}" repeats ${from}`,
      ...(file ? { fix: removeStatementFix(entry, file.source, `remove "${d.name}"`) } : {}),
    });
  },
});

interface MailLevelValue {
  entry: Entry;
  /** Its value in comparable form (null when it does not read), read on first use. */
  canonical?: string | null;
}

/**
 * The last directive of that name in the enclosing mail {}, with its value in comparable form
 * (null when it does not read, or has other than one argument): indexed once per run, as every
 * server statement asks.
 */
function lastAtMailLevel(entry: Entry, name: string, ctx: RuleContext): MailLevelValue | undefined {
  const mail = entry.parent?.parent;
  if (!mail) return undefined;
  const index = ctx.state('redundant-default', newIndex);
  let byName = index.get(mail);
  if (!byName) {
    byName = new Map();
    for (const e of mail.children) byName.set(e.directive.name, { entry: e });
    index.set(mail, byName);
  }
  const found = byName.get(name);
  if (found && found.canonical === undefined) {
    const canon = found.entry.spec?.value && found.entry.directive.argCount === 1 ? canonical(found.entry.spec.value) : null;
    found.canonical = canon ? canon(cstr(found.entry.directive.argValue(0))) : null;
  }
  return found;
}

/** How many statements of this one's name its block has (indexed once per block). */
function timesInBlock(entry: Entry, ctx: RuleContext): number {
  const block = entry.parent;
  if (!block) return 1;
  const index = ctx.state('redundant-default:counts', newCounts);
  let counts = index.get(block);
  if (!counts) {
    counts = new Map();
    for (const e of block.children) counts.set(e.directive.name, (counts.get(e.directive.name) ?? 0) + 1);
    index.set(block, counts);
  }
  return counts.get(entry.directive.name) ?? 1;
}

function newCounts(): Map<Entry, Map<string, number>> {
  return new Map();
}

function newIndex(): Map<Entry, Map<string, MailLevelValue>> {
  return new Map();
}

/** The default in comparable form, once per directive spec (null when there is none or it is several words). */
function canonicalDefault(spec: DirectiveSpec, canon: (s: string) => string | null): string | null {
  let v = defaults.get(spec);
  if (v === undefined) {
    const dflt = spec.default;
    v = !dflt || /\s/.test(dflt) ? null : canon(dflt);
    defaults.set(spec, v);
  }
  return v;
}

const defaults = new WeakMap<DirectiveSpec, string | null>();

/** A comparable form of one value, or null when the kind is not compared. */
function canonical(v: ValueType): ((s: string) => string | null) | null {
  // One reader per value type, made once: this runs for every statement of a mail block.
  let reader = readers.get(v);
  if (reader === undefined) readers.set(v, (reader = makeCanonical(v)));
  return reader;
}

const readers = new WeakMap<ValueType, ((s: string) => string | null) | null>();

function makeCanonical(v: ValueType): ((s: string) => string | null) | null {
  if (v.type === 'enum') return (s) => (v.caseSensitive ? s : s.toLowerCase());
  // Offsets are not compared (no mail directive has one).
  if (v.type !== 'time' && v.type !== 'size' && v.type !== 'number' && v.type !== 'flag') return null;
  return (s) => {
    const x = readScalar(v, s);
    return x === null || x === undefined ? null : String(x);
  };
}
