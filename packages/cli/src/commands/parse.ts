/**
 * `mailconf parse FILE|-`: parse only. Prints syntax errors as `file:line:col: message`
 * (exit 1), or with `--format json` crossplane's payload (exit 1 when it has errors).
 */
import type { Command } from 'commander';
import { toCrossplane } from '@mailconf/syntax';
import { displayPath, InputError, readInput } from '../io/read-input.js';
import type { SetExit } from './index.js';
import { writeErr, writeOut } from '../io/output.js';

export function registerParse(program: Command, setExit: SetExit): void {
  program
    .command('parse')
    .description('parse a configuration (with its includes) and report syntax errors; --format json prints crossplane\'s payload')
    .argument('<file>', 'configuration file, or - for standard input')
    .option('-f, --format <format>', 'text or json', 'text')
    .option('--comments', 'include comments in the JSON payload')
    .option('--no-includes', 'do not follow include directives')
    .option('--indent <n>', 'indent the JSON payload by n spaces', '0')
    .action((file: string, opts: { format: string; comments?: boolean; includes: boolean; indent: string }) => {
      if (opts.format !== 'text' && opts.format !== 'json') {
        writeErr(`mailconf: unknown format "${opts.format}" (text or json)\n`);
        return setExit(2);
      }
      let set;
      try {
        // Text output needs only the errors: the trees are built only if an include is followed.
        set = readInput(file, { followIncludes: opts.includes, lazyTree: opts.format === 'text' });
      } catch (err) {
        if (err instanceof InputError) {
          writeErr(err.message + '\n');
          return setExit(2);
        }
        throw err;
      }
      if (opts.format === 'json') {
        const payload = toCrossplane(set, { comments: !!opts.comments });
        const indent = Number.parseInt(opts.indent, 10) || 0;
        writeOut(JSON.stringify(payload, null, indent || undefined) + '\n');
        return setExit(payload.status === 'ok' ? 0 : 1);
      }
      const lines: string[] = [];
      for (const [f, parsed] of set.files) {
        for (const e of parsed.errors) {
          lines.push(`${displayPath(f)}:${e.line}:${e.range.start.column}: ${e.message}${e.hint ? ` (${e.hint})` : ''}`);
        }
      }
      for (const i of set.issues) lines.push(`${displayPath(i.file)}:${i.line}:${i.range.start.column}: ${i.message}`);
      if (lines.length) writeOut(lines.join('\n') + '\n');
      setExit(lines.length ? 1 : 0);
    });
}
