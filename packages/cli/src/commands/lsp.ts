/**
 * `mailconf lsp`: the language server, for any editor that speaks LSP. It talks JSON-RPC over
 * standard input and output by default (`--stdio`), or over Node IPC (`--node-ipc`), a TCP
 * port (`--socket=N`) or a named pipe (`--pipe=NAME`), and runs until the editor sends
 * `exit`. See docs/lsp.md.
 */
import type { Command } from 'commander';
import type { SetExit } from './index.js';
import { keepRunningWhenReadersGo, writeErr } from '../io/output.js';

interface LspFlags {
  stdio?: boolean;
  nodeIpc?: boolean;
  socket?: string;
  pipe?: string;
}

export function registerLsp(program: Command, setExit: SetExit): void {
  program
    .command('lsp')
    .description('run the language server for editors (diagnostics, hover, completion, formatting, ...)')
    .option('--stdio', 'talk over standard input and output (the default)')
    .option('--node-ipc', 'talk over the Node IPC channel (when the editor forks the server)')
    .option('--socket <port>', 'connect to the editor on this TCP port')
    .option('--pipe <name>', 'connect to the editor on this named pipe or socket file')
    // Editors add their own arguments, such as --clientProcessId=N (read by the server).
    .allowUnknownOption()
    .action(async (flags: LspFlags) => {
      keepRunningWhenReadersGo();
      if (flags.socket !== undefined && !/^\d+$/.test(flags.socket)) {
        writeErr(`mailconf lsp: --socket expects a port number, not "${flags.socket}"\n`);
        return setExit(2);
      }
      // The server reads its transport from the process arguments: put it there in the one
      // spelling it understands, whatever spelling was used here.
      const transport = flags.nodeIpc
        ? '--node-ipc'
        : flags.socket !== undefined
          ? `--socket=${flags.socket}`
          : flags.pipe !== undefined
            ? `--pipe=${flags.pipe}`
            : '--stdio';
      const passThrough: string[] = [];
      const args = process.argv.slice(2);
      for (let i = 0; i < args.length; i++) {
        if (args[i] === '--clientProcessId' && args[i + 1] !== undefined) passThrough.push(args[i]!, args[++i]!);
        else if (args[i]!.startsWith('--clientProcessId=')) passThrough.push(args[i]!);
      }
      process.argv.splice(2, process.argv.length - 2, transport, ...passThrough);
      // Loaded here so that the other commands never pay for the server's dependencies.
      const { startServer } = await import('@mailconf/lsp');
      startServer();
      setExit(0);
    });
}
