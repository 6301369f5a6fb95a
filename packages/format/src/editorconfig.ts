/**
 * `.editorconfig` support, through the reference `editorconfig` package (section globs,
 * `root = true`, precedence of nearer files). Only the properties that mean something to
 * this formatter are read: indent_style, indent_size, end_of_line, insert_final_newline.
 */
import * as path from 'node:path';
import { parseSync } from 'editorconfig';
import type { FormatOptions } from './options.js';

/** Formatting options that the `.editorconfig` files above `filePath` set for it. */
export function editorconfigOptions(filePath: string): FormatOptions {
  let props: Record<string, unknown>;
  try {
    props = parseSync(path.resolve(filePath)) as Record<string, unknown>;
  } catch {
    // An unreadable or broken .editorconfig must not stop formatting: use the defaults.
    return {};
  }
  const options: FormatOptions = {};
  if (props.indent_style === 'tab') options.useTabs = true;
  else if (props.indent_style === 'space') options.useTabs = false;
  if (typeof props.indent_size === 'number' && Number.isInteger(props.indent_size) && props.indent_size >= 0) {
    options.indentSize = props.indent_size;
  }
  // `cr` is not honoured: a comment runs to the next LF, so CR alone cannot end one.
  if (props.end_of_line === 'lf' || props.end_of_line === 'crlf') options.endOfLine = props.end_of_line;
  if (props.insert_final_newline === true || props.insert_final_newline === false) {
    options.insertFinalNewline = props.insert_final_newline;
  }
  return options;
}
