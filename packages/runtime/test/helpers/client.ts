/**
 * A scripted client for tests: send bytes, read until a pattern, EOF or a quiet period,
 * and note whether the proxy closed the connection.
 */
import * as net from 'node:net';

export class TestClient {
  private buf = Buffer.alloc(0);
  closed = false;
  /** A reset (ECONNRESET) counts as closed; the proxy resets when it leaves input unread. */
  reset = false;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('end', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {
      this.closed = true;
      this.reset = true;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host }, () => resolve(new TestClient(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  send(data: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Reads until `pattern` matches what arrived (consumed up to the match end), EOF, or `timeoutMs`. */
  async read(pattern: RegExp = /\r\n/, timeoutMs = 3000): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const text = this.buf.toString('latin1');
      const m = pattern.exec(text);
      if (m) {
        const upto = m.index + m[0].length;
        this.buf = this.buf.subarray(upto);
        return text.slice(0, upto);
      }
      if (this.closed || Date.now() >= end) {
        this.buf = Buffer.alloc(0);
        return text;
      }
      await new Promise<void>((res) => {
        const t = setTimeout(res, Math.max(1, end - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  /** Everything that arrives until the connection closes or `quietMs` pass without data. */
  async drain(quietMs = 300, maxMs = 5000): Promise<string> {
    const start = Date.now();
    let out = '';
    for (;;) {
      const before = this.buf.length;
      await new Promise((r) => setTimeout(r, 20));
      if (this.buf.length === before && (this.closed || Date.now() - start >= quietMs)) break;
      if (Date.now() - start > maxMs) break;
      if (this.buf.length !== before) {
        out += this.buf.toString('latin1');
        this.buf = Buffer.alloc(0);
      }
    }
    out += this.buf.toString('latin1');
    this.buf = Buffer.alloc(0);
    return out;
  }

  /** Resolves once the proxy has closed the connection (true) or `timeoutMs` passed (false). */
  async waitClosed(timeoutMs = 3000): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}
