/**
 * The first step of AUTH / AUTHENTICATE, shared by IMAP, POP3 and SMTP: which mechanism
 * the client asked for, the challenge to send, and the state to wait in. The protocols
 * differ only in the prompt prefix (`+ ` or `334 `) and their state numbers.
 */
import { chooseMechanism, cramChallenge, makeSalt, saslCramMd5, saslExternal, saslLoginPassword, saslLoginUsername, saslPlain, type SaslOutcome } from '../sasl.js';
import { AuthBit } from '../server-config.js';
import type { Session } from '../session.js';

/** The protocol's states for each step of a SASL exchange. */
export interface SaslStates {
  loginUsername: number;
  loginPassword: number;
  plain: number;
  cramMd5: number;
  external: number;
}

export interface SaslPrompts {
  prefix: string;
  /** `<prefix>VXNlcm5hbWU6` ("Username:"). */
  username: Buffer;
  /** `<prefix>UGFzc3dvcmQ6` ("Password:"). */
  password: Buffer;
  /** An empty challenge: PLAIN without an initial response. */
  empty: Buffer;
}

export function saslPrompts(prefix: string): SaslPrompts {
  const b = (s: string) => Buffer.from(prefix + s + '\r\n', 'latin1');
  return { prefix, username: b('VXNlcm5hbWU6'), password: b('UGFzc3dvcmQ6'), empty: b('') };
}

export function startSasl(s: Session, prompts: SaslPrompts, states: SaslStates): SaslOutcome {
  const info = (m: string) => s.info(m);
  const args = s.ps.args.map((_, i) => s.arg(i));
  const bits = s.srv.authMethods;
  switch (chooseMechanism(args)) {
    case 'login':
      s.out = prompts.username;
      s.mailState = states.loginUsername;
      return 'ok';
    case 'login-username':
      s.out = prompts.password;
      s.mailState = states.loginPassword;
      return saslLoginUsername(s, s.arg(1), info);
    case 'plain':
      s.out = prompts.empty;
      s.mailState = states.plain;
      return 'ok';
    case 'plain-ir':
      return saslPlain(s, s.arg(1), info);
    case 'cram-md5':
      if (!(bits & AuthBit.CramMd5)) return 'invalid';
      // POP3 made the salt for its greeting when cram-md5 or apop is on; the others make it here.
      s.salt ??= makeSalt(s.srv.serverName);
      s.out = cramChallenge(prompts.prefix, s.salt);
      s.mailState = states.cramMd5;
      return 'ok';
    case 'external':
      if (!(bits & AuthBit.External)) return 'invalid';
      s.out = prompts.username;
      s.mailState = states.external;
      return 'ok';
    case 'external-ir':
      // nginx decodes an initial response before looking at the *_auth methods.
      return saslExternal(s, s.arg(1), info);
    default:
      return 'invalid';
  }
}

/**
 * A client's answer to a SASL challenge, in the state it was left in: the next step, or
 * null when the session is not in the middle of a SASL exchange.
 */
export function continueSasl(s: Session, prompts: SaslPrompts, states: SaslStates): SaslOutcome | null {
  const info = (m: string) => s.info(m);
  switch (s.mailState) {
    case states.loginUsername: {
      const r = saslLoginUsername(s, s.arg(0), info);
      s.out = prompts.password;
      s.mailState = states.loginPassword;
      return r;
    }
    case states.loginPassword:
      return saslLoginPassword(s, s.arg(0), info);
    case states.plain:
      return saslPlain(s, s.arg(0), info);
    case states.cramMd5:
      return saslCramMd5(s, s.arg(0), info);
    case states.external:
      return saslExternal(s, s.arg(0), info);
    default:
      return null;
  }
}
