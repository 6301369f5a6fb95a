/**
 * `mailconf lint big.conf | head`: the reader goes away before mailconf has written all it
 * has, and each later write fails with EPIPE. Node reports that as an unhandled 'error' event
 * and prints a stack trace. A command-line tool should stop writing, say nothing, and still
 * exit with the code its work decided (so `set -o pipefail` sees lint's verdict), as cat
 * and grep do. For the mailconf process's own streams only (the bin), not for callers
 * running commands in-process.
 */
export function ignoreClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}
