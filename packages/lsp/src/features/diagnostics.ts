/**
 * Checker diagnostics as LSP diagnostics: the rule id as `code`, a link to the rule's page
 * as `codeDescription`, and the rule's quick fix in `data` (as LSP text edits, with the URI
 * of each file it touches), so a client can apply it without asking again.
 */
import { endOffset, startOffset } from '@mailconf/syntax';
import type { Diagnostic as CheckerDiagnostic } from '@mailconf/checker';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import type { Analysis } from '../analysis.js';
import { toRange } from '../positions.js';
import { ruleDocsUri } from '../rule-docs.js';

export interface DiagnosticData {
  ruleId: string;
  fix?: { description: string; edits: { uri: string; edit: TextEdit }[] };
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

/** Rules whose finding means "this still works but is on its way out". */
const DEPRECATION_RULES = new Set(['ssl-directive-deprecated']);

export function toLspDiagnostic(a: Analysis, d: CheckerDiagnostic, uriOf: (path: string) => string): Diagnostic {
  const file = a.file(d.file);
  const start = startOffset(d.range);
  const end = endOffset(d.range);
  const range = file ? toRange(file.lines, start, end) : { start: { line: Math.max(0, d.line - 1), character: 0 }, end: { line: Math.max(0, d.line - 1), character: 0 } };
  const out: Diagnostic = {
    range,
    severity: SEVERITY[d.severity],
    code: d.ruleId,
    source: 'mailconf',
    message: d.message,
  };
  const href = ruleDocsUri(d.ruleId);
  if (href) out.codeDescription = { href };
  if (DEPRECATION_RULES.has(d.ruleId)) out.tags = [DiagnosticTag.Deprecated];
  // `data` only when there is a fix to carry: a 10,000-line file can have a thousand findings.
  if (d.fix) {
    const data: DiagnosticData = { ruleId: d.ruleId };
    const edits: { uri: string; edit: TextEdit }[] = [];
    for (const e of d.fix.edits) {
      const f = a.file(e.file);
      if (!f) continue;
      edits.push({ uri: uriOf(e.file), edit: { range: toRange(f.lines, e.start, e.end), newText: e.newText } });
    }
    if (edits.length === d.fix.edits.length) {
      data.fix = { description: d.fix.description, edits };
      out.data = data;
    }
  }
  return out;
}

const cache = new WeakMap<Analysis, Map<string, Diagnostic[]>>();

/** The LSP diagnostics of one file of an analysis (converted once per analysis). */
export function lspDiagnosticsFor(a: Analysis, path: string, uriOf: (path: string) => string): Diagnostic[] {
  let perFile = cache.get(a);
  if (!perFile) cache.set(a, (perFile = new Map()));
  let list = perFile.get(path);
  if (!list) {
    list = a.diagnosticsFor(path).map((d) => toLspDiagnostic(a, d, uriOf));
    perFile.set(path, list);
  }
  return list;
}
