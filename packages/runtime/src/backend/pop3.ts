/**
 * POP3 backend login (proxy-runtime.md §3.6): always USER then PASS, whatever the client
 * used; every reply must start with `+OK`; the last one goes to the client.
 */
import type { CommandBuffer } from '../protocols/command-buffer.js';
import { EMPTY } from '../bytes.js';
import type { Session } from '../session.js';
import type { BackendDialogue } from './upstream.js';

const St = { Start: 0, User: 1, Passwd: 2 } as const;

export const pop3Backend: BackendDialogue = {
  check(_s: Session, b: CommandBuffer) {
    const d = b.data;
    const p = b.pos;
    return { verdict: d[p] === 0x2b && d[p + 1] === 0x4f && d[p + 2] === 0x4b ? 'ok' : 'invalid', at: p };
  },
  next(s: Session, up) {
    switch (up.state) {
      case St.Start:
        return { action: 'sending user name to upstream', state: St.User, line: Buffer.concat([Buffer.from('USER '), s.login, Buffer.from('\r\n')]) };
      case St.User:
        return {
          action: 'sending password to upstream',
          state: St.Passwd,
          line: Buffer.concat([Buffer.from('PASS '), s.passwd ?? EMPTY, Buffer.from('\r\n')]),
        };
      default:
        return 'proxy';
    }
  },
  firstReply(_s, up) {
    return Buffer.from(up.buffer.data.subarray(up.buffer.pos, up.buffer.last));
  },
};
