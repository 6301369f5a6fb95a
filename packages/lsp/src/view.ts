/**
 * What a feature works on: the document's current parse and the analysis of its
 * configuration. `fresh` says whether the analysis was made from exactly this text; the
 * fast features (completion, signature help) accept an older analysis for what does not
 * change while typing (the context of the file, the nginx version) and take positions only
 * from the current parse.
 */
import type { ContextId } from '@mailconf/schema';
import type { Directive, ParsedFile } from '@mailconf/syntax';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from './analysis.js';
import { bodyContext } from './contexts.js';

export interface View {
  analysis: Analysis;
  fresh: boolean;
  path: string;
  file: ParsedFile;
  doc: TextDocument;
}

/** The context at the cursor, given the blocks around it (outermost first). */
export function contextAt(view: View, ancestors: readonly Directive[]): ContextId | null {
  let ctx = view.analysis.topContext(view.path);
  for (const a of ancestors) ctx = bodyContext(a, ctx, view.analysis.profile);
  return ctx;
}
