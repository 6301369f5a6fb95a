/**
 * Whether the listening sockets nginx opens can be opened on this machine (config-checks.md
 * C12). `nginx -t` creates and binds every socket it would listen on, then closes it, and fails
 * at the first that cannot be bound: an address the machine does not have (99), a port below
 * 1024 for a user without the privilege (13), a unix socket in a directory that is missing (2),
 * an IPv6 address where IPv6 is off (97, from socket()). An address in use is ignored in test
 * mode: a running nginx holds its own sockets.
 *
 * The checker asks through CheckOptions.bindSocket and stays synchronous; `bindsHere` is the
 * answer callers give it (`mailconf lint --check-sockets`).
 */
import type { Socket } from 'node:dgram';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ListenAddress } from '../model.js';
import { strerror } from './errno.js';

/** Why a socket cannot be opened, as nginx says it: the call that failed and `errno: strerror`. */
export interface SocketFailure {
  call: 'socket' | 'bind';
  error: string;
}

/** null when the socket can be bound here (or is in use, which `nginx -t` ignores). */
export type SocketAnswer = SocketFailure | null;

function failure(call: SocketFailure['call'], err: NodeJS.ErrnoException): SocketFailure {
  return { call, error: err.code ? strerror(err.code) : `${-(err.errno ?? 0)}: ${err.message}` };
}

/**
 * Whether a listen address can be bound here as nginx binds it. IP addresses are bound with a
 * UDP socket: the kernel decides the address (EADDRNOTAVAIL) and the privileged port (EACCES)
 * for TCP and UDP alike, and a UDP socket neither listens nor takes the TCP port a running
 * nginx holds. A unix socket's directory must exist and let this user create the socket.
 */
export async function bindsHere(address: ListenAddress): Promise<SocketAnswer> {
  if (address.family === 'unix') return unixSocketDirectory(address.host);
  // Loaded here: only `--check-sockets` tries sockets.
  const dgram = await import('node:dgram');
  return new Promise((resolve) => {
    let socket: Socket;
    try {
      socket = dgram.createSocket({ type: address.family === 'ipv6' ? 'udp6' : 'udp4', ipv6Only: address.family === 'ipv6' });
    } catch (err) {
      resolve(failure('socket', err as NodeJS.ErrnoException));
      return;
    }
    socket.once('error', (err: NodeJS.ErrnoException) => {
      socket.close();
      // In use: ignored in test mode, as nginx does. Node creates the socket when binding, so
      // an address family the kernel lacks shows here: that is nginx's socket() failing.
      if (err.code === 'EADDRINUSE') resolve(null);
      else resolve(failure(err.code === 'EAFNOSUPPORT' ? 'socket' : 'bind', err));
    });
    socket.bind({ address: address.host, port: address.port, exclusive: true }, () => {
      socket.close();
      resolve(null);
    });
  });
}

/** bind() of a unix socket creates its file: the directory must be there, searchable and writable. */
function unixSocketDirectory(file: string): SocketAnswer {
  // A trailing "/" names a directory: the kernel finds no such entry to create (2), or one
  // there already (98, in use: ignored as nginx -t does).
  if (file.endsWith('/')) return fs.existsSync(file) ? null : { call: 'bind', error: strerror('ENOENT') };
  const dir = path.dirname(path.resolve(file));
  try {
    if (!fs.statSync(dir).isDirectory()) return { call: 'bind', error: strerror('ENOTDIR') };
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
    return null;
  } catch (err) {
    return failure('bind', err as NodeJS.ErrnoException);
  }
}
