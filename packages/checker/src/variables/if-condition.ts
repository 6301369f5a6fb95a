/**
 * How the rewrite module reads `if (condition)` (ngx_http_rewrite_if_condition): "(" and ")"
 * are taken off the first and last words, then the condition is one of
 *   `$variable`, `$variable = value`, `$variable != value`,
 *   `$variable ~ regex` (also `~*`, `!~`, `!~*`), `-f path` (also -d -e -x, !-f ...).
 * Messages name the words as nginx has cut them (`invalid condition "$"` for `if ($)`).
 */
import type { Directive } from '@mailconf/syntax';

/** A word of the condition: its argument, and the text nginx reads from it. */
export interface ConditionWord {
  arg: number;
  value: string;
  /** Where `value` starts in the argument's value. */
  offset: number;
}

export interface IfCondition {
  /** nginx's message when the condition cannot be read. */
  error?: string;
  /** The word of the error, if it is one word. */
  errorArg?: number;
  /** `$name`: the `$` and the name, taken whole. */
  variable?: ConditionWord;
  /** The value of `=`/`!=` or the path of a file test: compiled. */
  operand?: ConditionWord;
  /** The regex of `~` and its kin. */
  regex?: ConditionWord;
}

const FILE_TESTS = new Set(['-f', '-d', '-e', '-x', '!-f', '!-d', '!-e', '!-x']);

export function readIfCondition(d: Directive): IfCondition {
  const n = d.argCount;
  if (!n) return {};
  const words: ConditionWord[] = [];
  for (let i = 0; i < n; i++) words.push({ arg: i, value: d.argValue(i), offset: 0 });
  const fail = (w: ConditionWord): IfCondition => ({ error: `invalid condition "${w.value}"`, errorArg: w.arg });

  const first = words[0]!;
  if (!first.value.startsWith('(')) return fail(first);
  let cur = 0;
  if (first.value.length === 1) cur = 1;
  else words[0] = { arg: 0, value: first.value.slice(1), offset: 1 };
  let last = n - 1;
  const end = words[last]!;
  if (!end.value.endsWith(')')) return fail(end);
  if (end.value.length === 1) last--;
  else words[last] = { ...end, value: end.value.slice(0, -1) };
  // `if ()` and `if ( )`: nginx reads past the words it has.
  if (cur >= n) return {};
  const head = words[cur]!;
  const p = head.value;
  if (p.length > 1 && p.startsWith('$')) {
    if (cur !== last && cur + 2 !== last) return fail(head);
    if (cur === last) return { variable: head };
    const op = words[cur + 1]!.value;
    const operand = words[last]!;
    if (op === '=' || op === '!=') return { variable: head, operand };
    if (op === '~' || op === '~*' || op === '!~' || op === '!~*') return { variable: head, regex: operand };
    return { variable: head, error: `unexpected "${op}" in condition`, errorArg: cur + 1 };
  }
  if ((p.length === 2 && p[0] === '-') || (p.length === 3 && p[0] === '!' && p[1] === '-')) {
    if (cur + 1 !== last) return fail(head);
    if (!FILE_TESTS.has(p)) return { operand: words[last]!, error: `invalid condition "${p}"`, errorArg: head.arg };
    return { operand: words[last]! };
  }
  return fail(head);
}
