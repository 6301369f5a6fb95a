/**
 * Proxying after a successful login (proxy-runtime.md §1.11, §1.9): bytes both ways, with
 * back-pressure; `proxy_timeout` re-armed only by events on the client connection (data
 * from the client, or a blocked write to it completing) — a chatty backend does not keep a
 * silent client alive. The session ends when one side has reached EOF and what it sent
 * has been passed on (or both reached EOF): both connections close, no half-close.
 */
import { errnoText, errorCode, TIMED_OUT } from './errno.js';
import type { StreamConn } from './net/stream-conn.js';
import type { Closable, Session } from './session.js';

export class ProxyPipe implements Closable {
  private clientEof = false;
  private upstreamEof = false;
  private toUpstream = 0;
  private toClient = 0;
  private upstreamBlocked = false;
  private clientBlocked = false;
  private finished = false;

  constructor(
    private readonly s: Session,
    private readonly up: StreamConn,
    private readonly first: Buffer,
    private readonly leftover: Buffer,
  ) {}

  start(): void {
    const s = this.s;
    s.own(this);
    s.proxying = true;
    s.readHandler = (timedOut) => (timedOut ? this.timedOut() : this.clientEvent());
    s.conn.onDrain = () => {
      this.clientBlocked = false;
      this.clientEvent();
    };
    this.up.onReadable = () => this.run();
    this.up.onDrain = () => {
      this.upstreamBlocked = false;
      this.run();
    };
    if (this.first.length) this.sendToClient(this.first);
    if (this.leftover.length) this.sendToUpstream(this.leftover);
    this.clientEvent();
  }

  /** Something happened on the client connection: move data, then re-arm proxy_timeout. */
  private clientEvent(): void {
    this.run();
    if (!this.finished) this.s.readTimer.set(this.s.srv.proxy.timeout);
  }

  private timedOut(): void {
    this.s.action = 'proxying';
    this.s.info('client timed out', TIMED_OUT);
    this.s.close();
  }

  private run(): void {
    const s = this.s;
    if (this.finished || s.closed) return;
    // client -> upstream
    if (!this.upstreamBlocked && s.conn.available) {
      for (const chunk of s.conn.takeAll()) this.sendToUpstream(chunk);
    }
    if (!this.clientEof && s.conn.available === 0 && (s.conn.eof || s.conn.error)) {
      if (s.conn.error) {
        s.action = 'proxying and reading from client';
        s.socketError('recv', s.conn.error, 'client');
      }
      this.clientEof = true;
    }
    // upstream -> client
    if (!this.clientBlocked && this.up.available) {
      for (const chunk of this.up.takeAll()) this.sendToClient(chunk);
    }
    if (!this.upstreamEof && this.up.available === 0 && (this.up.eof || this.up.error)) {
      if (this.up.error) {
        s.action = 'proxying and reading from upstream';
        s.socketError('recv', this.up.error, 'peer');
      }
      this.upstreamEof = true;
    }
    if (this.finished || s.closed) return;
    s.action = 'proxying';
    this.checkDone();
  }

  private checkDone(): void {
    const s = this.s;
    if (
      (this.clientEof && this.toUpstream === 0) ||
      (this.upstreamEof && this.toClient === 0) ||
      (this.clientEof && this.upstreamEof)
    ) {
      s.action = null;
      s.info('proxied session done');
      s.action = 'proxying';
      s.close();
    }
  }

  private sendToUpstream(chunk: Buffer): void {
    this.toUpstream++;
    const more = this.up.write(chunk, (err) => {
      this.toUpstream--;
      if (this.finished || this.s.closed) return;
      if (err) return this.writeFailed('upstream', err);
      this.checkDone();
    });
    if (!more) this.upstreamBlocked = true;
  }

  private sendToClient(chunk: Buffer): void {
    this.toClient++;
    const more = this.s.conn.write(chunk, (err) => {
      this.toClient--;
      if (this.finished || this.s.closed) return;
      if (err) return this.writeFailed('client', err);
      this.checkDone();
    });
    if (!more) this.clientBlocked = true;
  }

  private writeFailed(to: 'client' | 'upstream', err: unknown): void {
    const s = this.s;
    s.action = to === 'client' ? 'proxying and sending to client' : 'proxying and sending to upstream';
    s.log(to === 'client' ? 'info' : 'error', 'send() failed', errnoText(errorCode(err)));
    s.close();
  }

  close(): void {
    if (this.finished) return;
    this.finished = true;
    this.s.disown(this);
    this.up.close();
    this.s.owner.releaseConnection();
  }
}
