/**
 * The `mailconf` command. Each sub-command lives in its own module under commands/ and
 * registers itself on the program; this file only wires them together.
 */
import { Command } from 'commander';
import { registerCommands } from './commands/index.js';
import { directOutput, writeErr, writeOut } from './io/output.js';

export { VERSION } from './version.js';
export { restoreV8Defaults } from './heap-tuning.js';
import { VERSION } from './version.js';

export interface MainOptions {
  /**
   * Tune V8 for the command (heap-tuning.ts). For the `mailconf` process itself only: the
   * flags are process-wide, so a caller running commands in its own process (tests) leaves it off.
   */
  tuneHeap?: boolean;
  /**
   * Write to file descriptors 1 and 2 directly, without Node's stream objects, and stop writing
   * quietly when the reader goes away (io/output.ts). Also for the process itself only.
   */
  directOutput?: boolean;
}

/** Runs the CLI and resolves to the process exit code (0 ok, 1 findings, 2 usage or I/O error). */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  if (options.directOutput) directOutput();
  const program = new Command();
  program
    .name('mailconf')
    .description('Check, format, explain and run nginx mail proxy configurations (mail {}: IMAP, POP3, SMTP).')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr, writeOut });
  let exitCode = 0;
  await registerCommands(
    program,
    (code) => {
      exitCode = code;
    },
    argv,
    options.tuneHeap ?? false,
  );
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const e = err as { code?: string; exitCode?: number };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    if (typeof e.exitCode === 'number') return e.exitCode === 0 ? 0 : 2;
    throw err;
  }
  return exitCode;
}
