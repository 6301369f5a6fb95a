/**
 * Formatting options and how they are resolved against a file: the line-ending style is
 * taken from the file itself unless the caller (or `.editorconfig`) fixes it.
 */
import { K_WS, type TokenStore } from '@mailconf/syntax';

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

export function resolveOptions(source: string, options: FormatOptions = {}, store?: TokenStore): ResolvedOptions {
  const size = options.indentSize;
  const indentSize = typeof size === 'number' && Number.isInteger(size) && size >= 0 ? size : DEFAULT_INDENT_SIZE;
  const eolOption = options.endOfLine ?? 'auto';
  return {
    indent: options.useTabs ? '\t' : ' '.repeat(indentSize),
    eol: eolOption === 'crlf' ? '\r\n' : eolOption === 'lf' ? '\n' : detectLineEnding(source, store),
    align: !!options.align,
    finalNewline: options.insertFinalNewline ?? true,
  };
}

/**
 * The dominant line ending of a text: CRLF when more LFs are preceded by CR than not. With the
 * text's tokens, only the line breaks between tokens count: those are the ones formatting
 * writes, while a line break inside a word (`a\` then LF) or a quoted string stays as it is, and
 * counting it could make a second formatting choose another style.
 */
export function detectLineEnding(source: string, store?: TokenStore): '\n' | '\r\n' {
  let crlf = 0;
  let lf = 0;
  const count = (from: number, to: number) => {
    for (let i = source.indexOf('\n', from); i !== -1 && i < to; i = source.indexOf('\n', i + 1)) {
      if (i > 0 && source.charCodeAt(i - 1) === 13) crlf++;
      else lf++;
    }
  };
  if (!store) count(0, source.length);
  else for (let t = 0; t < store.count; t++) if (store.kinds[t] === K_WS) count(store.starts[t]!, store.ends[t]!);
  return crlf > lf ? '\r\n' : '\n';
}
