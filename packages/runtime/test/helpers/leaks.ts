/**
 * Whether the proxy let go of a connection: the TCP sockets this process holds (proxy,
 * fake servers and test clients all live in the test process) and, where /proc exists, its
 * open descriptors, compared with a snapshot taken before the connection. Closing is
 * asynchronous (the peer sees EOF, then closes its end), so `expectReleased` waits a while.
 */
import * as fs from 'node:fs';
import { expect } from 'vitest';
import type { ProxyHandle } from '../../src/index.js';

export interface Resources {
  sockets: number;
  /** Open descriptors, or -1 where /proc/self/fd does not exist. */
  fds: number;
}

export function resources(): Resources {
  const sockets = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
  let fds = -1;
  try {
    fds = fs.readdirSync('/proc/self/fd').length;
  } catch {
    // not Linux: sockets only
  }
  return { sockets, fds };
}

/** Waits until no session is left and sockets and descriptors are back to `before`, then asserts it. */
export async function expectReleased(proxy: ProxyHandle, before: Resources, timeoutMs = 6000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let now = resources();
  const done = () => proxy.sessionCount === 0 && now.sockets <= before.sockets && now.fds <= before.fds;
  while (!done() && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 20));
    now = resources();
  }
  expect({ sessions: proxy.sessionCount, sockets: now.sockets, fds: now.fds }).toEqual({
    sessions: 0,
    sockets: Math.min(now.sockets, before.sockets),
    fds: Math.min(now.fds, before.fds),
  });
}
