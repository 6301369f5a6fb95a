/** `file:line:col  severity  message  rule`, grouped by nothing, coloured on a TTY unless NO_COLOR. */
import type { Diagnostic } from '@mailconf/checker';
import { displayPath } from '../io/read-input.js';
import { columnOnLine } from './column.js';

/** Colour on a terminal (`terminal`: whether the output is one), unless NO_COLOR; always with FORCE_COLOR. */
export function useColor(terminal: boolean): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR) return true;
  return terminal;
}

const paint = (on: boolean, code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

export function stylish(diagnostics: readonly Diagnostic[], color: boolean): string {
  const lines: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
    const sev = d.severity === 'error' ? paint(color, '31', 'error') : d.severity === 'warning' ? paint(color, '33', 'warning') : paint(color, '36', 'info');
    lines.push(`${displayPath(d.file)}:${d.line}:${columnOnLine(d)}  ${sev}  ${d.message}  ${paint(color, '2', d.ruleId)}`);
  }
  if (diagnostics.length) {
    const summary = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
    lines.push('', paint(color, errors ? '31;1' : '33;1', summary));
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
