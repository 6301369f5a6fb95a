/**
 * The other ends of the proxy for tests: an auth_http server (Node http, or raw bytes for
 * malformed answers) that records requests, small IMAP/POP3 backends, and an SMTP sink
 * that records what it was sent. All on 127.0.0.1, ports picked by the OS.
 */
import * as http from 'node:http';
import * as net from 'node:net';

export interface AuthRequestSeen {
  /** Header lines exactly as received, in order (`Name: value`). */
  lines: string[];
  headers: Record<string, string>;
  raw: Buffer;
}

/** What the auth server answers: headers (an OK or failure), raw bytes, or nothing (hang). */
export type AuthAnswer = { headers: Record<string, string | number>; delayMs?: number } | { raw: Buffer | string; delayMs?: number; close?: boolean } | { hang: true };

export interface AuthServer {
  port: number;
  requests: AuthRequestSeen[];
  close(): Promise<void>;
}

/**
 * A raw TCP auth server: reads one request head, records it, answers as `policy` says.
 * Raw TCP (not node:http) so that headers arrive exactly as nginx would send them and
 * answers can be malformed.
 */
export function startAuthServer(policy: (req: AuthRequestSeen) => AuthAnswer): Promise<AuthServer> {
  const requests: AuthRequestSeen[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((c) => {
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
    c.on('error', () => {});
    let buf = Buffer.alloc(0);
    c.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buf.subarray(0, end).toString('latin1');
      const lines = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      const seen = { lines, headers, raw: buf.subarray(0, end + 4) };
      requests.push(seen);
      const answer = policy(seen);
      if ('hang' in answer) return;
      const reply = () => {
        if ('raw' in answer) {
          c.write(answer.raw);
          if (answer.close !== false) c.end();
          return;
        }
        const body = ['HTTP/1.0 200 OK', ...Object.entries(answer.headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n') + '\r\n\r\n';
        c.end(body);
      };
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        requests,
        close: () =>
          new Promise<void>((res) => {
            for (const s of sockets) s.destroy();
            server.close(() => res());
          }),
      }),
    ),
  );
}

export interface Backend {
  port: number;
  /** Everything each connection sent, in order. */
  received: Buffer[];
  connections: number;
  close(): Promise<void>;
}

type LineHandler = (line: string, send: (s: string) => void, end: () => void, state: Record<string, unknown>) => void;

/** A line-based backend: greets, then answers each line with `onLine` (a leading PROXY v1 header is not answered). */
function lineBackend(greeting: string, onLine: LineHandler): Promise<Backend> {
  const received: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const b = { port: 0, received, connections: 0, close: async () => {} };
  const server = net.createServer((c) => {
    b.connections++;
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
    c.on('error', () => {});
    const index = received.length;
    received.push(Buffer.alloc(0));
    const state: Record<string, unknown> = {};
    let pending = Buffer.alloc(0);
    c.write(greeting);
    c.on('data', (d) => {
      received[index] = Buffer.concat([received[index]!, d]);
      pending = Buffer.concat([pending, d]);
      for (;;) {
        // IMAP literal: wait for its bytes
        const need = state.literal as number | undefined;
        if (need !== undefined) {
          if (pending.length < need) return;
          state.literalData = pending.subarray(0, need).toString('latin1');
          pending = pending.subarray(need);
          state.literal = undefined;
        }
        const nl = pending.indexOf('\n');
        if (nl === -1) return;
        const line = pending.subarray(0, nl + 1).toString('latin1').replace(/\r?\n$/, '');
        pending = pending.subarray(nl + 1);
        // a PROXY protocol v1 header from the proxy (`proxy_protocol on`) is only recorded
        if (line.startsWith('PROXY ') && !state.seenCommand) continue;
        state.seenCommand = true;
        onLine(
          line,
          (s) => c.write(s),
          () => c.end(),
          state,
        );
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      b.port = (server.address() as net.AddressInfo).port;
      b.close = () =>
        new Promise<void>((res) => {
          for (const s of sockets) s.destroy();
          server.close(() => res());
        });
      resolve(b);
    }),
  );
}

/** IMAP backend: LOGIN with literals (password `secret`), NOOP, LOGOUT. */
export function startImapBackend(): Promise<Backend> {
  return lineBackend('* OK fake imap ready\r\n', (line, send, end, st) => {
    const lit = /\{(\d+)\}$/.exec(line);
    const parts = (st.parts as string[] | undefined) ?? [];
    if (lit) {
      parts.push(line);
      st.parts = parts;
      st.literal = Number(lit[1]);
      send('+ OK\r\n');
      return;
    }
    const full = [...parts, line].join('|');
    st.parts = [];
    const tag = full.split(' ')[0]!;
    const verb = (full.split(' ')[1] ?? '').toUpperCase();
    if (verb === 'LOGIN') send(st.literalData === 'secret' ? `${tag} OK Logged in\r\n` : `${tag} NO [AUTHENTICATIONFAILED] Authentication failed.\r\n`);
    else if (verb === 'NOOP') send(`${tag} OK NOOP completed.\r\n`);
    else if (verb === 'LOGOUT') {
      send(`* BYE Logging out\r\n${tag} OK Logout completed.\r\n`);
      end();
    } else send(`${tag} BAD unknown\r\n`);
  });
}

/** POP3 backend: USER/PASS (password `secret`), STAT, QUIT. */
export function startPop3Backend(): Promise<Backend> {
  return lineBackend('+OK fake pop3 ready\r\n', (line, send, end) => {
    const u = line.toUpperCase();
    if (u.startsWith('USER ')) send('+OK\r\n');
    else if (u.startsWith('PASS ')) send(line.slice(5) === 'secret' ? '+OK Logged in.\r\n' : '-ERR [AUTH] Authentication failed.\r\n');
    else if (u.startsWith('STAT')) send('+OK 0 0\r\n');
    else if (u.startsWith('QUIT')) {
      send('+OK Logging out.\r\n');
      end();
    } else send('-ERR Unknown command.\r\n');
  });
}

export interface SmtpMessage {
  from: string;
  to: string[];
  data: string;
}

/** An SMTP sink: EHLO/HELO/XCLIENT/AUTH PLAIN/MAIL/RCPT/DATA/QUIT; keeps the messages. */
export async function startSmtpSink(): Promise<Backend & { messages: SmtpMessage[] }> {
  const messages: SmtpMessage[] = [];
  const b = await lineBackend('220 sink.example.test ESMTP\r\n', (line, send, end, st) => {
    if (st.data) {
      if (line === '.') {
        st.data = false;
        messages.push({ from: st.from as string, to: st.to as string[], data: st.body as string });
        send('250 2.0.0 Ok: queued\r\n');
      } else st.body = (st.body as string) + line + '\n';
      return;
    }
    const u = line.toUpperCase();
    if (u.startsWith('EHLO')) send('250-sink.example.test\r\n250-XCLIENT ADDR LOGIN NAME HELO\r\n250 8BITMIME\r\n');
    else if (u.startsWith('HELO')) send('250 sink.example.test\r\n');
    else if (u.startsWith('XCLIENT')) send('220 sink.example.test ESMTP\r\n');
    else if (u.startsWith('AUTH PLAIN ')) send(Buffer.from(line.slice(11), 'base64').toString().split('\0')[2] === 'secret' ? '235 2.7.0 Ok\r\n' : '535 5.7.8 no\r\n');
    else if (u.startsWith('MAIL FROM:')) {
      st.from = line.slice(10);
      st.to = [];
      send('250 2.1.0 Ok\r\n');
    } else if (u.startsWith('RCPT TO:')) {
      (st.to as string[]).push(line.slice(8));
      send('250 2.1.5 Ok\r\n');
    } else if (u === 'DATA') {
      st.data = true;
      st.body = '';
      send('354 go ahead\r\n');
    } else if (u === 'QUIT') {
      send('221 2.0.0 Bye\r\n');
      end();
    } else if (u === 'RSET' || u === 'NOOP') send('250 2.0.0 Ok\r\n');
    else send('502 5.5.2 unknown\r\n');
  });
  return Object.assign(b, { messages });
}

/** Resolves when an HTTP-speaking process answers on the port (used for readiness checks). */
export function httpGet(port: number, path = '/'): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, (res) => resolve(res.statusCode ?? 0)).on('error', reject);
  });
}
