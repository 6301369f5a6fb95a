/** GitHub Actions workflow commands: one `::error file=...,line=...::message` per problem. */
import type { Diagnostic } from '@mailconf/checker';
import { displayPath } from '../io/read-input.js';

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProp = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function github(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const kind = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
      const props = [
        `file=${escapeProp(displayPath(d.file))}`,
        `line=${d.range.start.line}`,
        `col=${d.range.start.column}`,
        `endLine=${d.range.end.line}`,
        `endColumn=${d.range.end.column}`,
        `title=${escapeProp(`mailconf ${d.ruleId}`)}`,
      ].join(',');
      return `::${kind} ${props}::${escapeData(d.message)}\n`;
    })
    .join('');
}
