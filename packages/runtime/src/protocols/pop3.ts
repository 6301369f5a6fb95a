/**
 * POP3 before authentication (proxy-runtime.md §3): greeting (with the APOP salt when apop
 * or cram-md5 is enabled), USER/PASS, APOP, AUTH (listing and mechanisms), CAPA, NOOP,
 * QUIT, STLS; a 128-byte command buffer. Mirrors nginx's handler.
 */
import { Parse } from './command-buffer.js';
import { Pop3Command, parsePop3Command } from './line-parser.js';
import { AuthMethod, makeSalt } from '../sasl.js';
import { AuthBit } from '../server-config.js';
import { continueSasl, saslPrompts, startSasl, type SaslStates } from './sasl-start.js';
import { answerLine, applyOutcome, enterAuthState, readNextCommand, type CommandResult as Result } from './command-outcome.js';
import type { ProtocolDriver, Session } from '../session.js';
import { starttlsOnly } from './imap.js';

const b = (s: string) => Buffer.from(s, 'latin1');
const GREETING = b('+OK POP3 ready\r\n');
const OK = b('+OK\r\n');
const PROMPTS = saslPrompts('+ ');
const INVALID = b('-ERR invalid command\r\n');

export const Pop3State = { Start: 0, User: 1, Passwd: 2, AuthLoginUsername: 3, AuthLoginPassword: 4, AuthPlain: 5, AuthCramMd5: 6, AuthExternal: 7 } as const;


function initProtocol(s: Session, timedOut: boolean): void {
  enterAuthState(s, timedOut, 128, authState);
}

function authState(s: Session, timedOut: boolean): void {
  const rc = readNextCommand(s, timedOut);
  if (rc === null) return;

  let r: Result = rc === Parse.Invalid ? 'invalid' : 'ok';
  s.out = OK;

  if (rc === Parse.Ok) {
    switch (s.mailState) {
      case Pop3State.Start:
        switch (s.ps.command) {
          case Pop3Command.User:
            r = user(s);
            break;
          case Pop3Command.Capa:
            s.out = capa(s, true);
            break;
          case Pop3Command.Apop:
            r = apop(s);
            break;
          case Pop3Command.Auth:
            r = auth(s);
            break;
          case Pop3Command.Quit:
            s.quit = true;
            break;
          case Pop3Command.Noop:
            break;
          case Pop3Command.Stls:
            r = stls(s);
            break;
          default:
            r = 'invalid';
        }
        break;
      case Pop3State.User:
        switch (s.ps.command) {
          case Pop3Command.Pass:
            r = pass(s);
            break;
          case Pop3Command.Capa:
            s.out = capa(s, false);
            break;
          case Pop3Command.Quit:
            s.quit = true;
            break;
          case Pop3Command.Noop:
            break;
          default:
            r = 'invalid';
        }
        break;
      case Pop3State.Passwd:
        break;
      default:
        r = continueSasl(s, PROMPTS, SASL_STATES) ?? r;
        break;
    }
  }

  if (applyOutcome(s, r, Pop3State.Start, INVALID)) answerLine(s);
}

function user(s: Session): Result {
  if (starttlsOnly(s)) return 'invalid';
  if (s.argCount !== 1) return 'invalid';
  s.login = Buffer.from(s.arg(0));
  s.mailState = Pop3State.User;
  return 'ok';
}

function pass(s: Session): Result {
  if (s.argCount !== 1) return 'invalid';
  s.passwd = Buffer.from(s.arg(0));
  return 'done';
}

function capa(s: Session, stls: boolean): Buffer {
  const c = s.srv.pop3;
  if (stls && !s.tls) {
    if (s.srv.starttls === 'on') return c.starttlsCapability;
    if (s.srv.starttls === 'only') return c.starttlsOnlyCapability;
  }
  return c.capability;
}

function stls(s: Session): Result {
  if (!s.tls && s.srv.starttls !== 'off' && s.canStarttls()) {
    s.buffer!.rewind();
    s.beginStarttls();
    return 'ok';
  }
  return 'invalid';
}

function apop(s: Session): Result {
  if (starttlsOnly(s)) return 'invalid';
  if (s.argCount !== 2) return 'invalid';
  if (!(s.srv.authMethods & AuthBit.Apop)) return 'invalid';
  s.login = Buffer.from(s.arg(0));
  s.passwd = Buffer.from(s.arg(1));
  s.authMethod = AuthMethod.Apop;
  return 'done';
}

function auth(s: Session): Result {
  if (starttlsOnly(s)) return 'invalid';
  if (s.argCount === 0) {
    s.out = s.srv.pop3.authCapability;
    s.ps.state = 0;
    return 'ok';
  }
  return startSasl(s, PROMPTS, SASL_STATES);
}

export const pop3: ProtocolDriver = {
  initSession(s) {
    if (s.srv.authMethods & (AuthBit.Apop | AuthBit.CramMd5)) {
      s.salt = makeSalt(s.srv.serverName);
      s.out = Buffer.concat([GREETING.subarray(0, GREETING.length - 2), Buffer.from(' '), s.salt]);
    } else {
      s.out = GREETING;
    }
    s.readHandler = (t) => initProtocol(s, t);
    s.readTimer.set(s.srv.timeout);
    s.send();
  },
  authState,
  parse: (ps, b) => parsePop3Command(ps, b),
};

/** This protocol's states for each SASL step (declared after the state numbers). */
const SASL_STATES: SaslStates = {
  loginUsername: Pop3State.AuthLoginUsername,
  loginPassword: Pop3State.AuthLoginPassword,
  plain: Pop3State.AuthPlain,
  cramMd5: Pop3State.AuthCramMd5,
  external: Pop3State.AuthExternal,
};
