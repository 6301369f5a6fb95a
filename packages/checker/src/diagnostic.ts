/**
 * What the checker reports. A diagnostic that reproduces an nginx check carries nginx's
 * exact message text (our message starts with it) and nginx's level; a lint of our own
 * has `nginx: null`.
 */
import { endOffset, startOffset, type Range } from '@mailconf/syntax';

export type Severity = 'error' | 'warning' | 'info';

export interface TextEdit {
  /** File the edit applies to. */
  file: string;
  /** UTF-16 offsets into that file's text. */
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  description: string;
  edits: TextEdit[];
}

export interface Diagnostic {
  ruleId: string;
  severity: Severity;
  message: string;
  /** Absolute path, or `-` for standard input. */
  file: string;
  /** The line nginx names (the line of the `;` or `{` ending the statement, see config-language.md §6). */
  line: number;
  range: Range;
  /** When nginx itself reports this: its level and its message as `nginx -t` prints it (without ` in file:line`). */
  nginx: { level: 'emerg' | 'warn' | 'crit' | 'alert'; message: string } | null;
  fix?: Fix;
  /** Help beyond nginx's text. */
  hint?: string;
  /**
   * Where nginx would meet this problem while reading: diagnostics are compared by this to
   * find the one `nginx -t` would print (it stops at the first emerg).
   */
  order: readonly number[];
}

export function compareByPosition(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return startOffset(a.range) - startOffset(b.range) || endOffset(a.range) - endOffset(b.range) || a.ruleId.localeCompare(b.ruleId);
}

export function compareByNginxOrder(a: Diagnostic, b: Diagnostic): number {
  return compareOrder(a.order, b.order);
}

/** Compares two positions in nginx's reading order (a missing element counts as 0). */
export function compareOrder(a: readonly number[], b: readonly number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** The diagnostic `nginx -t` would fail with: the first nginx error in nginx's reading order. */
export function nginxVerdict(diagnostics: readonly Diagnostic[]): Diagnostic | null {
  let first: Diagnostic | null = null;
  for (const d of diagnostics) {
    // A check set to warning (e.g. missing-events for snippets) is not a failure.
    if (!d.nginx || d.nginx.level === 'warn' || d.severity !== 'error') continue;
    if (!first || compareByNginxOrder(d, first) < 0) first = d;
  }
  return first;
}
