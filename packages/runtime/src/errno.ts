/**
 * nginx appends ` (errno: strerror)` to socket errors, with Linux numbers and glibc texts
 * (`recv() failed (111: Connection refused)`). Node reports the symbolic code; this maps it
 * back so log lines read as nginx's do.
 */

const TABLE: Record<string, [number, string]> = {
  EPERM: [1, 'Operation not permitted'],
  ENOENT: [2, 'No such file or directory'],
  EINTR: [4, 'Interrupted system call'],
  EIO: [5, 'Input/output error'],
  EBADF: [9, 'Bad file descriptor'],
  EAGAIN: [11, 'Resource temporarily unavailable'],
  ENOMEM: [12, 'Cannot allocate memory'],
  EACCES: [13, 'Permission denied'],
  EINVAL: [22, 'Invalid argument'],
  EMFILE: [24, 'Too many open files'],
  EPIPE: [32, 'Broken pipe'],
  ENOTSOCK: [88, 'Socket operation on non-socket'],
  EADDRINUSE: [98, 'Address already in use'],
  EADDRNOTAVAIL: [99, 'Cannot assign requested address'],
  ENETDOWN: [100, 'Network is down'],
  ENETUNREACH: [101, 'Network is unreachable'],
  ECONNABORTED: [103, 'Software caused connection abort'],
  ECONNRESET: [104, 'Connection reset by peer'],
  ENOBUFS: [105, 'No buffer space available'],
  ENOTCONN: [107, 'Transport endpoint is not connected'],
  ETIMEDOUT: [110, 'Connection timed out'],
  ECONNREFUSED: [111, 'Connection refused'],
  EHOSTDOWN: [112, 'Host is down'],
  EHOSTUNREACH: [113, 'No route to host'],
};

/** ` (111: Connection refused)` for an error code; unknown codes keep their name. */
export function errnoText(code: string | undefined): string {
  const known = code ? TABLE[code] : undefined;
  if (known) return ` (${known[0]}: ${known[1]})`;
  return code ? ` (${code})` : '';
}

/** The text nginx logs for a timer expiry: `(110: Connection timed out)`. */
export const TIMED_OUT = errnoText('ETIMEDOUT');

export function errorCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Errors nginx logs at the connection's own level (info for clients, error for peers); others are alerts. */
export function isCommonSocketError(code: string | undefined): boolean {
  return (
    code === undefined ||
    ['ECONNRESET', 'EPIPE', 'ENOTCONN', 'ETIMEDOUT', 'ECONNREFUSED', 'ENETDOWN', 'ENETUNREACH', 'EHOSTDOWN', 'EHOSTUNREACH'].includes(code)
  );
}
