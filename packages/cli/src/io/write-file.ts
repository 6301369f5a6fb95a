/**
 * Replaces a file's contents so that a reader sees either the old or the new text, never a
 * half-written one: a temporary file in the same directory (same file system), flushed,
 * given the original's permissions and owner, then renamed over it. A symbolic link is
 * followed, so the link stays a link. Used by `fmt --write` and `lint --fix`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Temporary files made by this process so far: with the pid and time, a name no other run has. */
let made = 0;

export function writeFileAtomic(file: string, bytes: Uint8Array): void {
  const target = fs.realpathSync(file);
  const stat = fs.statSync(target);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.mailconf-${process.pid}-${Date.now().toString(36)}-${made++}.tmp`);
  let fd: number | null = null;
  try {
    // 'wx': never over a file that is there (a leftover, or one planted).
    fd = fs.openSync(tmp, 'wx', stat.mode & 0o7777);
    fs.writeSync(fd, bytes);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    // The mode given to open() is reduced by the umask: set it exactly.
    fs.chmodSync(tmp, stat.mode & 0o7777);
    try {
      fs.chownSync(tmp, stat.uid, stat.gid);
    } catch {
      // Only a privileged user can give a file away; the owner is then the writer.
    }
    fs.renameSync(tmp, target);
  } catch (err) {
    if (fd !== null) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
