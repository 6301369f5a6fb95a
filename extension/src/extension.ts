/**
 * The VS Code side of mailconf: starts the bundled language server (dist/server.js, built from
 * @mailconf/lsp) and connects it to every `nginx` document. Everything the extension does for
 * a configuration — diagnostics, hover, completion, formatting — comes from the server; this
 * file only wires the process and the settings.
 */
import * as path from 'node:path';
import { commands, window, workspace, type ExtensionContext } from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

/** Also the prefix of the `mailconf.trace.server` setting, which the client reads by this id. */
const CLIENT_ID = 'mailconf';

let client: LanguageClient | undefined;

function createClient(context: ExtensionContext): LanguageClient {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  // TransportKind.stdio makes the client fork the module with `--stdio`; the server's
  // connection reads that argument and talks JSON-RPC over stdin/stdout.
  const serverOptions: ServerOptions = {
    // A young generation capped at 16 MiB: the server's per-keystroke garbage dies young
    // (see packages/cli/bin/mailconf.js, which does the same for `mailconf lsp`).
    run: { module: serverModule, transport: TransportKind.stdio, options: { execArgv: ['--max-semi-space-size=16'] } },
    debug: {
      module: serverModule,
      transport: TransportKind.stdio,
      options: { execArgv: ['--nolazy', '--inspect=6009'] },
    },
  };
  // Included files can be anywhere under the workspace: any .conf change may change what a
  // document that includes it means, so the server hears about all of them.
  const watcher = workspace.createFileSystemWatcher('**/*.conf');
  context.subscriptions.push(watcher);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'nginx' }],
    synchronize: {
      configurationSection: 'mailconf',
      fileEvents: watcher,
    },
  };
  return new LanguageClient(CLIENT_ID, 'mailconf', serverOptions, clientOptions);
}

async function start(context: ExtensionContext): Promise<void> {
  client = createClient(context);
  try {
    await client.start();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    void window.showErrorMessage(`mailconf: the language server did not start: ${message}`);
  }
}

export async function activate(context: ExtensionContext): Promise<void> {
  context.subscriptions.push(
    commands.registerCommand('mailconf.restartServer', async () => {
      if (client) await client.restart();
      else await start(context);
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
