/**
 * Offsets (UTF-16, as the syntax tree keeps them) to LSP positions and back. The syntax
 * package's LineIndex splits editor lines at CR, LF and CRLF exactly as LSP clients do.
 */
import type { LineIndex } from '@mailconf/syntax';
import type { Position, Range } from 'vscode-languageserver';

export function toPosition(lines: LineIndex, offset: number): Position {
  return lines.editorPosition(offset);
}

export function toRange(lines: LineIndex, start: number, end: number): Range {
  return { start: lines.editorPosition(start), end: lines.editorPosition(end) };
}

/** LSP positions are unsigned integers; anything else a client sends is read as the nearest one. */
export function toOffset(lines: LineIndex, p: Position): number {
  const whole = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? Math.max(0, Math.floor(n)) : 0);
  return lines.offsetAt({ line: whole(p?.line), character: whole(p?.character) });
}
