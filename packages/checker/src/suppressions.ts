/**
 * `# mailconf-disable-next-line [RULE ...]` silences the named rules (all when none is
 * named) on the next line; `# mailconf-disable-line [RULE ...]` as a trailing comment
 * silences them on its own line; `# mailconf-disable [RULE ...]` on a line of its own
 * silences them for the rest of the file.
 */
import { K_COMMENT, type ConfigSet, type ParsedFile } from '@mailconf/syntax';
import type { Diagnostic } from './diagnostic.js';

const PATTERN = /^\s*mailconf-disable(-next-line|-line)?(?:\s+(.*))?$/;

interface Suppression {
  kind: 'next-line' | 'line' | 'file';
  line: number;
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
    out.push({ kind: m[1] === '-next-line' ? 'next-line' : m[1] === '-line' ? 'line' : 'file', line: file.lines.position(starts[i]!).line, rules });
  }
  return out;
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
      if (s.kind === 'line') return line === s.line;
      return line === s.line + 1;
    });
  });
}
