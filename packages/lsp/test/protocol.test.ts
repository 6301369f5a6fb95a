/**
 * The server as a process: `mailconf lsp` over each transport (stdio, Node IPC, a socket),
 * the capabilities it announces, shutdown and exit, and the command's usage errors.
 */
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createProtocolConnection,
  IPCMessageReader,
  IPCMessageWriter,
  type InitializeResult,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { LspClient } from './support/client.js';
import { fixturesDir } from './support/fixtures.js';
import { serverBundle } from './support/server-bundle.js';

async function handshake(connection: ProtocolConnection): Promise<InitializeResult> {
  connection.listen();
  const result = await connection.sendRequest<InitializeResult>('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  await connection.sendNotification('initialized', {});
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  return result;
}

function exitOf(proc: ReturnType<typeof spawn>): Promise<number | null> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve(proc.exitCode);
    proc.once('exit', (code) => resolve(code));
  });
}

describe('mailconf lsp', () => {
  it('--stdio: initializes, serves, shuts down and exits 0', async () => {
    const client = await LspClient.start({ viaCli: true });
    expect(client.initializeResult.serverInfo?.name).toBe('mailconf');
    const doc = await client.open(path.join(fixturesDir, 'diagnostics/plaintext-imap.conf'));
    expect((await client.diagnostics(doc)).map((d) => d.code)).toEqual(['plaintext-auth-without-tls']);
    const exited = exitOf(client.proc);
    await client.stop();
    expect(await exited).toBe(0);
  });

  it('--node-ipc: talks over the IPC channel', async () => {
    const bundle = await serverBundle('cli');
    const proc = spawn(process.execPath, [bundle, 'lsp', '--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const connection = createProtocolConnection(new IPCMessageReader(proc), new IPCMessageWriter(proc));
    const result = await handshake(connection);
    expect(result.capabilities.hoverProvider).toBe(true);
    expect(await exitOf(proc)).toBe(0);
    connection.dispose();
  });

  it('--socket=N: connects to the editor on that port', async () => {
    const bundle = await serverBundle('cli');
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
    const proc = spawn(process.execPath, [bundle, 'lsp', `--socket=${port}`], { stdio: 'ignore' });
    const socket = await accepted;
    const connection = createProtocolConnection(socket, socket);
    const result = await handshake(connection);
    expect(result.capabilities.completionProvider).toBeDefined();
    expect(await exitOf(proc)).toBe(0);
    connection.dispose();
    server.close();
  });

  it('refuses a socket that is not a port number', async () => {
    const bundle = await serverBundle('cli');
    const proc = spawn(process.execPath, [bundle, 'lsp', '--socket', 'abc'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    proc.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    expect(await exitOf(proc)).toBe(2);
    expect(err).toContain('--socket expects a port number');
  });
});

describe('capabilities', () => {
  it('announces every feature, and push diagnostics to a client that cannot pull', async () => {
    const client = await LspClient.start();
    const caps = client.initializeResult.capabilities;
    await client.stop();
    expect(caps.textDocumentSync).toEqual({ openClose: true, change: 2 });
    expect(caps.diagnosticProvider).toBeUndefined();
    expect(caps.completionProvider).toEqual({ triggerCharacters: [' ', '-'], resolveProvider: true });
    expect(caps.signatureHelpProvider).toEqual({ triggerCharacters: [' '], retriggerCharacters: ['='] });
    expect(caps.documentOnTypeFormattingProvider).toEqual({ firstTriggerCharacter: ';', moreTriggerCharacter: ['}'] });
    expect(caps.codeActionProvider).toEqual({ codeActionKinds: ['quickfix', 'source.fixAll.mailconf'] });
    expect(caps.executeCommandProvider).toEqual({ commands: ['mailconf.openRuleDocs'] });
    for (const k of [
      'hoverProvider',
      'documentFormattingProvider',
      'documentRangeFormattingProvider',
      'documentSymbolProvider',
      'foldingRangeProvider',
      'selectionRangeProvider',
      'definitionProvider',
    ] as const) {
      expect(caps[k], k).toBe(true);
    }
    expect(caps.semanticTokensProvider).toMatchObject({ full: true, range: true });
    expect(caps.documentLinkProvider).toBeDefined();
    expect(caps.inlayHintProvider).toBeDefined();
  });
});
