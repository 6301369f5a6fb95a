/**
 * A TCP, UNIX or TLS connection seen the way nginx sees a socket: bytes wait "in
 * the socket" until the session reads them with `recv` into its own buffer, a read event
 * (`onReadable`) fires when something arrives, EOF and errors are noticed only by a read,
 * and closing with unread bytes resets the connection as the kernel would.
 *
 * Node reads eagerly; the pending queue stands in for the kernel buffer (bounded: the
 * socket is paused above HIGH_WATER so a flood applies TCP back-pressure instead of memory).
 * The socket can be swapped for a TLS socket wrapping it (STARTTLS, implicit TLS).
 */
import type * as net from 'node:net';

export const AGAIN = -1;
export const ERROR = -2;

const HIGH_WATER = 64 * 1024;

export class StreamConn {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private paused = false;
  eof = false;
  error: NodeJS.ErrnoException | null = null;
  closed = false;
  /** The read event: new bytes, EOF or an error arrived. */
  onReadable: (() => void) | null = null;
  /** A blocked write finished (Node's 'drain'). */
  onDrain: (() => void) | null = null;
  /** The socket is gone (closed by us or the peer); timers should stop. */
  onClose: (() => void) | null = null;

  constructor(public socket: net.Socket) {
    this.attach(socket);
  }

  private attach(socket: net.Socket): void {
    // events of a socket that was replaced (the plain socket under TLS) are not ours any more
    socket.on('data', (chunk: Buffer) => {
      if (this.closed || socket !== this.socket) return;
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes > HIGH_WATER && !this.paused) {
        this.paused = true;
        socket.pause();
      }
      this.onReadable?.();
    });
    socket.on('end', () => {
      if (this.closed || socket !== this.socket) return;
      this.eof = true;
      this.onReadable?.();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (this.closed || socket !== this.socket) return;
      this.error = err;
      this.onReadable?.();
    });
    socket.on('drain', () => {
      if (!this.closed && socket === this.socket) this.onDrain?.();
    });
    socket.on('close', () => {
      if (socket !== this.socket) return;
      const wasClosed = this.closed;
      this.closed = true;
      if (!wasClosed) this.onClose?.();
    });
  }

  /** Bytes received and not read yet. */
  get available(): number {
    return this.pendingBytes;
  }

  /** Whether a read now would return something (data, EOF or an error): nginx's `rev->ready`. */
  get ready(): boolean {
    return this.pendingBytes > 0 || this.eof || this.error !== null;
  }

  /**
   * Reads up to `len` bytes into `dst` at `off`: the count, 0 at EOF, ERROR (see `error`),
   * or AGAIN when nothing is there yet. Data is returned before EOF or errors.
   */
  recv(dst: Buffer, off: number, len: number): number {
    if (this.pendingBytes > 0) {
      if (len <= 0) return 0;
      let n = 0;
      while (n < len && this.pending.length) {
        const head = this.pending[0]!;
        const take = Math.min(head.length, len - n);
        head.copy(dst, off + n, 0, take);
        n += take;
        if (take === head.length) this.pending.shift();
        else this.pending[0] = head.subarray(take);
      }
      this.pendingBytes -= n;
      this.maybeResume();
      return n;
    }
    if (this.error) return ERROR;
    if (this.eof || this.closed) return 0;
    return AGAIN;
  }

  /** Up to `len` received bytes without consuming them (MSG_PEEK); AGAIN when none are there yet. */
  peek(len: number): Buffer | typeof AGAIN | typeof ERROR {
    if (this.pendingBytes > 0) {
      const head = Buffer.concat(this.pending);
      this.pending = [head];
      return head.subarray(0, len);
    }
    if (this.error) return ERROR;
    if (this.eof || this.closed) return Buffer.alloc(0);
    return AGAIN;
  }

  /** Takes everything pending (proxying reads in whole chunks). */
  takeAll(): Buffer[] {
    const out = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.maybeResume();
    return out;
  }

  /** Drops bytes not read yet (STARTTLS: what came before the handshake is discarded). */
  discardPending(): void {
    this.takeAll();
  }

  private maybeResume(): void {
    if (this.paused && this.pendingBytes < HIGH_WATER / 2 && !this.closed) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /** Stops reading from the socket (proxying applies back-pressure this way). */
  hold(on: boolean): void {
    if (this.closed) return;
    if (on) this.socket.pause();
    else if (!this.paused) this.socket.resume();
  }

  /** Writes; `done` runs once the bytes are handed to the kernel (or with the error). Returns false when Node buffers beyond its mark. */
  write(data: Buffer, done?: (err?: Error | null) => void): boolean {
    if (this.closed || this.socket.destroyed) {
      done?.(Object.assign(new Error('write after close'), { code: 'EPIPE', syscall: 'write' }));
      return false;
    }
    return this.socket.write(data, done);
  }

  /** Closes as close(2) would: FIN after queued writes, or RST when received bytes were never read. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const s = this.socket;
    const plain = !('encrypted' in s);
    if (this.pendingBytes > 0 && plain && typeof s.resetAndDestroy === 'function' && !s.destroyed) {
      s.resetAndDestroy();
    } else if (!s.destroyed) {
      s.end(() => s.destroy());
      // a peer that stops reading must not keep the socket forever
      setTimeout(() => s.destroy(), 5000).unref();
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.onReadable = null;
    this.onDrain = null;
    const cb = this.onClose;
    this.onClose = null;
    cb?.();
  }

  /** Aborts at once (shutdown, fatal errors). */
  destroy(): void {
    if (!this.closed) {
      this.closed = true;
      const cb = this.onClose;
      this.onClose = null;
      cb?.();
    }
    this.socket.destroy();
  }

  /** Replaces the socket with one layered on it (TLS); bytes pending on the old one are dropped. */
  replaceSocket(socket: net.Socket): void {
    this.discardPending();
    this.socket = socket;
    this.eof = false;
    this.error = null;
    this.attach(socket);
  }
}
