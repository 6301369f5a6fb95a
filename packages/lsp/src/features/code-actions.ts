/**
 * Code actions for the problems under the cursor: the checker's safe fix (what
 * `mailconf lint --fix` applies), "disable this rule for this line" (a
 * `# mailconf-disable-next-line RULE` comment above it, or the rule added to the comment
 * already there), and "open the rule's documentation". `source.fixAll.mailconf` applies
 * every safe fix of the document that does not overlap another, as `--fix` does in one round.
 */
import { endOffset, startOffset, type ParsedFile } from '@mailconf/syntax';
import type { Diagnostic as CheckerDiagnostic, TextEdit as CheckerEdit } from '@mailconf/checker';
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { Analysis } from '../analysis.js';
import { tokenIndexAt, tokenOf } from '../locate.js';
import { toOffset, toRange } from '../positions.js';
import { ruleMeta } from '../rule-docs.js';
import type { View } from '../view.js';
import { toLspDiagnostic } from './diagnostics.js';

export const OPEN_RULE_DOCS = 'mailconf.openRuleDocs';
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.mailconf`;

/** Rules that cannot be silenced by a comment in a way that helps (nginx still refuses the file). */
const NOT_SUPPRESSIBLE = new Set(['syntax']);

function workspaceEdit(a: Analysis, edits: readonly CheckerEdit[], uriOf: (p: string) => string): WorkspaceEdit | null {
  const changes: Record<string, TextEdit[]> = {};
  for (const e of edits) {
    const f = a.file(e.file);
    if (!f) return null;
    (changes[uriOf(e.file)] ??= []).push({ range: toRange(f.lines, e.start, e.end), newText: e.newText });
  }
  return { changes };
}

/** The edit adding `rule` to the suppression comment above the diagnostic's line (or a new one). */
export function suppressionEdit(file: ParsedFile, d: CheckerDiagnostic): TextEdit | null {
  const src = file.source;
  // nginx lines end at LF only: a suppression comment runs to the LF, so it must be
  // inserted at the start of the nginx line (never after a bare CR).
  const line = file.lines.position(startOffset(d.range)).line;
  const lineStart = file.lines.lineStart(line);
  // A line that starts inside a quoted word spanning lines cannot take a comment.
  const ti = tokenIndexAt(file, lineStart);
  const t = ti >= 0 ? tokenOf(file, ti) : undefined;
  if (t && t.kind !== 'ws' && t.start < lineStart && t.end > lineStart) return null;
  let indentEnd = lineStart;
  while (src[indentEnd] === ' ' || src[indentEnd] === '\t') indentEnd++;
  const indent = src.slice(lineStart, indentEnd);
  // The line above already holds a next-line suppression: add the rule to it.
  if (line > 1) {
    const prevStart = file.lines.lineStart(line - 1);
    const prevText = src.slice(prevStart, lineStart).replace(/\r?\n$/, '');
    const m = /^([ \t]*#\s*mailconf-disable-next-line)(\s+[^\r\n]*)?$/.exec(prevText);
    if (m) {
      if (!m[2] || !m[2].trim()) return null; // already silences every rule
      const end = prevStart + prevText.replace(/\s+$/, '').length;
      return { range: toRange(file.lines, end, end), newText: ` ${d.ruleId}` };
    }
  }
  // The line break of the file's first line (or of the line above), so CRLF files stay CRLF.
  const lf = lineStart > 0 ? lineStart - 1 : src.indexOf('\n');
  const eol = lf > 0 && src[lf - 1] === '\r' ? '\r\n' : '\n';
  return { range: toRange(file.lines, lineStart, lineStart), newText: `${indent}# mailconf-disable-next-line ${d.ruleId}${eol}` };
}

function overlaps(aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  return aStart <= bEnd && bStart <= aEnd;
}

export function codeActions(view: View, range: Range, only: string[] | undefined, uriOf: (p: string) => string): CodeAction[] {
  const a = view.analysis;
  const lines = view.file.lines;
  const start = toOffset(lines, range.start);
  const end = toOffset(lines, range.end);
  const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(o + '.'));
  const actions: CodeAction[] = [];
  const all = a.diagnosticsFor(view.path);

  if (wants(CodeActionKind.QuickFix)) {
    const here = all.filter((d) => overlaps(startOffset(d.range), endOffset(d.range), start, end));
    const docsOffered = new Set<string>();
    for (const d of here) {
      const lsp: Diagnostic = toLspDiagnostic(a, d, uriOf);
      if (d.fix) {
        const edit = workspaceEdit(a, d.fix.edits, uriOf);
        if (edit) actions.push({ title: fixTitle(d.fix.description), kind: CodeActionKind.QuickFix, diagnostics: [lsp], edit, isPreferred: true });
      }
      if (!NOT_SUPPRESSIBLE.has(d.ruleId)) {
        const e = suppressionEdit(view.file, d);
        if (e) {
          actions.push({
            title: `Disable ${d.ruleId} for this line`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [lsp],
            edit: { changes: { [uriOf(view.path)]: [e] } },
          });
        }
      }
      if (ruleMeta(d.ruleId) && !docsOffered.has(d.ruleId)) {
        docsOffered.add(d.ruleId);
        actions.push({
          title: `Show documentation for ${d.ruleId}`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [lsp],
          command: { title: `Show documentation for ${d.ruleId}`, command: OPEN_RULE_DOCS, arguments: [d.ruleId] },
        });
      }
    }
  }

  if (only && wants(FIX_ALL_KIND)) {
    const fixAll = fixAllEdits(all);
    if (fixAll.length) {
      const edit = workspaceEdit(a, fixAll, uriOf);
      if (edit) actions.push({ title: 'Fix all safe mailconf problems', kind: FIX_ALL_KIND, edit });
    }
  }
  return actions;
}

function fixTitle(description: string): string {
  // Fix descriptions can be phrased as a question ("missing ";" after ...?"); a title says what it does.
  const t = description.replace(/\?$/, '');
  const missing = /^missing ("[^"]*") after (.*?)(?: on line \d+)?$/.exec(t);
  if (missing) return `Insert ${missing[1]} after ${missing[2]}`;
  return /^(insert|add|remove|replace|use|move|change|delete|write)\b/i.test(t) ? t[0]!.toUpperCase() + t.slice(1) : `Fix: ${t}`;
}

/** Every fix of the list that does not overlap one taken before it (as one round of `--fix`). */
export function fixAllEdits(diagnostics: readonly CheckerDiagnostic[]): CheckerEdit[] {
  const taken: CheckerEdit[] = [];
  for (const d of diagnostics) {
    if (!d.fix) continue;
    const group = d.fix.edits;
    const clash = group.some((e) => taken.some((t) => e.file === t.file && ((e.start < t.end && t.start < e.end) || (e.start === e.end && e.start === t.start))));
    if (!clash) taken.push(...group);
  }
  return taken;
}
