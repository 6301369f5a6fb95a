/** Machine-readable diagnostics: one object per problem, ranges with offsets, lines and columns. */
import type { Diagnostic } from '@mailconf/checker';
import { columnOnLine } from './column.js';

export function json(diagnostics: readonly Diagnostic[]): string {
  const out = diagnostics.map((d) => ({
    file: d.file,
    // nginx's line and the column on it, as stylish shows them; `range` is exact.
    line: d.line,
    column: columnOnLine(d),
    endLine: d.range.end.line,
    endColumn: d.range.end.column,
    range: d.range,
    severity: d.severity,
    ruleId: d.ruleId,
    message: d.message,
    nginx: d.nginx,
    fix: d.fix ?? null,
  }));
  return JSON.stringify(out, null, 2) + '\n';
}
