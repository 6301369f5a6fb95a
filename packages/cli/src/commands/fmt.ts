/**
 * `mailconf fmt [FILE...|-]`: formats configurations without changing what nginx reads.
 * Prints the result (default), rewrites files in place (`--write`, atomically), lists the
 * files that would change (`--check`, exit 1) or prints a unified diff (`--diff`).
 * A file with syntax errors is never reformatted: its errors are printed and the exit code
 * is 2. Exit codes: 0 ok, 1 `--check` found files to change, 2 usage, I/O or syntax errors.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { editorconfigOptions, format, unifiedDiff, verifyFormatted, type FormatOptions } from '@mailconf/format';
import { decodeSource, encodeSource, parse } from '@mailconf/syntax';
import { displayPath } from '../io/read-input.js';
import { readStdinSync } from '../io/read-stdin.js';
import type { SetExit } from './index.js';

interface FmtFlags {
  write?: boolean;
  check?: boolean;
  diff?: boolean;
  indent?: string;
  tabs?: boolean;
  align?: boolean;
  editorconfig: boolean;
}

export function registerFmt(program: Command, setExit: SetExit): void {
  program
    .command('fmt')
    .description('format configuration files without changing what nginx reads')
    .argument('[files...]', 'configuration files, or - for standard input (the default)')
    .option('-w, --write', 'rewrite the files in place')
    .option('-c, --check', 'list the files that are not formatted and exit 1 if any')
    .option('-d, --diff', 'print a unified diff of the changes')
    .option('--indent <n>', 'spaces per indent level (default 4, or as .editorconfig says)')
    .option('--tabs', 'indent with tabs')
    .option('--align', 'align the values of consecutive simple directives')
    .option('--no-editorconfig', 'ignore .editorconfig files')
    .action((files: string[], flags: FmtFlags) => setExit(runFmt(files, flags)));
}

function runFmt(files: string[], flags: FmtFlags): number {
  const cli: FormatOptions = {};
  if (flags.indent !== undefined) {
    if (!/^\d+$/.test(flags.indent) || Number(flags.indent) > 16) {
      process.stderr.write(`mailconf fmt: --indent takes a number of spaces from 0 to 16, not "${flags.indent}"\n`);
      return 2;
    }
    cli.indentSize = Number(flags.indent);
    cli.useTabs = false;
  }
  if (flags.tabs) cli.useTabs = true;
  if (flags.align) cli.align = true;
  const inputs = files.length ? files : ['-'];
  if (flags.write && inputs.includes('-')) {
    process.stderr.write('mailconf fmt: --write needs file names; standard input cannot be rewritten\n');
    return 2;
  }

  let code = 0;
  for (const input of inputs) {
    code = Math.max(code, formatOne(input, cli, flags));
  }
  return code;
}

/** Formats one input; returns its exit code. */
function formatOne(input: string, cli: FormatOptions, flags: FmtFlags): number {
  const stdin = input === '-';
  const shown = stdin ? '-' : displayPath(path.resolve(input));
  let bytes: Uint8Array;
  try {
    bytes = stdin ? readStdinSync() : fs.readFileSync(input);
  } catch (err) {
    process.stderr.write(`mailconf fmt: cannot read ${input}: ${reason(err)}\n`);
    return 2;
  }
  const { text, encoding } = decodeSource(bytes);
  const file = parse(text, { path: shown });
  if (file.errors.length) {
    const lines = file.errors.map((e) => `${shown}:${e.line}:${e.range.start.column}: ${e.message}${e.hint ? ` (${e.hint})` : ''}`);
    process.stderr.write(`${lines.join('\n')}\n${shown}: not formatted: syntax errors\n`);
    return 2;
  }

  // Command-line flags win over .editorconfig, which wins over the defaults.
  const options: FormatOptions = { ...(flags.editorconfig && !stdin ? editorconfigOptions(input) : {}), ...cli };
  const formatted = format(file, options);
  const problem = verifyFormatted(file, formatted);
  if (problem) {
    process.stderr.write(`mailconf fmt: internal error on ${shown}: ${problem}; the file is left as it is\n`);
    return 2;
  }
  const changed = formatted !== text;

  if (!flags.write && !flags.check && !flags.diff) {
    process.stdout.write(encodeSource(formatted, encoding));
    return 0;
  }
  if (flags.diff && changed) process.stdout.write(encodeSource(unifiedDiff(text, formatted, shown), encoding));
  if (flags.check && changed && !flags.diff) process.stdout.write(`${shown}\n`);
  if (flags.write && changed) {
    try {
      writeAtomically(input, encodeSource(formatted, encoding));
    } catch (err) {
      process.stderr.write(`mailconf fmt: cannot write ${input}: ${reason(err)}\n`);
      return 2;
    }
  }
  return flags.check && changed ? 1 : 0;
}

/**
 * Replaces a file's contents so that a reader sees either the old or the new text, never a
 * half-written one: a temporary file in the same directory (same file system), flushed,
 * given the original's permissions, then renamed over it. A symbolic link is followed, so
 * the link stays a link.
 */
function writeAtomically(file: string, bytes: Uint8Array): void {
  const target = fs.realpathSync(file);
  const stat = fs.statSync(target);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.fmt-tmp`);
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'wx', stat.mode & 0o7777);
    fs.writeSync(fd, bytes);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    // The mode given to open() is reduced by the umask: set it exactly.
    fs.chmodSync(tmp, stat.mode & 0o7777);
    try {
      fs.chownSync(tmp, stat.uid, stat.gid);
    } catch {
      // Only a privileged user can give a file away; the owner is then the writer.
    }
    fs.renameSync(tmp, target);
  } catch (err) {
    if (fd !== null) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return e.message;
  }
}
