/**
 * @mailconf/lsp: the mailconf language server. `startServer()` serves one editor over the
 * transport named on the command line (`--stdio`, `--node-ipc`, `--socket=N`, `--pipe=NAME`,
 * as vscode-languageserver reads them; standard input and output when none is given) until
 * the editor says exit. `mailconf lsp` and the VS Code extension both run it.
 */
import { createConnection, ProposedFeatures, type Connection } from 'vscode-languageserver/node';
import { createServer, type ServerOptions } from './server.js';
import { describeError } from './safe.js';

export { createServer, type ServerOptions } from './server.js';
export { LEGEND as SEMANTIC_TOKENS_LEGEND } from './features/semantic-tokens.js';
export { OPEN_RULE_DOCS, FIX_ALL_KIND } from './features/code-actions.js';

const TRANSPORTS = /^--(stdio|node-ipc|socket|pipe)(=|$)/;

export function startServer(options: ServerOptions = {}): void {
  const hasTransport = process.argv.slice(2).some((a) => TRANSPORTS.test(a));
  const connection: Connection = hasTransport
    ? createConnection(ProposedFeatures.all)
    : createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  // Last line of defence: whatever escapes a handler is logged, and the server carries on.
  process.on('uncaughtException', (err) => connection.console.error(`mailconf: uncaught: ${describeError(err)}`));
  process.on('unhandledRejection', (err) => connection.console.error(`mailconf: unhandled rejection: ${describeError(err)}`));
  createServer(connection, options);
  connection.listen();
}
