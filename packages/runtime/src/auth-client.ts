/**
 * One auth_http exchange on its own TCP (or UNIX) connection: write the request, read at
 * most 1024 bytes of answer through the incremental parser, report headers as they are
 * parsed and how it ended. `auth_http_timeout` bounds connect, write and read together.
 */
import * as net from 'node:net';
import { AUTH_RESPONSE_LIMIT, AuthResponseParser } from './auth-http.js';
import type { AuthPeer } from './server-config.js';
import { Timer } from './timer.js';

export type AuthFailure =
  /** The connection failed or reset: log `<syscall>() failed (errno)`. */
  | { kind: 'socket'; syscall: 'recv' | 'send' | 'connect'; error: unknown }
  /** auth_http_timeout passed. */
  | { kind: 'timeout' }
  /** EOF before the end of the headers, or more than 1024 bytes: no log line. */
  | { kind: 'eof' }
  | { kind: 'invalid-header' }
  | { kind: 'invalid-response' };

export interface AuthSink {
  header(name: Buffer, value: Buffer): void;
  /** The empty line ending the headers was read; the connection is closed. */
  done(): void;
  failed(f: AuthFailure): void;
}

export class AuthExchange {
  private readonly socket: net.Socket;
  private readonly parser = new AuthResponseParser();
  private readonly timer: Timer;
  private finished = false;

  constructor(peer: AuthPeer, request: Buffer, timeoutMs: number, private readonly sink: AuthSink) {
    this.socket = net.connect({ ...peer.connect, allowHalfOpen: true });
    this.timer = new Timer(() => this.fail({ kind: 'timeout' }));
    this.timer.set(timeoutMs);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('end', () => this.fail({ kind: 'eof' }));
    this.socket.on('error', (err: NodeJS.ErrnoException) => {
      // nginx notices a refused connect when it first reads; other connect errors at connect()
      const syscall = err.syscall === 'connect' && err.code !== 'ECONNREFUSED' ? 'connect' : err.syscall === 'write' || err.syscall === 'writev' ? 'send' : 'recv';
      this.fail({ kind: 'socket', syscall, error: err });
    });
    this.socket.write(request);
  }

  private onData(chunk: Buffer): void {
    if (this.finished) return;
    const space = AUTH_RESPONSE_LIMIT - this.parser.size;
    // nginx reads into a 1024-byte buffer; once it is full the next read returns 0 (EOF)
    if (space === 0) return this.fail({ kind: 'eof' });
    const events = this.parser.feed(chunk.subarray(0, space));
    for (const ev of events) {
      if (this.finished) return;
      if (ev.kind === 'header') this.sink.header(ev.name, ev.value);
      else if (ev.kind === 'done') {
        this.finish();
        this.sink.done();
        return;
      } else return this.fail({ kind: ev.kind });
    }
    if (chunk.length > space) this.fail({ kind: 'eof' });
  }

  private finish(): void {
    this.finished = true;
    this.timer.clear();
    this.socket.destroy();
  }

  private fail(f: AuthFailure): void {
    if (this.finished) return;
    this.finish();
    this.sink.failed(f);
  }

  /** Aborts without reporting (the session is going away). */
  close(): void {
    if (this.finished) return;
    this.finish();
  }
}
