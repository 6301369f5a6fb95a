import type { Command } from 'commander';
import { registerParse } from './parse.js';

/** Sets the process exit code once a command has finished. */
export type SetExit = (code: number) => void;

export function registerCommands(program: Command, setExit: SetExit): void {
  registerParse(program, setExit);
}
