/**
 * `# mailconf-disable-next-line [RULE ...]` silences the named rules (all when none is
 * named) on the next line, and on every line of the statement that starts there (to its `;`
 * or `{`); `# mailconf-disable-line [RULE ...]` as a trailing comment silences them on its
 * own line, and for a statement whose `;` is on that line; `# mailconf-disable [RULE ...]` on a
 * line of its own silences them for the rest of the file.
 */
import { K_CLOSE, K_COMMENT, K_OPEN, K_SEMI, K_WS, type ConfigSet, type ParsedFile } from '@mailconf/syntax';
import type { Diagnostic } from './diagnostic.js';

const PATTERN = /^\s*mailconf-disable(-next-line|-line)?(?:\s+(.*))?$/;

interface Suppression {
  kind: 'next-line' | 'line' | 'file';
  line: number;
  /** next-line: the last line it covers (the line of the `;` or `{` of the statement starting on the next line). */
  toLine: number;
  rules: string[] | null;
}

export function collectSuppressions(file: ParsedFile): Suppression[] {
  const out: Suppression[] = [];
  // Most files have no suppression at all: one search answers for the whole file.
  if (file.source.indexOf('mailconf-disable') === -1) return out;
  const { kinds, starts, ends, count } = file.store;
  for (let i = 0; i < count; i++) {
    if (kinds[i] !== K_COMMENT) continue;
    const m = PATTERN.exec(file.source.slice(starts[i]! + 1, ends[i]!));
    if (!m) continue;
    const rules = m[2] ? m[2].split(/[\s,]+/).filter(Boolean) : null;
    const kind = m[1] === '-next-line' ? 'next-line' : m[1] === '-line' ? 'line' : 'file';
    const line = file.lines.position(starts[i]!).line;
    out.push({ kind, line, toLine: kind === 'next-line' ? statementEndLine(file, i, line + 1) : line, rules });
  }
  return out;
}

/** The line where the statement that starts on `line` (after token `from`) ends; `line` when none starts there. */
function statementEndLine(file: ParsedFile, from: number, line: number): number {
  const { kinds, starts, count } = file.store;
  let k = from + 1;
  while (k < count && (kinds[k] === K_WS || kinds[k] === K_COMMENT)) k++;
  if (k >= count || file.lines.position(starts[k]!).line !== line) return line;
  while (k < count && kinds[k] !== K_SEMI && kinds[k] !== K_OPEN && kinds[k] !== K_CLOSE) k++;
  return k < count ? file.lines.position(starts[k]!).line : line;
}

export function applySuppressions(set: ConfigSet, diagnostics: Diagnostic[]): Diagnostic[] {
  const byFile = new Map<string, Suppression[]>();
  for (const [path, file] of set.files) {
    const s = collectSuppressions(file);
    if (s.length) byFile.set(path, s);
  }
  if (!byFile.size) return diagnostics;
  return diagnostics.filter((d) => {
    const list = byFile.get(d.file);
    if (!list) return true;
    const line = d.range.start.line;
    return !list.some((s) => {
      const ruleMatch = !s.rules || s.rules.includes(d.ruleId);
      if (!ruleMatch) return false;
      if (s.kind === 'file') return line >= s.line;
      if (s.kind === 'line') return line === s.line || d.line === s.line;
      return line > s.line && line <= Math.max(s.toLine, s.line + 1);
    });
  });
}
