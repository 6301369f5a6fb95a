import type { Command } from 'commander';
import { tuneForCommand } from '../heap-tuning.js';

/** Sets the process exit code once a command has finished. */
export type SetExit = (code: number) => void;

type Register = (program: Command, setExit: SetExit) => void;

/**
 * Each command is loaded only when it runs (or for --help): `mailconf parse` should not pay
 * for loading the proxy, the language server or the formatter.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  parse: async () => (await import('./parse.js')).registerParse,
  lint: async () => (await import('./lint.js')).registerLint,
  fmt: async () => (await import('./fmt.js')).registerFmt,
  explain: async () => (await import('./explain.js')).registerExplain,
  run: async () => (await import('./run.js')).registerRun,
  lsp: async () => (await import('./lsp.js')).registerLsp,
};

export async function registerCommands(program: Command, setExit: SetExit, argv: string[] = [], tuneHeap = false): Promise<void> {
  const named = argv.slice(2).find((a) => !a.startsWith('-'));
  // `mailconf --version` needs no command (help lists them all): 66 → 30 ms.
  const versionOnly = !named && argv.slice(2).some((a) => a === '-V' || a === '--version');
  const names = named && named in COMMANDS ? [named] : versionOnly ? [] : Object.keys(COMMANDS);
  if (named && tuneHeap) tuneForCommand(named);
  for (const name of names) (await COMMANDS[name]!())(program, setExit);
}
