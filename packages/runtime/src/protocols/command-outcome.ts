/**
 * What follows a client command in every protocol's auth-state handler (nginx's
 * ngx_mail_{imap,pop3,smtp}_auth_state): the same steps for IMAP, POP3 and SMTP, kept here
 * once so the three cannot drift apart.
 */
import type { SaslOutcome } from '../sasl.js';
import type { Session } from '../session.js';

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
