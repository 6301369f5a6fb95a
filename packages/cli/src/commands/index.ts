import type { Command } from 'commander';
import { registerParse } from './parse.js';
import { registerFmt } from './fmt.js';
import { registerLint } from './lint.js';
import { registerExplain } from './explain.js';

/** Sets the process exit code once a command has finished. */
export type SetExit = (code: number) => void;

export function registerCommands(program: Command, setExit: SetExit): void {
  registerParse(program, setExit);
  registerFmt(program, setExit);
  registerLint(program, setExit);
  registerExplain(program, setExit);
}
