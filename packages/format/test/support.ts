/** Shared helpers for the format tests. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, type ParsedFile } from '@mailconf/syntax';
import { format, formatEdits, applyEdits, meaningTokens, type FormatOptions } from '@mailconf/format';
import { expect } from 'vitest';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const fixturesDir = path.join(repoRoot, 'fixtures/format');
export const sharedDir = path.resolve(repoRoot, '../shared');

/** The printed tokens of a file as written (comments without trailing whitespace). */
export function rawTokens(file: ParsedFile): string[] {
  return file.tokens.filter((t) => t.kind !== 'ws').map((t) => (t.kind === 'comment' ? t.text.replace(/[ \t\r]+$/, '') : t.text));
}

/**
 * Formats a valid file and checks the guarantees: same meaning (and even the same raw
 * words), no syntax errors, idempotent, and the edits produce the same text.
 */
export function formatChecked(source: string, options: FormatOptions = {}): string {
  const file = parse(source);
  expect(file.errors).toEqual([]);
  const out = format(file, options);
  const again = parse(out);
  expect(again.errors).toEqual([]);
  expect(meaningTokens(again)).toEqual(meaningTokens(file));
  expect(rawTokens(again)).toEqual(rawTokens(file));
  expect(format(again, options)).toBe(out);
  expect(applyEdits(source, formatEdits(file, options))).toBe(out);
  return out;
}

export function exists(p: string): boolean {
  return fs.existsSync(p);
}
