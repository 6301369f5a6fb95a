/**
 * Formatting options and how they are resolved against a file: the line-ending style is
 * taken from the file itself unless the caller (or `.editorconfig`) fixes it.
 */
export type EndOfLine = 'lf' | 'crlf' | 'auto';

export interface FormatOptions {
  /** Spaces per indent level (default 4). Ignored when `useTabs` is set. */
  indentSize?: number;
  /** Indent with one tab per level. */
  useTabs?: boolean;
  /** Align the first values of consecutive simple directives (`--align`). */
  align?: boolean;
  /**
   * Line ending written between lines: `auto` (default) keeps the file's dominant style.
   * A bare CR is never used: a comment runs to the next LF, so only LF can end it safely.
   */
  endOfLine?: EndOfLine;
  /** End a non-empty file with exactly one line break (default true); false: none. */
  insertFinalNewline?: boolean;
}

export interface ResolvedOptions {
  indent: string;
  eol: '\n' | '\r\n';
  align: boolean;
  finalNewline: boolean;
}

export const DEFAULT_INDENT_SIZE = 4;

export function resolveOptions(source: string, options: FormatOptions = {}): ResolvedOptions {
  const size = options.indentSize;
  const indentSize = typeof size === 'number' && Number.isInteger(size) && size >= 0 ? size : DEFAULT_INDENT_SIZE;
  const eolOption = options.endOfLine ?? 'auto';
  return {
    indent: options.useTabs ? '\t' : ' '.repeat(indentSize),
    eol: eolOption === 'crlf' ? '\r\n' : eolOption === 'lf' ? '\n' : detectLineEnding(source),
    align: !!options.align,
    finalNewline: options.insertFinalNewline ?? true,
  };
}

/** The dominant line ending of a text: CRLF when more LFs are preceded by CR than not. */
export function detectLineEnding(source: string): '\n' | '\r\n' {
  let crlf = 0;
  let lf = 0;
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) {
    if (i > 0 && source.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}
