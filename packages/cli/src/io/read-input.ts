/**
 * Reading the files named on the command line (or standard input) into config sets, with
 * a clear message instead of a stack trace when a file cannot be read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeSource, loadConfigText, releaseBytes, type ConfigSet, type LoadOptions } from '@mailconf/syntax';

export class InputError extends Error {}

export function readInput(file: string, options: LoadOptions = {}): ConfigSet {
  let bytes: Uint8Array;
  try {
    bytes = file === '-' ? fs.readFileSync(0) : fs.readFileSync(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const reason =
      e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new InputError(`mailconf: cannot read ${file}: ${reason}`);
  }
  const decoded = decodeSource(bytes);
  releaseBytes(bytes);
  const label = file === '-' ? '-' : path.resolve(file);
  return loadConfigText(decoded.text, label, options, decoded.encoding);
}

/** A path as shown to the user: relative to the working directory when inside it. */
export function displayPath(abs: string): string {
  if (abs === '-') return '-';
  const rel = path.relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}
