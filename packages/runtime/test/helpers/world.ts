/**
 * A whole test setup: auth server, backends, and the proxy running a hand-built model whose
 * servers point at them, with an error log in a temporary directory.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as net from 'node:net';
import { startProxy, type ProxyHandle } from '../../src/index.js';
import { buildModel, type ServerSpec } from './model.js';
import { startAuthServer, startImapBackend, startPop3Backend, startSmtpSink, type AuthAnswer, type AuthRequestSeen, type AuthServer, type Backend, type SmtpMessage } from './servers.js';

export interface World {
  proxy: ProxyHandle;
  /** Proxy port of each server spec, in order. */
  ports: number[];
  auth: AuthServer;
  imap: Backend;
  pop3: Backend;
  smtp: Backend & { messages: SmtpMessage[] };
  logFile: string;
  /** Error-log lines so far, without the date and pid prefix (`[info] *3 client ...`). */
  log(): string[];
  close(): Promise<void>;
}

export type Policy = (req: AuthRequestSeen, w: { imap: number; pop3: number; smtp: number }) => AuthAnswer;

/** Password `secret` is accepted (Auth-Pass echoed), anything else fails without Auth-Wait. */
export const defaultPolicy: Policy = (req, ports): AuthAnswer => {
  const proto = req.headers['auth-protocol'] as 'imap' | 'pop3' | 'smtp';
  const method = req.headers['auth-method'];
  if (req.headers['auth-pass'] === 'secret' || method === 'none' || method === 'cram-md5' || method === 'apop' || method === 'external') {
    return { headers: { 'Auth-Status': 'OK', 'Auth-Server': '127.0.0.1', 'Auth-Port': ports[proto], 'Auth-Pass': 'secret' } };
  }
  return { headers: { 'Auth-Status': 'Invalid login or password' } };
};

export async function startWorld(servers: ServerSpec[], policy: Policy = defaultPolicy, main: { workerConnections?: number; nginxVersion?: string; logLevel?: string } = {}): Promise<World> {
  const [imap, pop3, smtp] = await Promise.all([startImapBackend(), startPop3Backend(), startSmtpSink()]);
  const auth = await startAuthServer((req) => policy(req, { imap: imap.port, pop3: pop3.port, smtp: smtp.port }));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-runtime-'));
  const logFile = path.join(dir, 'error.log');
  const model = buildModel(
    servers.map((s) => ({ ...s, directives: `auth_http 127.0.0.1:${auth.port}/auth; ${s.directives ?? ''}` })),
    { errorLog: logFile, logLevel: main.logLevel ?? 'info', ...main },
  );
  const proxy = await startProxy(model, { prefix: dir, warn: () => {} });
  const ports = proxy.addresses().map((a) => (a as net.AddressInfo).port);
  return {
    proxy,
    ports,
    auth,
    imap,
    pop3,
    smtp,
    logFile,
    log: () =>
      fs.existsSync(logFile)
        ? fs
            .readFileSync(logFile, 'latin1')
            .split('\n')
            .filter(Boolean)
            .map((l) => l.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d (\[\w+\]) \d+#0: /, '$1 '))
        : [],
    close: async () => {
      await proxy.close();
      await Promise.all([auth.close(), imap.close(), pop3.close(), smtp.close()]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
