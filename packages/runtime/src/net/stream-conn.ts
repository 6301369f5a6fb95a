/**
 * A TCP, UNIX or TLS connection seen the way nginx sees a socket: bytes wait "in
 * the socket" until the session reads them with `recv` into its own buffer, a read event
 * (`onReadable`) fires when something arrives, EOF and errors are noticed only by a read,
 * and closing with unread bytes resets the connection as the kernel would.
 *
 * Node reads eagerly; the pending queue stands in for the kernel buffer (bounded: the
 * socket is paused above HIGH_WATER so a flood applies TCP back-pressure instead of memory).
 * A TLS socket can be layered on it (STARTTLS, implicit TLS).
 *
 * Sockets we open ourselves (backends) can read into one fixed buffer of their own
 * (`ownBufferOptions`, Node's `onread`), as nginx reads into its proxy buffer: while proxying, a
 * `sink` takes the bytes straight from that buffer, with no allocation per read.
 *
 * The socket's listeners are shared module-level functions that find their connection
 * through a symbol on the socket: no closures per connection.
 */
import type * as net from 'node:net';
import { giveBuffer, takeBuffer } from './buffer-pool.js';

export const AGAIN = -1;
export const ERROR = -2;

const HIGH_WATER = 64 * 1024;
/** How long a closed connection may keep flushing to a peer that does not read. */
const LINGER_MS = 5000;

const kConn = Symbol('mailconf.conn');
type Owned = net.Socket & { [kConn]?: StreamConn | null };

function onData(this: Owned, chunk: Buffer): void {
  this[kConn]?.received(chunk);
}
function onEnd(this: Owned): void {
  const c = this[kConn];
  if (!c || c.closed) return;
  c.eof = true;
  c.onReadable?.();
}
function onError(this: Owned, err: NodeJS.ErrnoException): void {
  // errors of a socket that was replaced (the plain socket under TLS) are not ours any more
  const c = this[kConn];
  if (!c || c.closed) return;
  c.error = err;
  c.onReadable?.();
}
function onClose(this: Owned): void {
  const c = this[kConn];
  if (!c) return;
  // nothing reads into the socket's own buffer any more
  if (c.ownBuffer) giveBuffer(c.ownBuffer);
  c.ownBuffer = null;
  this[kConn] = null;
  c.closed = true;
}
function lingerEnd(this: net.Socket): void {
  this.destroy();
}

/** Options for a socket we connect ourselves, so that it reads into a buffer of its own (`StreamConn.sink`); give them to the StreamConn too. */
export function ownBufferOptions(size: number): { onread: { buffer: Buffer; callback: (this: net.Socket, n: number, buf: Buffer) => boolean } } {
  return {
    onread: {
      buffer: takeBuffer(size),
      callback(this: net.Socket, n: number, buf: Buffer): boolean {
        const c = (this as Owned)[kConn];
        return c ? c.receivedInPlace(n, buf) : false;
      },
    },
  };
}

export class StreamConn {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private paused = false;
  eof = false;
  error: NodeJS.ErrnoException | null = null;
  closed = false;
  /** The read event: new bytes, EOF or an error arrived. */
  onReadable: (() => void) | null = null;
  /**
   * Takes bytes read into the socket's own buffer (`ownBufferOptions`) as they arrive,
   * bypassing the pending queue; the view is only valid during the call. Returns false to
   * stop reading until `resumeReading`.
   */
  sink: ((data: Buffer) => boolean) | null = null;

  constructor(
    public socket: net.Socket,
    /** The buffer the socket reads into (`ownBufferOptions`), pooled again once the socket has closed. */
    public ownBuffer: Buffer | null = null,
  ) {
    this.attach(socket);
  }

  private attach(socket: net.Socket): void {
    (socket as Owned)[kConn] = this;
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.on('close', onClose);
  }

  /** @internal a chunk Node allocated for us */
  received(chunk: Buffer): void {
    if (this.closed) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes > HIGH_WATER && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    this.onReadable?.();
  }

  /** @internal bytes read into the socket's own buffer, which the next read reuses */
  receivedInPlace(n: number, buf: Buffer): boolean {
    if (this.closed) return false;
    if (this.sink && this.pendingBytes === 0) return this.sink(buf.subarray(0, n));
    this.received(Buffer.from(buf.subarray(0, n)));
    return !this.paused;
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
      const head = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
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

  /** Reads again after a `sink` asked to stop. */
  resumeReading(): void {
    if (!this.closed && !this.paused) this.socket.resume();
  }

  /** Writes; `done` runs once the bytes are handed to the kernel (or with the error). Returns false when Node buffers beyond its mark. */
  write(data: Buffer, done?: (err?: Error | null) => void): boolean {
    if (this.closed || this.socket.destroyed) {
      done?.(Object.assign(new Error('write after close'), { code: 'EPIPE', syscall: 'write' }));
      return false;
    }
    return this.socket.write(data, done);
  }

  /** Whether everything written so far has been handed to the kernel. */
  get flushed(): boolean {
    return this.socket.writableLength === 0;
  }

  /** Closes as close(2) would: FIN after queued writes, or RST when received bytes were never read. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const s = this.socket;
    const plain = !('encrypted' in s);
    if (!s.destroyed) {
      if (this.pendingBytes > 0 && plain && typeof s.resetAndDestroy === 'function') {
        s.resetAndDestroy();
      } else if (s.connecting || (plain && s.writableLength === 0)) {
        // nothing left to write (or not connected yet): close the descriptor, as nginx
        // does; the kernel sends the FIN
        s.destroy();
      } else {
        // queued bytes (or TLS, which says close_notify) go first; a peer that stops
        // reading must not keep the socket forever
        s.end();
        const t = setTimeout(lingerEnd.bind(s), LINGER_MS);
        t.unref();
        s.once('close', () => clearTimeout(t));
      }
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.onReadable = null;
    this.sink = null;
  }

  /**
   * Layers a new socket on this one (TLS). Bytes received but not read yet are still "in the
   * socket", as they would be for nginx: the new layer reads them first.
   */
  upgrade(make: (plain: net.Socket) => net.Socket): net.Socket {
    const old = this.socket as Owned;
    old[kConn] = null;
    old.pause();
    for (let i = this.pending.length - 1; i >= 0; i--) old.unshift(this.pending[i]!);
    this.pending = [];
    this.pendingBytes = 0;
    this.paused = false;
    this.eof = false;
    this.error = null;
    const next = make(old);
    this.socket = next;
    this.attach(next);
    return next;
  }

  /**
   * Runs `cb` once new bytes (or EOF) arrive in the held socket, without reading them:
   * nginx's next read event. Bytes that came with what was read before (the pending queue)
   * raise no new event, as with edge-triggered epoll.
   */
  whenNewBytes(cb: () => void): void {
    if (this.closed) return;
    const s = this.socket;
    if (s.readableLength > 0 || s.readableEnded) return void process.nextTick(cb);
    s.once('readable', cb);
  }
}
