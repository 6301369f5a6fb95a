/** Machine-readable diagnostics: one object per problem, ranges with offsets, lines and columns. */
import type { Diagnostic } from '@mailconf/checker';

export function json(diagnostics: readonly Diagnostic[]): string {
  const out = diagnostics.map((d) => ({
    file: d.file,
    line: d.line,
    column: d.range.start.column,
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
