/**
 * Standard input, read whole and synchronously. `fs.readFileSync(0)` fails with EAGAIN when
 * stdin is a non-blocking pipe whose writer has not written yet (`slow-command | mailconf lint -`):
 * this reads in a loop and waits a little whenever nothing is there yet, until end of file.
 */
import * as fs from 'node:fs';

const WAIT_MS = 5;

export function readStdinSync(fd = 0): Buffer {
  const chunks: Buffer[] = [];
  const buf = Buffer.allocUnsafe(64 * 1024);
  let pause: Int32Array | undefined;
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(fd, buf, 0, buf.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Windows reports the end of a pipe as an error.
      if (code === 'EOF') break;
      if (code !== 'EAGAIN') throw err;
      // Nothing yet: sleep without spinning (Atomics.wait blocks this thread for the time given).
      pause ??= new Int32Array(new SharedArrayBuffer(4));
      Atomics.wait(pause, 0, 0, WAIT_MS);
      continue;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}
