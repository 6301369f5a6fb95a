/**
 * Formatting through @mailconf/format, as small edits (only the characters that change).
 * Options, strongest first: the `mailconf.format.*` settings, the project's `.editorconfig`
 * (so the editor formats exactly as `mailconf fmt --check` in CI expects), then the editor's
 * own tab size and spaces/tabs choice. A document with syntax errors is left alone, as by
 * `mailconf fmt`.
 *
 * The formatter is loaded on first use: it brings the `.editorconfig` reader (a WebAssembly
 * module), and a bundle that cannot load it must lose formatting only, not the server.
 */
import type { FormatOptions, TextEdit as FormatEdit } from '@mailconf/format';
import type { ParsedFile } from '@mailconf/syntax';
import type { FormattingOptions, TextEdit } from 'vscode-languageserver';
import type { EditorSettings } from '../settings.js';
import { toRange } from '../positions.js';
import { fileUriToPath } from '../uri.js';

type Formatter = typeof import('@mailconf/format');
let formatter: Promise<Formatter> | undefined;

export function loadFormatter(): Promise<Formatter> {
  formatter ??= import('@mailconf/format');
  return formatter;
}

export function formatOptions(f: Formatter, uri: string, editor: FormattingOptions, settings: EditorSettings['format']): FormatOptions {
  const file = fileUriToPath(uri);
  const ec = file ? f.editorconfigOptions(file) : {};
  const options: FormatOptions = { ...ec };
  if (options.indentSize === undefined && typeof editor.tabSize === 'number') options.indentSize = editor.tabSize;
  if (options.useTabs === undefined && typeof editor.insertSpaces === 'boolean') options.useTabs = !editor.insertSpaces;
  if (settings.indent !== null) {
    options.indentSize = settings.indent;
    if (settings.tabs === null) options.useTabs = false;
  }
  if (settings.tabs !== null) options.useTabs = settings.tabs;
  options.align = settings.align;
  return options;
}

function toLsp(file: ParsedFile, edits: FormatEdit[]): TextEdit[] {
  return edits.map((e) => ({ range: toRange(file.lines, e.start, e.end), newText: e.newText }));
}

// withinBufferLimit: no edits where they would make a token too long for nginx's buffer (as `mailconf fmt` refuses).
export function formatDocument(f: Formatter, file: ParsedFile, options: FormatOptions): TextEdit[] {
  return toLsp(file, f.withinBufferLimit(file, f.formatEdits(file, options)));
}

export function formatDocumentRange(f: Formatter, file: ParsedFile, start: number, end: number, options: FormatOptions): TextEdit[] {
  return toLsp(file, f.withinBufferLimit(file, f.formatRange(file, { start, end }, options)));
}

/** After `;` or `}` is typed: the statement it ends (the character before the cursor). */
export function formatOnType(f: Formatter, file: ParsedFile, offset: number, ch: string, options: FormatOptions): TextEdit[] {
  const at = offset - 1;
  if (at < 0 || file.source[at] !== ch) return [];
  return toLsp(file, f.withinBufferLimit(file, f.formatRange(file, { start: at, end: at }, options)));
}
