/**
 * The backend connection during login (proxy-runtime.md §6): connect to the server the
 * auth server named, optionally send a PROXY header, then run the protocol's login
 * dialogue one reply at a time. Replies are collected in a `proxy_buffer`-sized buffer
 * until it holds at least 4 bytes ending in CRLF; only the start is checked. `timeout` is
 * one deadline for connect and the whole dialogue. On success the session starts proxying.
 */
import * as net from 'node:net';
import { TIMED_OUT } from '../errno.js';
import { StreamConn, AGAIN, ERROR, ownBufferOptions } from '../net/stream-conn.js';
import { CommandBuffer } from '../protocols/command-buffer.js';
import { ProxyPipe } from '../proxy-pipe.js';
import type { Closable, Session } from '../session.js';
import { Timer } from '../timer.js';
import { proxyProtocolV2 } from '../proxy-protocol.js';
import { giveBuffer, takeBuffer } from '../net/buffer-pool.js';
import { imapBackend } from './imap.js';
import { pop3Backend } from './pop3.js';
import { smtpBackend } from './smtp.js';

export type ReplyCheck = 'ok' | 'again' | 'invalid';

/** One protocol's login dialogue. */
export interface BackendDialogue {
  /** Whether the reply in `b` (from `b.pos`) is what `state` expects. */
  check(s: Session, b: CommandBuffer, state: number): { verdict: ReplyCheck; at: number };
  /** The next line to send, with the log action and the next state; `proxy` when logged in; `error` after logging why. */
  next(s: Session, up: Upstream): { line: Buffer; action: string; state: number } | 'proxy' | 'error';
  /** What the client receives when proxying starts. */
  firstReply(s: Session, up: Upstream): Buffer;
}

const DIALOGUES = { imap: imapBackend, pop3: pop3Backend, smtp: smtpBackend };

export class Upstream implements Closable {
  readonly conn: StreamConn;
  readonly buffer: CommandBuffer;
  state = 0;
  private readonly timer: Timer;
  private readonly dialogue: BackendDialogue;
  private done = false;

  constructor(
    private readonly s: Session,
    host: string,
    port: number,
  ) {
    s.action = 'connecting to upstream';
    this.dialogue = DIALOGUES[s.srv.protocol];
    this.buffer = new CommandBuffer(s.srv.proxy.bufferSize, takeBuffer(s.srv.proxy.bufferSize));
    // reads go into one proxy_buffer-sized buffer of the socket's own, as nginx's (proxy-pipe.ts)
    const own = ownBufferOptions(s.srv.proxy.bufferSize);
    const socket = net.connect({ host, port, allowHalfOpen: true, ...own });
    socket.setNoDelay(true);
    this.conn = new StreamConn(socket, own.onread.buffer);
    this.timer = new Timer(() => this.onRead(true));
    this.timer.set(s.srv.timeout);
    this.conn.onReadable = () => this.onRead(false);
    if (s.srv.proxy.proxyProtocol) this.conn.write(s.srv.proxy.proxyProtocol === 'v2' ? proxyProtocolV2Header(s) : proxyProtocolHeader(s));
  }

  private onRead(timedOut: boolean): void {
    const s = this.s;
    if (this.done || s.closed) return;
    if (timedOut) {
      s.info('upstream timed out', TIMED_OUT);
      return this.internalServerError();
    }
    const rc = this.readResponse();
    if (rc === 'again') return;
    if (rc === 'error') return this.upstreamError();
    const step = this.dialogue.next(s, this);
    if (step === 'error') return this.internalServerError();
    if (step === 'proxy') return this.startProxying();
    s.action = step.action;
    this.state = step.state;
    this.conn.write(step.line);
    this.buffer.rewind();
  }

  /** nginx's ngx_mail_proxy_read_response. */
  private readResponse(): 'ok' | 'again' | 'error' {
    const s = this.s;
    s.action = 'reading response from upstream';
    const b = this.buffer;
    const n = this.conn.recv(b.data, b.last, b.end - b.last);
    if (n === ERROR) {
      s.socketError('recv', this.conn.error, 'peer');
      return 'error';
    }
    if (n === 0) return 'error';
    if (n === AGAIN) return 'again';
    b.last += n;
    if (b.last - b.pos < 4) return 'again';
    const d = b.data;
    if (d[b.last - 2] !== 0x0d || d[b.last - 1] !== 0x0a) {
      if (b.last === b.end) {
        d[b.last - 1] = 0;
        s.error(Buffer.concat([Buffer.from('upstream sent too long response line: "'), cString(d, b.pos), Buffer.from('"')]));
        return 'error';
      }
      return 'again';
    }
    const { verdict, at } = this.dialogue.check(s, b, this.state);
    if (verdict === 'ok') return 'ok';
    if (verdict === 'again') return 'again';
    if (!s.srv.proxy.passErrorMessage) {
      d[b.last - 2] = 0;
      s.error(Buffer.concat([Buffer.from('upstream sent invalid response: "'), cString(d, at), Buffer.from('"')]));
      return 'error';
    }
    s.info(Buffer.concat([Buffer.from('upstream sent invalid response: "'), d.subarray(at, b.last - 2), Buffer.from('"')]));
    s.out = Buffer.from(d.subarray(b.pos, b.last));
    return 'error';
  }

  /** A failed backend: the backend's own reply (proxy_pass_error_message) or the internal error. */
  private upstreamError(): void {
    this.close();
    const s = this.s;
    if (!s.out) return s.internalServerError();
    s.quit = true;
    s.send();
  }

  private internalServerError(): void {
    this.close();
    this.s.internalServerError();
  }

  private startProxying(): void {
    const s = this.s;
    this.done = true;
    this.timer.clear();
    s.disown(this);
    s.action = null;
    s.info('client logged in');
    const toClient = this.dialogue.firstReply(s, this);
    const cb = s.buffer!;
    const toUpstream = Buffer.from(cb.data.subarray(cb.pos, cb.last));
    cb.rewind();
    // the reply buffer is done with: what the client gets was copied out
    giveBuffer(this.buffer.data);
    new ProxyPipe(s, this.conn, toClient, toUpstream).start();
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.timer.clear();
    this.s.disown(this);
    this.conn.close();
    giveBuffer(this.buffer.data);
    this.s.owner.releaseConnection();
  }
}

/** Bytes from `from` up to the first NUL (nginx logs these with %s). */
function cString(d: Buffer, from: number): Buffer {
  const nul = d.indexOf(0, from);
  return d.subarray(from, nul === -1 ? d.length : nul);
}

/** `PROXY TCP4 <client> <local> <client port> <local port>` CRLF for the backend (nginx's ngx_proxy_protocol_write). */
function proxyProtocolHeader(s: Session): Buffer {
  const sock = s.conn.socket;
  // the (realip-adjusted) client, and our own address: the listen, not a PROXY destination
  const family = s.clientFamily === 'ipv4' ? 'TCP4' : s.clientFamily === 'ipv6' ? 'TCP6' : null;
  if (!family) return Buffer.from('PROXY UNKNOWN\r\n');
  return Buffer.from(`PROXY ${family} ${s.clientAddr} ${sock.localAddress} ${s.clientPort} ${sock.localPort}\r\n`, 'latin1');
}

function proxyProtocolV2Header(s: Session): Buffer {
  const sock = s.conn.socket;
  const local = sock.localAddress ?? '';
  return proxyProtocolV2(
    { family: s.clientFamily, address: s.clientAddr, port: s.clientPort },
    { family: s.clientFamily === 'unix' ? 'unix' : net.isIPv6(local) ? 'ipv6' : 'ipv4', address: local, port: sock.localPort ?? 0 },
  );
}

export function connectBackend(s: Session, host: string, port: number): void {
  if (!s.owner.acquireConnection()) return s.internalServerError();
  s.readHandler = () => {};
  s.out = null;
  s.own(new Upstream(s, host, port));
}
