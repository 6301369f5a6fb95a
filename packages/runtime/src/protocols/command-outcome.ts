/**
 * What comes before and after a client command in every protocol's auth state (nginx's
 * ngx_mail_{imap,pop3,smtp}_init_protocol and _auth_state): the same steps for IMAP, POP3
 * and SMTP, kept here once so the three cannot drift apart.
 */
import { takeBuffer } from '../net/buffer-pool.js';
import type { SaslOutcome } from '../sasl.js';
import type { Session } from '../session.js';
import { CommandBuffer, type ParseResult } from './command-buffer.js';

/**
 * Enters the auth state: a timeout (of the greeting delay) closes; otherwise the command
 * buffer of `size` bytes is made, the protocol's start state (0) set, and `step` reads.
 */
export function enterAuthState(s: Session, timedOut: boolean, size: number, step: (s: Session, timedOut: boolean) => void): void {
  s.action = 'in auth state';
  if (timedOut) return s.timedOutClose();
  if (!s.buffer) s.buffer = new CommandBuffer(size, takeBuffer(size));
  s.mailState = 0;
  s.readHandler = (t) => step(s, t);
  step(s, false);
}

/**
 * The start of each auth-state step: a timeout closes; while a reply is still being written,
 * reading waits (the step runs again once it is sent); otherwise one command is read. Null
 * when there is nothing to handle now (no complete command yet, or the session closed).
 */
export function readNextCommand(s: Session, timedOut: boolean): ParseResult | null {
  if (timedOut) {
    s.timedOutClose();
    return null;
  }
  if (s.out) {
    s.blocked = true;
    return null;
  }
  s.blocked = false;
  const rc = s.readCommand();
  return rc === 'again' || rc === 'closed' ? null : rc;
}

/** What a command handler returns: a SASL step's outcome, or an internal error. */
export type CommandResult = SaslOutcome | 'error';

/**
 * Bytes pipelined behind the command stop further reading; `done` hands the session to
 * auth_http and `error` answers with an internal error (both end the handler: returns false);
 * `invalid` goes back to the start state with the protocol's reply.
 */
export function applyOutcome(s: Session, r: CommandResult, startState: number, invalid: Buffer): boolean {
  const buf = s.buffer!;
  if (buf.pos < buf.last) s.blocked = true;
  switch (r) {
    case 'done':
      s.auth();
      return false;
    case 'error':
      s.internalServerError();
      return false;
    case 'invalid':
      s.mailState = startState;
      s.ps.state = 0;
      s.out = invalid;
      break;
  }
  return true;
}

/** Answers a POP3 or SMTP command and gets ready for the next line (a SASL step keeps its place). */
export function answerLine(s: Session): void {
  const buf = s.buffer!;
  s.resetArgs();
  buf.rewindIfConsumed();
  if (s.ps.state) s.ps.argStart = buf.pos;
  s.send();
}
