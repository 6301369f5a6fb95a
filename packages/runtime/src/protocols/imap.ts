/**
 * IMAP before authentication (proxy-runtime.md §2): greeting, CAPABILITY, NOOP, LOGOUT,
 * STARTTLS, LOGIN and AUTHENTICATE, replies tagged with the client's tag, literals
 * answered with `+ OK`. Mirrors nginx's handler step for step, quirks included (a LOGIN
 * username that fails to decode is answered untagged; `AUTHENTICATE EXTERNAL <ir>` is
 * accepted even when EXTERNAL is not enabled).
 */
import { Parse } from './command-buffer.js';
import { ImapCommand, parseImapCommand } from './imap-parser.js';
import { continueSasl, saslPrompts, startSasl, type SaslStates } from './sasl-start.js';
import { applyOutcome, enterAuthState, readNextCommand, type CommandResult as Result } from './command-outcome.js';
import { EMPTY } from '../bytes.js';
import type { ProtocolDriver, Session } from '../session.js';

const b = (s: string) => Buffer.from(s, 'latin1');
const GREETING = b('* OK IMAP4 ready\r\n');
const OK = b('OK completed\r\n');
const NEXT = b('+ OK\r\n');
const PROMPTS = saslPrompts('+ ');
const BYE = b('* BYE\r\n');
const INVALID = b('BAD invalid command\r\n');
const STAR = b('* ');

export const ImapState = { Start: 0, AuthLoginUsername: 1, AuthLoginPassword: 2, AuthPlain: 3, AuthCramMd5: 4, AuthExternal: 5 } as const;


/** `starttls only` on a plaintext connection refuses authentication commands. */
export function starttlsOnly(s: Session): boolean {
  return !s.tls && s.srv.starttls === 'only';
}

function initProtocol(s: Session, timedOut: boolean): void {
  enterAuthState(s, timedOut, s.srv.clientBuffer, authState);
}

function tagBytes(s: Session): Buffer {
  const t = s.ps.tag;
  return (t.src ?? s.buffer!.data).subarray(t.off, t.off + t.len);
}

function authState(s: Session, timedOut: boolean): void {
  const rc = readNextCommand(s, timedOut);
  if (rc === null) return;

  let tag = true;
  let r: Result = rc === Parse.Invalid ? 'invalid' : 'ok';
  s.text = null;
  s.out = OK;

  if (rc === Parse.Ok) {
    switch (s.mailState) {
      case ImapState.Start:
        switch (s.ps.command) {
          case ImapCommand.Login:
            r = login(s);
            break;
          case ImapCommand.Authenticate:
            r = authenticate(s);
            tag = r !== 'ok';
            break;
          case ImapCommand.Capability:
            s.text = capability(s);
            break;
          case ImapCommand.Logout:
            s.quit = true;
            s.text = BYE;
            break;
          case ImapCommand.Noop:
            break;
          case ImapCommand.Starttls:
            r = starttls(s);
            break;
          default:
            r = 'invalid';
        }
        break;
      default:
        // The username step is answered untagged.
        if (s.mailState === ImapState.AuthLoginUsername) tag = false;
        r = continueSasl(s, PROMPTS, SASL_STATES) ?? r;
        break;
    }
  } else if (rc === Parse.ImapNext) {
    tag = false;
    s.out = NEXT;
  }

  if (!applyOutcome(s, r, ImapState.Start, INVALID)) return;
  const buf = s.buffer!;

  if (tag) {
    if (s.ps.tag.len === 0) s.ps.tag = { src: STAR, off: 0, len: STAR.length };
    s.out = Buffer.concat([s.text ?? EMPTY, tagBytes(s), s.out]);
  }

  if (rc !== Parse.ImapNext) {
    s.resetArgs();
    if (s.ps.state) {
      // AUTHENTICATE continues: keep the tag, the next line is the client's response
      s.ps.argStart = buf.pos;
    } else {
      buf.rewindIfConsumed();
      s.ps.tag = { ...s.ps.tag, len: 0 };
    }
  }
  s.send();
}

function login(s: Session): Result {
  if (starttlsOnly(s)) return 'invalid';
  if (s.argCount !== 2 || s.arg(0).length === 0) return 'invalid';
  s.login = Buffer.from(s.arg(0));
  s.passwd = Buffer.from(s.arg(1));
  return 'done';
}

function authenticate(s: Session): Result {
  if (starttlsOnly(s)) return 'invalid';
  return startSasl(s, PROMPTS, SASL_STATES);
}

function capability(s: Session): Buffer {
  const c = s.srv.imap;
  if (!s.tls) {
    if (s.srv.starttls === 'on') return c.starttlsCapability;
    if (s.srv.starttls === 'only') return c.starttlsOnlyCapability;
  }
  return c.capability;
}

function starttls(s: Session): Result {
  if (!s.tls && s.srv.starttls !== 'off' && s.canStarttls()) {
    s.buffer!.rewind();
    s.beginStarttls();
    return 'ok';
  }
  return 'invalid';
}

export const imap: ProtocolDriver = {
  initSession(s) {
    s.out = GREETING;
    s.readHandler = (t) => initProtocol(s, t);
    s.readTimer.set(s.srv.timeout);
    s.send();
  },
  authState,
  parse: parseImapCommand,
};

/** This protocol's states for each SASL step (declared after the state numbers). */
const SASL_STATES: SaslStates = {
  loginUsername: ImapState.AuthLoginUsername,
  loginPassword: ImapState.AuthLoginPassword,
  plain: ImapState.AuthPlain,
  cramMd5: ImapState.AuthCramMd5,
  external: ImapState.AuthExternal,
};
