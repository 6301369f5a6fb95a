/**
 * Reading the files named on the command line (or standard input) into config sets, with
 * a clear message instead of a stack trace when a file cannot be read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inputRead } from '../heap-tuning.js';
import { readStdinSync } from './read-stdin.js';
import { decodeSource, loadConfigText, releaseBytes, type ConfigSet, type LoadOptions } from '@mailconf/syntax';

export class InputError extends Error {}

export function readInput(file: string, options: LoadOptions = {}): ConfigSet {
  let bytes: Uint8Array;
  try {
    bytes = file === '-' ? readStdinSync() : fs.readFileSync(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const reason =
      e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new InputError(`mailconf: cannot read ${file}: ${reason}`);
  }
  inputRead(bytes.length);
  const decoded = decodeSource(bytes);
  releaseBytes(bytes);
  const label = file === '-' ? '-' : path.resolve(file);
  return loadConfigText(decoded.text, label, options, decoded.encoding);
}

/**
 * A path as shown to the user: relative to the working directory when inside it. Remembered
 * per path: a report of thousands of problems names the same few files on every line.
 */
export function displayPath(abs: string): string {
  if (abs === '-') return '-';
  const cwd = process.cwd();
  if (cwd !== shownFrom) {
    shown.clear();
    shownFrom = cwd;
  }
  let out = shown.get(abs);
  if (out === undefined) {
    const rel = path.relative(cwd, abs);
    out = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
    shown.set(abs, out);
  }
  return out;
}

let shownFrom = '';
const shown = new Map<string, string>();
