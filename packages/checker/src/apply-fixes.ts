/**
 * Applies the fixes of diagnostics to file texts. Edits that overlap an edit already taken
 * are skipped (run --fix again for them), so applying never corrupts a file.
 */
import type { Diagnostic, TextEdit } from './diagnostic.js';

export function applyFixes(texts: Map<string, string>, diagnostics: readonly Diagnostic[]): { texts: Map<string, string>; applied: number } {
  const byFile = new Map<string, TextEdit[][]>();
  for (const d of diagnostics) {
    if (!d.fix) continue;
    const files = new Set(d.fix.edits.map((e) => e.file));
    for (const f of files) {
      let list = byFile.get(f);
      if (!list) byFile.set(f, (list = []));
      list.push(d.fix.edits.filter((e) => e.file === f));
    }
  }
  const out = new Map(texts);
  let applied = 0;
  for (const [file, groups] of byFile) {
    const text = texts.get(file);
    if (text === undefined) continue;
    const taken: TextEdit[] = [];
    for (const group of groups) {
      const overlaps = group.some((e) => taken.some((t) => e.start < t.end && t.start < e.end || (e.start === e.end && e.start === t.start)));
      if (overlaps) continue;
      taken.push(...group);
      applied++;
    }
    taken.sort((a, b) => b.start - a.start);
    let result = text;
    for (const e of taken) result = result.slice(0, e.start) + e.newText + result.slice(e.end);
    out.set(file, result);
  }
  return { texts: out, applied };
}
