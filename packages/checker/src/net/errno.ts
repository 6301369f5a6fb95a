/**
 * nginx appends ` (errno: strerror)` to system errors, with Linux numbers and glibc texts
 * (`bind() to 192.0.2.1:143 failed (99: Cannot assign requested address)`, `recv() failed
 * (111: Connection refused)`). Node reports the symbolic code (and libuv words it otherwise);
 * this maps it back, for the checker's socket checks and the proxy runtime's log lines alike.
 */

export const ERRNO: Record<string, [number, string]> = {
  EPERM: [1, 'Operation not permitted'],
  ENOENT: [2, 'No such file or directory'],
  EINTR: [4, 'Interrupted system call'],
  EIO: [5, 'Input/output error'],
  EBADF: [9, 'Bad file descriptor'],
  EAGAIN: [11, 'Resource temporarily unavailable'],
  ENOMEM: [12, 'Cannot allocate memory'],
  EACCES: [13, 'Permission denied'],
  ENOTDIR: [20, 'Not a directory'],
  EINVAL: [22, 'Invalid argument'],
  EMFILE: [24, 'Too many open files'],
  EROFS: [30, 'Read-only file system'],
  EPIPE: [32, 'Broken pipe'],
  ENAMETOOLONG: [36, 'File name too long'],
  ELOOP: [40, 'Too many levels of symbolic links'],
  ENOTSOCK: [88, 'Socket operation on non-socket'],
  EAFNOSUPPORT: [97, 'Address family not supported by protocol'],
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

/** `111: Connection refused` for an error code; unknown codes keep their name. */
export function strerror(code: string): string {
  const known = ERRNO[code];
  return known ? `${known[0]}: ${known[1]}` : code;
}
