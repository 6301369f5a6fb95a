/**
 * `mailconf fmt [FILE...|-]`: formats configurations without changing what nginx reads.
 * Prints the result (default), rewrites files in place (`--write`, atomically), lists the
 * files that would change (`--check`, exit 1) or prints a unified diff (`--diff`).
 * A file with syntax errors is never reformatted: its errors are printed and the exit code
 * is 2. Exit codes: 0 ok, 1 `--check` found files to change, 2 usage, I/O or syntax errors.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { editorconfigOptions, format, newSyntaxError, unifiedDiff, verifyFormatted, type FormatOptions } from '@mailconf/format';
import { decodeSource, encodeSource, parse } from '@mailconf/syntax';
import { displayPath } from '../io/read-input.js';
import { readStdinSync } from '../io/read-stdin.js';
import type { SetExit } from './index.js';
import { writeErr, writeOut } from '../io/output.js';
import { inputRead } from '../heap-tuning.js';
import { writeFileAtomic } from '../io/write-file.js';

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
      writeErr(`mailconf fmt: --indent takes a number of spaces from 0 to 16, not "${flags.indent}"\n`);
      return 2;
    }
    cli.indentSize = Number(flags.indent);
    cli.useTabs = false;
  }
  if (flags.tabs) cli.useTabs = true;
  if (flags.align) cli.align = true;
  const inputs = files.length ? files : ['-'];
  if (flags.write && inputs.includes('-')) {
    writeErr('mailconf fmt: --write needs file names; standard input cannot be rewritten\n');
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
    writeErr(`mailconf fmt: cannot read ${input}: ${reason(err)}\n`);
    return 2;
  }
  inputRead(bytes.length);
  const { text, encoding } = decodeSource(bytes);
  const file = parse(text, { path: shown, encoding });
  if (file.errors.length) {
    const lines = file.errors.map((e) => `${shown}:${e.line}:${e.range.start.column}: ${e.message}${e.hint ? ` (${e.hint})` : ''}`);
    writeErr(`${lines.join('\n')}\n${shown}: not formatted: syntax errors\n`);
    return 2;
  }

  // Command-line flags win over .editorconfig, which wins over the defaults.
  const options: FormatOptions = { ...(flags.editorconfig && !stdin ? editorconfigOptions(input) : {}), ...cli };
  let formatted: string;
  try {
    formatted = format(file, options);
  } catch (err) {
    // A string past V8's limit (indentation grows with the square of the depth: 12,000 nested blocks).
    if (!(err instanceof RangeError)) throw err;
    writeErr(`mailconf fmt: ${shown}: not formatted: the result would be too large (${err.message}); try --indent 0\n`);
    return 2;
  }
  const tooLong = newSyntaxError(file, formatted);
  if (tooLong) {
    writeErr(`mailconf fmt: ${shown}: not formatted: nginx would refuse the result (line ${tooLong.line}: ${tooLong.message}: whitespace added next to a long word or comment counts in nginx's 4096-byte buffer), the file is left as it is\n`);
    return 2;
  }
  const problem = verifyFormatted(file, formatted);
  if (problem) {
    writeErr(`mailconf fmt: internal error on ${shown}: ${problem}; the file is left as it is\n`);
    return 2;
  }
  const changed = formatted !== text;

  if (!flags.write && !flags.check && !flags.diff) {
    writeOut(encodeSource(formatted, encoding));
    return 0;
  }
  if (flags.diff && changed) writeOut(encodeSource(unifiedDiff(text, formatted, shown), encoding));
  if (flags.check && changed && !flags.diff) writeOut(`${shown}\n`);
  if (flags.write && changed) {
    try {
      writeFileAtomic(input, encodeSource(formatted, encoding));
    } catch (err) {
      writeErr(`mailconf fmt: cannot write ${input}: ${reason(err)}\n`);
      return 2;
    }
  }
  return flags.check && changed ? 1 : 0;
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
