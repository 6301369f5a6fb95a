/**
 * What happens between accept and the greeting (proxy-runtime.md §1.1-§1.3): an optional
 * PROXY protocol header (one peek, `timeout` to wait for it), then realip — the PROXY
 * source replaces the client address and port when the TCP peer is in `set_real_ip_from`.
 * This is where the client address comes from; then the implicit-TLS handshake.
 */
import * as net from 'node:net';
import { formatIPv6, parseIPv4, parseIPv6, type CidrValue, type ListenModel } from '@mailconf/checker';
import { AGAIN, ERROR } from './net/stream-conn.js';
import { readProxyHeader } from './proxy-protocol.js';
import type { Session } from './session.js';

/** Runs the steps the listen asks for, then `start` (the protocol's greeting). */
export function setupConnection(s: Session, listen: ListenModel, implicitTls: boolean, start: () => void): void {
  const afterProxy = () => (implicitTls ? handshake(s, start) : start());
  if (!listen.proxyProtocol) return afterProxy();
  s.action = 'reading PROXY protocol';
  s.readTimer.set(s.srv.timeout);
  s.readHandler = (timedOut) => {
    if (timedOut) return s.timedOutClose();
    const peeked = s.conn.peek(s.behaviour.proxyProtocolPeek);
    if (peeked === AGAIN) return;
    if (peeked === ERROR) {
      s.socketError('recv', s.conn.error, 'client');
      return s.close();
    }
    const header = readProxyHeader(peeked, s.behaviour);
    if (!header.ok) {
      if (header.log) s.error(header.log);
      // the peeked bytes stay unread: the client sees a reset, as with nginx
      return s.close();
    }
    s.conn.recv(Buffer.alloc(header.consumed), 0, header.consumed);
    s.proxyProtocol = header.info;
    realip(s);
    s.readHandler = () => {};
    afterProxy();
  };
}

/**
 * Implicit TLS: the handshake before the greeting, within `timeout` (the deadline already
 * running for a PROXY header). A handshake that is not done by then is closed without a
 * log line, as nginx's handshake handler does.
 */
function handshake(s: Session, start: () => void): void {
  s.action = 'SSL handshaking';
  if (!s.readTimer.active) s.readTimer.set(s.srv.timeout);
  s.readHandler = (timedOut) => {
    if (timedOut) s.close();
  };
  s.tlsLayer!.upgrade(s, () => {
    s.tls = true;
    start();
  });
}

function realip(s: Session): void {
  const from = s.srv.model.settings.set_real_ip_from.value;
  const pp = s.proxyProtocol;
  if (!from.length || !pp) return;
  if (!cidrMatch(s, from)) return;
  // Read as nginx reads it (ngx_parse_addr), printed as nginx prints it.
  const text = pp.srcAddr.toString('latin1');
  const v4 = parseIPv4(text);
  const v6 = v4 ? null : parseIPv6(text);
  if (v4) {
    s.clientAddr = v4.join('.');
    s.clientFamily = 'ipv4';
  } else if (v6) {
    s.clientAddr = formatIPv6(v6);
    s.clientFamily = 'ipv6';
  } else {
    // not an address: the TCP peer stays, silently
    return;
  }
  s.clientPort = pp.srcPort;
}

/** Whether the TCP peer is in set_real_ip_from (`unix:` matches UNIX-socket clients). */
function cidrMatch(s: Session, from: readonly CidrValue[]): boolean {
  const peer = s.conn.socket.remoteAddress;
  if (s.clientFamily === 'unix' || !peer) return from.some((c) => c.family === 'unix');
  const mapped = peer.startsWith('::ffff:') && net.isIPv4(peer.slice(7)) ? peer.slice(7) : null;
  const list = new net.BlockList();
  for (const c of from) {
    if (c.family === 'ipv4' || c.family === 'ipv6') list.addSubnet(c.address, c.prefix, c.family);
    else if (c.family === 'host' && net.isIP(c.address)) list.addAddress(c.address, net.isIPv6(c.address) ? 'ipv6' : 'ipv4');
  }
  if (mapped && list.check(mapped, 'ipv4')) return true;
  return list.check(peer, net.isIPv6(peer) ? 'ipv6' : 'ipv4');
}
