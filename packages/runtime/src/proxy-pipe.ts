/**
 * Proxying after a successful login (proxy-runtime.md §1.11, §1.9): bytes both ways, with
 * back-pressure; `proxy_timeout` re-armed only by events on the client connection (data
 * from the client, or a blocked write to it completing) — a chatty backend does not keep a
 * silent client alive. The session ends when one side has reached EOF and what it sent
 * has been passed on (or both reached EOF): both connections close, no half-close.
 *
 * Backend to client, bytes go from the backend socket's own read buffer (proxy_buffer
 * sized, as nginx's) straight into a write to the client; the backend is read again once
 * the kernel has taken them, so nothing is allocated or copied per chunk and a slow client
 * holds the backend back. Client to backend, Node's chunks are passed on as they are.
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
  /** A write to the client the kernel did not take at once; its completion is a client event. */
  private clientBlocked = false;
  /** The backend stopped reading: its buffer is still being written to the client. */
  private upstreamHeld = false;
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
    this.up.onReadable = () => this.run();
    this.up.sink = this.fromUpstream;
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

  /** Bytes in the backend's read buffer, valid during the call: false stops reading until they are written. */
  private readonly fromUpstream = (data: Buffer): boolean => {
    if (this.finished || this.s.closed) return false;
    this.sendToClient(data);
    if (this.s.conn.flushed) return true;
    this.upstreamHeld = true;
    return false;
  };

  // Writes count as blocked only when the kernel did not take everything at once (Node's
  // 'drain' also follows writes that went straight through, which for nginx are no event).

  private sendToUpstream(chunk: Buffer): void {
    this.toUpstream++;
    this.up.write(chunk, this.upstreamWritten);
    if (!this.up.flushed) this.upstreamBlocked = true;
  }

  private readonly upstreamWritten = (err?: Error | null): void => {
    this.toUpstream--;
    if (this.finished || this.s.closed) return;
    if (err) return this.writeFailed('upstream', err);
    if (this.upstreamBlocked && this.up.flushed) {
      this.upstreamBlocked = false;
      return this.run();
    }
    this.checkDone();
  };

  private sendToClient(chunk: Buffer): void {
    this.toClient++;
    this.s.conn.write(chunk, this.clientWritten);
    if (!this.s.conn.flushed) this.clientBlocked = true;
  }

  private readonly clientWritten = (err?: Error | null): void => {
    this.toClient--;
    if (this.finished || this.s.closed) return;
    if (err) return this.writeFailed('client', err);
    if (this.upstreamHeld && this.s.conn.flushed) {
      this.upstreamHeld = false;
      this.up.resumeReading();
    }
    if (this.clientBlocked && this.s.conn.flushed) {
      this.clientBlocked = false;
      return this.clientEvent();
    }
    this.checkDone();
  };

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
