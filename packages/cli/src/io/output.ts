/**
 * Where the commands write: standard output and standard error.
 *
 * In the mailconf process itself (`directOutput()`, called by the bin) the text goes straight to
 * file descriptors 1 and 2 with synchronous writes. Node's `process.stdout` and
 * `process.stderr` are stream objects made on first use, each with the stream modules behind
 * it (about 1.5 ms apiece, and node:tty's 1.5 ms to ask whether a descriptor is a terminal):
 * 3–5 ms of a run that takes 40. A one-shot command writes its output once and exits, so
 * nothing is lost by writing synchronously; Node writes to files, pipes and terminals
 * synchronously on Linux anyway.
 *
 * Otherwise (a caller running commands in its own process, the tests) the streams are used, so
 * that what is written can be captured through them.
 */
import { builtin } from './builtin.js';

type Fs = typeof import('node:fs');

/** This is the mailconf process itself (not a caller running commands in its own process). */
let own = false;
let direct = false;
let guarded = false;
/** Set once the reader of a descriptor has gone away (EPIPE): later writes to it are dropped. */
const closed = [false, false, false];

/**
 * Writes to descriptors 1 and 2 from now on. A reader that goes away (`mailconf lint | head`)
 * ends the writing quietly and the command still exits with its own verdict, as cat and grep do.
 */
export function directOutput(): void {
  own = true;
  // A Windows console takes text as UTF-16 and colour once the stream asks for it: only the
  // stream objects do both, so there they stay, kept from ending the process on EPIPE.
  direct = process.platform !== 'win32';
  if (!direct) keepRunningWhenReadersGo();
}

/**
 * For the commands that keep running (`run`, `lsp`), whose libraries write through Node's
 * streams (the proxy's `error_log stderr`, the language server's protocol): a reader that goes
 * away must not end the process. Without a handler Node throws the stream's EPIPE error.
 */
export function keepRunningWhenReadersGo(): void {
  if (!own || guarded) return;
  guarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
}

export function writeOut(text: string | Uint8Array): void {
  if (direct) writeFd(1, text);
  else process.stdout.write(text);
}

export function writeErr(text: string | Uint8Array): void {
  if (direct) writeFd(2, text);
  else process.stderr.write(text);
}

/** Whether standard output (1) or error (2) is a terminal. */
export function isTerminal(fd: 1 | 2): boolean {
  if (!direct) return !!(fd === 1 ? process.stdout : process.stderr).isTTY;
  const fs = builtin<Fs>('node:fs');
  let st: import('node:fs').Stats;
  try {
    st = fs.fstatSync(fd);
  } catch {
    return false;
  }
  // Files, pipes and sockets are not terminals; nor is /dev/null, where output is often
  // thrown away. Only another character device needs node:tty's answer.
  if (!st.isCharacterDevice()) return false;
  try {
    const devNull = fs.statSync('/dev/null');
    if (st.rdev === devNull.rdev && st.ino === devNull.ino) return false;
  } catch {
    /* no /dev/null: ask node:tty */
  }
  return builtin<typeof import('node:tty')>('node:tty').isatty(fd);
}

function writeFd(fd: 1 | 2, text: string | Uint8Array): void {
  if (closed[fd]) return;
  const fs = builtin<Fs>('node:fs');
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let at = 0;
  while (at < bytes.length) {
    try {
      at += fs.writeSync(fd, bytes, at, bytes.length - at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        // A descriptor another process made non-blocking: wait for the reader, then go on.
        Atomics.wait(pause, 0, 0, 5);
        continue;
      }
      if (code === 'EPIPE') {
        closed[fd] = true;
        return;
      }
      throw err;
    }
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));
