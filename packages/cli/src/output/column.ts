import type { Diagnostic } from '@mailconf/checker';

/**
 * The column shown beside a diagnostic's line, which is nginx's line (a statement over several
 * lines is reported on the line of its `;`): the column where the problem starts when it starts
 * on that line, else 1. stylish and json show the same position; `range` has the exact one.
 */
export function columnOnLine(d: Diagnostic): number {
  const start = d.range.start;
  return start.line === d.line ? start.column : 1;
}
