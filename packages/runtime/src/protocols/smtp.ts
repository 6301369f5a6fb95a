/**
 * SMTP before authentication (proxy-runtime.md §4): client host lookup (resolver), the
 * greeting (after `smtp_greeting_delay`, rejecting early talkers), EHLO/HELO, AUTH, and
 * for `smtp_auth none` the MAIL/RCPT relay that triggers authentication. Mirrors nginx's
 * handler, including the in-place rewrite of CR/LF in the buffer when a rejected command
 * is logged.
 */
import { Parse } from './command-buffer.js';
import { SmtpCommand, parseSmtpCommand } from './line-parser.js';
import { AuthMethod } from '../sasl.js';
import { AuthBit } from '../server-config.js';
import { continueSasl, saslPrompts, startSasl, type SaslStates } from './sasl-start.js';
import { answerLine, applyOutcome, enterAuthState, readNextCommand, type CommandResult as Result } from './command-outcome.js';
import { EMPTY } from '../bytes.js';
import type { ProtocolDriver, Session } from '../session.js';
import { CommandBuffer } from './command-buffer.js';
import { takeBuffer } from '../net/buffer-pool.js';
import { AGAIN, ERROR } from '../net/stream-conn.js';
import { starttlsOnly } from './imap.js';

const b = (s: string) => Buffer.from(s, 'latin1');
const OK = b('250 2.0.0 OK\r\n');
const BYE = b('221 2.0.0 Bye\r\n');
const STARTTLS = b('220 2.0.0 Start TLS\r\n');
const PROMPTS = saslPrompts('334 ');
const INVALID = b('500 5.5.1 Invalid command\r\n');
const INVALID_PIPELINING = b('503 5.5.0 Improper use of SMTP command pipelining\r\n');
const INVALID_ARGUMENT = b('501 5.5.4 Invalid argument\r\n');
const AUTH_REQUIRED = b('530 5.7.1 Authentication required\r\n');
const BAD_SEQUENCE = b('503 5.5.1 Bad sequence of commands\r\n');

export const UNAVAILABLE = b('[UNAVAILABLE]');
export const TEMPUNAVAIL = b('[TEMPUNAVAIL]');

export const SmtpState = { Start: 0, AuthLoginUsername: 1, AuthLoginPassword: 2, AuthPlain: 3, AuthCramMd5: 4, AuthExternal: 5 } as const;


/** Looks the client up (PTR, then forward) and calls back with the host to use; installed by the resolver layer. */
export type ClientHostResolver = (s: Session, done: (host: Buffer) => void) => void;

function initSession(s: Session): void {
  const resolveClientHost = s.srv.resolveClientHost;
  if (!resolveClientHost) {
    s.host = UNAVAILABLE;
    return greeting(s);
  }
  if (s.clientIsUnix) {
    s.host = TEMPUNAVAIL;
    return greeting(s);
  }
  s.action = 'in resolving client address';
  // client input waits in the socket while the name is looked up
  s.readHandler = () => {};
  resolveClientHost(s, (host) => {
    if (s.closed) return;
    s.host = host;
    greeting(s);
  });
}

function greeting(s: Session): void {
  const delay = s.srv.smtp.greetingDelay;
  s.readTimer.set(delay || s.srv.timeout);
  if (delay) {
    s.readHandler = (t) => invalidPipelining(s, t);
    if (s.conn.ready) s.readHandler(false);
    return;
  }
  s.readHandler = (t) => initProtocol(s, t);
  s.out = s.srv.smtp.greeting;
  s.send();
  // input that arrived during the lookup is processed once the greeting is written
  if (s.conn.ready && !s.closed) s.readHandler(false);
}

function invalidPipelining(s: Session, timedOut: boolean): void {
  s.action = 'in delay pipelining state';
  if (timedOut) {
    s.readHandler = (t) => initProtocol(s, t);
    s.readTimer.set(s.srv.timeout);
    s.out = s.srv.smtp.greeting;
    s.send();
    return;
  }
  if (!s.buffer) s.buffer = new CommandBuffer(s.srv.clientBuffer, takeBuffer(s.srv.clientBuffer));
  const buf = s.buffer;
  const n = s.conn.recv(buf.data, buf.last, buf.end - buf.last);
  if (n === ERROR || n === 0) {
    if (n === ERROR) s.socketError('recv', s.conn.error, 'client');
    s.close();
    return;
  }
  if (n === AGAIN) return;
  buf.last += n;
  logRejectedCommand(s, 'client was rejected before greeting');
  buf.rewind();
  s.out = INVALID_PIPELINING;
  s.quit = true;
  s.send();
}

/** Logs the whole buffer with CR and LF turned into `_` — in place, as nginx does (only when info is logged). */
function logRejectedCommand(s: Session, what: string): void {
  if (!s.srv.log.enabled('info')) return;
  const buf = s.buffer!;
  for (let i = buf.start; i < buf.last; i++) {
    if (buf.data[i] === 0x0d || buf.data[i] === 0x0a) buf.data[i] = 0x5f;
  }
  s.info(Buffer.concat([Buffer.from(`${what}: "`), buf.data.subarray(buf.start, buf.last), Buffer.from('"')]));
}

function initProtocol(s: Session, timedOut: boolean): void {
  enterAuthState(s, timedOut, s.srv.clientBuffer, authState);
}

function authState(s: Session, timedOut: boolean): void {
  const rc = readNextCommand(s, timedOut);
  if (rc === null) return;

  let r: Result = rc === Parse.Invalid ? 'invalid' : 'ok';
  s.out = OK;

  if (rc === Parse.Ok) {
    switch (s.mailState) {
      case SmtpState.Start:
        switch (s.ps.command) {
          case SmtpCommand.Helo:
          case SmtpCommand.Ehlo:
            r = helo(s);
            break;
          case SmtpCommand.Auth:
            r = auth(s);
            break;
          case SmtpCommand.Quit:
            s.quit = true;
            s.out = BYE;
            break;
          case SmtpCommand.Mail:
            r = mail(s);
            break;
          case SmtpCommand.Rcpt:
            r = rcpt(s);
            break;
          case SmtpCommand.Rset:
            s.smtpFrom = EMPTY;
            s.smtpTo = EMPTY;
            s.out = OK;
            break;
          case SmtpCommand.Noop:
            break;
          case SmtpCommand.Starttls:
            r = starttls(s);
            s.out = STARTTLS;
            break;
          default:
            r = 'invalid';
        }
        break;
      default:
        r = continueSasl(s, PROMPTS, SASL_STATES) ?? r;
        break;
    }
  }

  if (applyOutcome(s, r, SmtpState.Start, INVALID)) answerLine(s);
}

function helo(s: Session): Result {
  if (s.argCount !== 1) {
    s.out = INVALID_ARGUMENT;
    s.ps.state = 0;
    return 'ok';
  }
  s.smtpHelo = Buffer.from(s.arg(0));
  s.smtpFrom = EMPTY;
  s.smtpTo = EMPTY;
  const c = s.srv.smtp;
  if (s.ps.command === SmtpCommand.Helo) {
    s.out = c.heloReply;
    return 'ok';
  }
  s.esmtp = true;
  if (!s.tls && s.srv.starttls === 'on') s.out = c.starttlsCapability;
  else if (!s.tls && s.srv.starttls === 'only') s.out = c.starttlsOnlyCapability;
  else s.out = c.capability;
  return 'ok';
}

function auth(s: Session): Result {
  if (starttlsOnly(s)) return 'invalid';
  if (s.argCount === 0) {
    s.out = INVALID_ARGUMENT;
    s.ps.state = 0;
    return 'ok';
  }
  return startSasl(s, PROMPTS, SASL_STATES);
}

/** The command as typed, from the verb to the end of its last argument. */
function commandText(s: Session): Buffer {
  const last = s.ps.args[s.ps.args.length - 1]!;
  return Buffer.from(s.buffer!.data.subarray(s.ps.cmd.off, last.off + last.len));
}

function mail(s: Session): Result {
  if (!(s.srv.authMethods & AuthBit.None)) {
    logRejectedCommand(s, 'client was rejected');
    s.out = AUTH_REQUIRED;
    return 'ok';
  }
  if (s.smtpFrom.length) {
    s.out = BAD_SEQUENCE;
    return 'ok';
  }
  if (s.argCount === 0) {
    s.out = INVALID_ARGUMENT;
    return 'ok';
  }
  s.smtpFrom = commandText(s);
  if (s.behaviour.authNoneForgetsCredentials) {
    s.login = EMPTY;
    s.passwd = null;
  }
  s.out = OK;
  return 'ok';
}

function rcpt(s: Session): Result {
  if (s.smtpFrom.length === 0) {
    s.out = BAD_SEQUENCE;
    return 'ok';
  }
  if (s.argCount === 0) {
    s.out = INVALID_ARGUMENT;
    return 'ok';
  }
  s.smtpTo = commandText(s);
  s.authMethod = AuthMethod.None;
  return 'done';
}

function starttls(s: Session): Result {
  if (!s.tls && s.srv.starttls !== 'off' && s.canStarttls()) {
    // RFC 3207: forget what the client said before STARTTLS (the esmtp flag stays)
    s.smtpHelo = EMPTY;
    s.smtpFrom = EMPTY;
    s.smtpTo = EMPTY;
    s.buffer!.rewind();
    s.beginStarttls();
    return 'ok';
  }
  return 'invalid';
}

export const smtp: ProtocolDriver = {
  initSession,
  authState,
  parse: (ps, b) => parseSmtpCommand(ps, b),
};

/** This protocol's states for each SASL step (declared after the state numbers). */
const SASL_STATES: SaslStates = {
  loginUsername: SmtpState.AuthLoginUsername,
  loginPassword: SmtpState.AuthLoginPassword,
  plain: SmtpState.AuthPlain,
  cramMd5: SmtpState.AuthCramMd5,
  external: SmtpState.AuthExternal,
};
