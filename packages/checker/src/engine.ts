/**
 * Runs the rules over a configuration set and builds the resolved model.
 *
 * Order: syntax and include problems first; then every statement in reading order through
 * the statement rules (unknown, not allowed, terminator, arity: the first failure stops
 * that statement, as in nginx) and the value rules; then the model is built and the
 * whole-configuration rules run on it. All problems are reported, each once, sorted by
 * position; `order` keeps nginx's reading order so the one `nginx -t` would print is known.
 */
import { spanRange, startOffset, type ConfigSet, type Range } from '@mailconf/syntax';
import { getProfile, NEWEST_VERSION, type ContextId, type DirectiveSpec, type Profile } from '@mailconf/schema';
import { compareByPosition, type Diagnostic } from './diagnostic.js';
import { buildModel } from './mail/model-builder.js';
import type { MailModel } from './model.js';
import type { CheckOptions, Report, Rule, RuleContext } from './rule.js';
import { rules as allRules } from './rules/index.js';
import { applySuppressions } from './suppressions.js';
import { stopwatch } from './timings.js';
import { walk, type Entry } from './walk.js';

export interface CheckResult {
  diagnostics: Diagnostic[];
  model: MailModel;
}

/** The context the top of a file stands in, for each kind of file `--context` names. */
export const ROOT_CONTEXT: Record<NonNullable<CheckOptions['context']>, ContextId> = {
  main: 'main',
  events: 'events',
  mail: 'mail',
  server: 'mail:server',
  http: 'http',
  stream: 'stream',
};

/** Orders for problems nginx meets after parsing (after "syntax is ok"). */
export const AFTER_PARSE = 1e12;
const AFTER_PARSE_ORDER: readonly number[] = Object.freeze([AFTER_PARSE]);

export function checkConfigSet(set: ConfigSet, options: CheckOptions = {}, ruleList: readonly Rule[] = allRules): CheckResult {
  const version = options.nginxVersion ?? NEWEST_VERSION;
  const profile = getProfile(version);
  const rootContext = ROOT_CONTEXT[options.context ?? 'main'];
  const watch = stopwatch(options.timings);
  const walked = walk(set, profile, rootContext);
  watch.lap('walk');
  const diagnostics: Diagnostic[] = [];
  const states = new Map<string, unknown>();
  const levels = options.rules ?? {};
  let currentRule: Rule | null = null;
  let reportedForStatement = false;

  const ctx: RuleContext = {
    set,
    profile,
    version,
    walk: walked,
    model: undefined as unknown as MailModel,
    options,
    invalid: new Set<Entry>(),
    state<T>(key: string, init: () => T): T {
      if (!states.has(key)) states.set(key, init());
      return states.get(key) as T;
    },
    report(r: Report) {
      const rule = currentRule!;
      reportedForStatement = true;
      const level = levels[rule.meta.id];
      if (level === 'off') return;
      const d = toDiagnostic(rule, r);
      if (level) d.severity = level;
      diagnostics.push(d);
      if (r.entry) {
        if (d.fix) fixed.push({ d, entry: r.entry });
        if (d.severity === 'error') {
          let ids = errorsOn.get(r.entry);
          if (!ids) errorsOn.set(r.entry, (ids = new Set()));
          ids.add(d.ruleId);
        }
      }
    },
  };
  /** Reports that carry a fix, with their statement; the rules with errors on each statement. */
  const fixed: { d: Diagnostic; entry: Entry }[] = [];
  const errorsOn = new Map<Entry, Set<string>>();

  addSyntaxDiagnostics(set, diagnostics, walked.all);
  // The levels given for the ids that are not rules (syntax, include problems) apply too.
  if (diagnostics.length && options.rules) {
    for (let i = diagnostics.length - 1; i >= 0; i--) {
      const level = levels[diagnostics[i]!.ruleId];
      if (level === 'off') diagnostics.splice(i, 1);
      else if (level) diagnostics[i]!.severity = level;
    }
  }

  const statementRules = ruleList.filter((r) => r.directive && r.stage === 'statement');
  // Value rules that name their directives are called only for those.
  const generalValueRules = ruleList.filter((r) => r.directive && r.stage !== 'statement' && !r.names);
  const valueRulesByName = new Map<string, Rule[]>();
  for (const r of ruleList) {
    if (!r.directive || r.stage === 'statement' || !r.names) continue;
    for (const n of r.names) valueRulesByName.set(n, [...(valueRulesByName.get(n) ?? []), r]);
  }
  const ruleIndex = new Map(ruleList.map((r, i) => [r, i]));
  const valueRulesFor = (name: string, spec: DirectiveSpec | null, context: ContextId | null): Rule[] => {
    const specific = valueRulesByName.get(name);
    const list = specific ? [...generalValueRules, ...specific].sort((a, b) => ruleIndex.get(a)! - ruleIndex.get(b)!) : generalValueRules;
    // Keep the list order: it is nginx's order of checks.
    return list.filter((r) => !r.appliesTo || r.appliesTo(spec, context));
  };
  // The value rules of a statement depend on its name, spec and context only: decided once
  // for each (statements with a spec are keyed by it, the others by name).
  const dispatch = new Map<DirectiveSpec | string, Map<ContextId | null, Rule[]>>();
  // Indexed loops on this path: it runs for every statement and every rule, and a for...of
  // allocates an iterator result per step unless V8's optimizing compiler removes it (the
  // one-shot commands run most inputs without it: heap-tuning.ts).
  const all = walked.all;
  for (let i = 0; i < all.length; i++) {
    const entry = all[i]!;
    if (!entry.context || !entry.directive.name) continue;
    let invalid = false;
    for (let r = 0; r < statementRules.length; r++) {
      const rule = statementRules[r]!;
      currentRule = rule;
      reportedForStatement = false;
      rule.directive!(entry, ctx);
      if (reportedForStatement) {
        ctx.invalid.add(entry);
        invalid = true;
        break;
      }
    }
    if (invalid) continue;
    const key = entry.spec ?? entry.directive.name;
    let byContext = dispatch.get(key);
    if (!byContext) dispatch.set(key, (byContext = new Map()));
    let valueRules = byContext.get(entry.context);
    if (!valueRules) byContext.set(entry.context, (valueRules = valueRulesFor(entry.directive.name, entry.spec, entry.context)));
    for (let r = 0; r < valueRules.length; r++) {
      const rule = valueRules[r]!;
      currentRule = rule;
      rule.directive!(entry, ctx);
    }
  }

  watch.lap('statements');
  ctx.model = buildModel(walked, set, profile, version, ctx.invalid, options.resolveHost);
  watch.lap('model');
  for (const rule of ruleList) {
    if (!rule.config) continue;
    currentRule = rule;
    rule.config(ctx);
    watch.lap(`whole-configuration: ${rule.meta.id}`);
  }
  currentRule = null;
  if (fixed.length) withholdUnsafeFixes(set, profile, fixed, errorsOn);

  const kept = applySuppressions(set, diagnostics);
  kept.sort(compareByPosition);
  const result = { diagnostics: dedupe(kept), model: ctx.model };
  watch.lap('sort');
  return result;
}

/** Rules whose fix is what makes a broken statement whole (the missing `;`): not withheld for being broken. */
const REPAIRS = new Set(['argument-count', 'directive-terminator', 'syntax']);

/**
 * `lint --fix` applies fixes without anyone looking, so a fix is kept only where the statement
 * it changes is whole and clear (from a fuzzing review, which found each of these losing a
 * statement or a comment):
 * - no comment inside the statement (a rewrite or a removal would lose it);
 * - the statement ends with its own `;` or `{` (one cut short may have swallowed the next);
 * - no other rule finds an error in it (its words may not be what the fix assumes);
 * - no line of it starts with a directive of its context (a `;` forgotten before it);
 * - its file is not included more than once (the one text stands in several places).
 */
function withholdUnsafeFixes(set: ConfigSet, profile: Profile, fixed: { d: Diagnostic; entry: Entry }[], errorsOn: Map<Entry, Set<string>>): void {
  const includedTimes = new Map<string, number>();
  for (const targets of set.includes.values()) for (const t of targets) includedTimes.set(t, (includedTimes.get(t) ?? 0) + 1);
  for (const { d, entry } of fixed) {
    const dir = entry.directive;
    const repair = REPAIRS.has(d.ruleId);
    const others = [...(errorsOn.get(entry) ?? [])].some((id) => id !== d.ruleId);
    if (dir.innerComments.length || (!repair && (!dir.terminator || others || swallowsStatement(entry, profile))) || (includedTimes.get(entry.file) ?? 0) > 1) delete d.fix;
  }
}

/** Whether a word that starts a line of the statement (not its first) names a directive of its context. */
function swallowsStatement(entry: Entry, profile: Profile): boolean {
  const args = entry.directive.args;
  if (!entry.context) return false;
  let line = entry.directive.nameWord?.range.start.line ?? 0;
  for (const a of args) {
    const at = a.range.start.line;
    if (at > line && profile.allowedIn(a.value, entry.context)) return true;
    line = a.range.end.line;
  }
  return false;
}

function toDiagnostic(rule: Rule, r: Report): Diagnostic {
  const e = r.entry;
  const d = e?.directive;
  const range: Range | undefined =
    r.range ?? (d ? spanRange(d.range, d.terminatorRange ?? d.range) : undefined);
  const nginxLevel = rule.meta.kind === 'nginx' ? (r.nginxLevel ?? 'emerg') : null;
  const severity = r.severity ?? (nginxLevel === 'warn' ? 'warning' : rule.meta.severity);
  const diag: Diagnostic = {
    ruleId: rule.meta.id,
    severity,
    message: r.hint ? `${r.message} (${r.hint})` : r.message,
    file: r.file ?? e?.file ?? '-',
    line: r.line ?? d?.line ?? range?.start.line ?? 1,
    range: range ?? { start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } },
    nginx: nginxLevel ? { level: nginxLevel, message: r.message } : null,
    // Shared by every report made after parsing with no statement of its own (order keys are never changed).
    order: r.order ?? (e ? [e.seq] : AFTER_PARSE_ORDER),
  };
  if (r.hint) diag.hint = r.hint;
  if (r.fix) diag.fix = r.fix;
  return diag;
}

/** Syntax errors and include problems, placed in reading order by the statement they follow. */
function addSyntaxDiagnostics(set: ConfigSet, out: Diagnostic[], entries: Entry[]): void {
  if (set.issues.length === 0 && [...set.files.values()].every((f) => f.errors.length === 0)) return;
  // Statements nginx finished reading (a statement cut short by the error is never handled),
  // per file, in reading order.
  const finished = new Map<string, Entry[]>();
  for (const e of entries) {
    if (!e.directive.terminator) continue;
    let list = finished.get(e.file);
    if (!list) finished.set(e.file, (list = []));
    list.push(e);
  }
  const seqAt = (file: string, offset: number): number => {
    // Right after the last finished statement that starts before the error.
    const list = finished.get(file) ?? [];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (startOffset(list[mid]!.directive.range) <= offset) lo = mid + 1;
      else hi = mid;
    }
    return (lo > 0 ? list[lo - 1]!.seq : 0) + 0.5;
  };
  for (const [path, file] of set.files) {
    for (const e of file.errors) {
      const d: Diagnostic = {
        ruleId: 'syntax',
        severity: 'error',
        message: e.hint ? `${e.message} (${e.hint})` : e.message,
        file: path,
        line: e.line,
        range: e.range,
        nginx: { level: 'emerg', message: e.message },
        order: [seqAt(path, startOffset(e.range))],
      };
      if (e.hint) d.hint = e.hint;
      out.push(d);
    }
  }
  for (const issue of set.issues) {
    const entry = entries.find((e) => e.file === issue.file && startOffset(e.directive.range) === startOffset(issue.range));
    out.push({
      ruleId: issue.code === 'include-cycle' ? 'include-cycle' : 'include-not-found',
      severity: 'error',
      message: issue.message,
      file: issue.file,
      line: issue.line,
      range: issue.range,
      nginx: issue.code === 'include-cycle' ? null : { level: issue.level, message: issue.message },
      order: [entry ? entry.seq : 0],
    });
  }
}

/** Drops repeats (same file, start, rule and message); the list is sorted, so repeats are neighbours of the same start. */
function dedupe(list: Diagnostic[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  let groupStart = 0;
  for (const d of list) {
    const prev = out[out.length - 1];
    if (!prev || prev.file !== d.file || startOffset(prev.range) !== startOffset(d.range)) groupStart = out.length;
    let repeat = false;
    for (let k = groupStart; k < out.length && !repeat; k++) repeat = out[k]!.ruleId === d.ruleId && out[k]!.message === d.message;
    if (!repeat) out.push(d);
  }
  return out;
}
