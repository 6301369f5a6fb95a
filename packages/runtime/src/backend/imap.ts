/**
 * IMAP backend login (proxy-runtime.md §2.7): wait for `* OK`, then LOGIN with
 * synchronizing literals for user and password (reusing the client's tag), each literal
 * after a `+` continuation, and expect `<tag> OK`. 1.27.3+ skips one untagged line (an
 * untagged CAPABILITY) before the tagged reply.
 */
import type { CommandBuffer } from '../protocols/command-buffer.js';
import { EMPTY } from '../bytes.js';
import type { Session } from '../session.js';
import type { BackendDialogue, ReplyCheck } from './upstream.js';

const St = { Start: 0, Login: 1, User: 2, Passwd: 3 } as const;

function tagOf(s: Session): Buffer {
  const t = s.ps.tag;
  return (t.src ?? s.buffer!.data).subarray(t.off, t.off + t.len);
}

export const imapBackend: BackendDialogue = {
  check(s: Session, b: CommandBuffer, state: number) {
    const d = b.data;
    let p = b.pos;
    const ok = (yes: boolean): { verdict: ReplyCheck; at: number } => ({ verdict: yes ? 'ok' : 'invalid', at: p });
    switch (state) {
      case St.Start:
        return ok(d[p] === 0x2a && d[p + 1] === 0x20 && d[p + 2] === 0x4f && d[p + 3] === 0x4b);
      case St.Login:
      case St.User:
        return ok(d[p] === 0x2b);
      default: {
        if (s.behaviour.skipUntaggedLoginReply && d[p] === 0x2a && d[p + 1] === 0x20) {
          p += 2;
          while (p < b.last - 1) {
            if (d[p] === 0x0d && d[p + 1] === 0x0a) {
              p += 2;
              break;
            }
            p++;
          }
          if (b.last - p < 4) return { verdict: 'again', at: p };
        }
        const tag = tagOf(s);
        if (!d.subarray(p, p + tag.length).equals(tag)) return ok(false);
        // past a matching tag, what is logged on failure starts after it
        p += tag.length;
        return ok(d[p] === 0x4f && d[p + 1] === 0x4b);
      }
    }
  },
  next(s: Session, up) {
    const passwd = s.passwd ?? EMPTY;
    switch (up.state) {
      case St.Start:
        return {
          action: 'sending LOGIN command to upstream',
          state: St.Login,
          line: Buffer.concat([tagOf(s), Buffer.from(`LOGIN {${s.login.length}}\r\n`)]),
        };
      case St.Login:
        return {
          action: 'sending user name to upstream',
          state: St.User,
          line: Buffer.concat([s.login, Buffer.from(` {${passwd.length}}\r\n`)]),
        };
      case St.User:
        return { action: 'sending password to upstream', state: St.Passwd, line: Buffer.concat([passwd, Buffer.from('\r\n')]) };
      default:
        return 'proxy';
    }
  },
  firstReply(_s, up) {
    return Buffer.from(up.buffer.data.subarray(up.buffer.pos, up.buffer.last));
  },
};
