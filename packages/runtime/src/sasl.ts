/**
 * SASL pieces shared by IMAP AUTHENTICATE, POP3 AUTH and SMTP AUTH (proxy-runtime.md §2.5):
 * nginx's base64 decoder, the PLAIN / LOGIN / CRAM-MD5 / EXTERNAL decoders with their log
 * messages, the APOP/CRAM-MD5 salt and the mechanism choice of `AUTH <mech> [ir]`.
 */
import { randomInt } from 'node:crypto';

/** nginx's auth methods; the index picks the `Auth-Method` word. */
export const AuthMethod = { Plain: 0, Login: 1, LoginUsername: 2, Apop: 3, CramMd5: 4, External: 5, None: 6 } as const;
export type AuthMethodId = (typeof AuthMethod)[keyof typeof AuthMethod];

export const AUTH_METHOD_NAMES = ['plain', 'plain', 'plain', 'apop', 'cram-md5', 'external', 'none'] as const;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASIS = new Int16Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) BASIS[ALPHABET.charCodeAt(i)] = i;

/**
 * Decodes base64 as nginx does: everything from the first `=` on is ignored, any other
 * byte outside the alphabet before it is an error, padding is optional, and a length of
 * 4n+1 characters is an error. Returns null on error.
 */
export function decodeBase64(src: Buffer): Buffer | null {
  let len = 0;
  for (; len < src.length; len++) {
    const c = src[len]!;
    if (c === 0x3d) break;
    if (BASIS[c] === -1) return null;
  }
  if (len % 4 === 1) return null;
  const out = Buffer.alloc(Math.floor((len * 3) / 4));
  let d = 0;
  let s = 0;
  const v = (i: number) => BASIS[src[i]!]!;
  while (len > 3) {
    out[d++] = ((v(s) << 2) | (v(s + 1) >> 4)) & 0xff;
    out[d++] = ((v(s + 1) << 4) | (v(s + 2) >> 2)) & 0xff;
    out[d++] = ((v(s + 2) << 6) | v(s + 3)) & 0xff;
    s += 4;
    len -= 4;
  }
  if (len > 1) out[d++] = ((v(s) << 2) | (v(s + 1) >> 4)) & 0xff;
  if (len > 2) out[d++] = ((v(s + 1) << 4) | (v(s + 2) >> 2)) & 0xff;
  return out.subarray(0, d);
}

export const encodeBase64 = (b: Buffer) => Buffer.from(b.toString('base64'), 'latin1');

/** What a SASL step did to the session's credentials. */
export interface Credentials {
  login: Buffer;
  /** null: no password (nginx's NULL pointer), distinct from an empty one. */
  passwd: Buffer | null;
  authMethod: number;
}

export type SaslOutcome = 'done' | 'ok' | 'invalid';

type Info = (message: string) => void;

/** `AUTH PLAIN` response: authzid NUL login NUL password. */
export function saslPlain(s: Credentials, arg: Buffer, info: Info): SaslOutcome {
  const plain = decodeBase64(arg);
  if (!plain) {
    info('client sent invalid base64 encoding in AUTH PLAIN command');
    return 'invalid';
  }
  let p = 0;
  const last = plain.length;
  while (p < last && plain[p++] !== 0) {
    /* skip the authorization identity */
  }
  if (p === last) {
    info('client sent invalid login in AUTH PLAIN command');
    return 'invalid';
  }
  const pos = p;
  while (p < last && plain[p] !== 0) p++;
  if (p === last) {
    info('client sent invalid password in AUTH PLAIN command');
    return 'invalid';
  }
  s.login = Buffer.from(plain.subarray(pos, p));
  s.passwd = Buffer.from(plain.subarray(p + 1));
  return 'done';
}

/** `AUTH LOGIN` user name (challenge `Username:` answered, or initial response). */
export function saslLoginUsername(s: Credentials, arg: Buffer, info: Info): SaslOutcome {
  const login = decodeBase64(arg);
  if (!login) {
    info('client sent invalid base64 encoding in AUTH LOGIN command');
    return 'invalid';
  }
  s.login = Buffer.from(login);
  return 'ok';
}

export function saslLoginPassword(s: Credentials, arg: Buffer, info: Info): SaslOutcome {
  const passwd = decodeBase64(arg);
  if (!passwd) {
    info('client sent invalid base64 encoding in AUTH LOGIN command');
    return 'invalid';
  }
  s.passwd = Buffer.from(passwd);
  return 'done';
}

/** `AUTH CRAM-MD5` response: `user SP hex-digest`; the digest must be 32 bytes long. */
export function saslCramMd5(s: Credentials, arg: Buffer, info: Info): SaslOutcome {
  const decoded = decodeBase64(arg);
  if (!decoded) {
    info('client sent invalid base64 encoding in AUTH CRAM-MD5 command');
    return 'invalid';
  }
  s.login = Buffer.from(decoded);
  const space = decoded.indexOf(0x20);
  if (space !== -1) {
    s.login = Buffer.from(decoded.subarray(0, space));
    s.passwd = Buffer.from(decoded.subarray(space + 1));
  }
  // a missing space leaves the earlier password in place, as nginx does
  if ((s.passwd?.length ?? 0) !== 32) {
    info('client sent invalid CRAM-MD5 hash in AUTH CRAM-MD5 command');
    return 'invalid';
  }
  s.authMethod = AuthMethod.CramMd5;
  return 'done';
}

export function saslExternal(s: Credentials, arg: Buffer, info: Info): SaslOutcome {
  const login = decodeBase64(arg);
  if (!login) {
    info('client sent invalid base64 encoding in AUTH EXTERNAL command');
    return 'invalid';
  }
  s.login = Buffer.from(login);
  s.authMethod = AuthMethod.External;
  return 'done';
}

/** `AUTH` arguments → which mechanism step to take (nginx's ngx_mail_auth_parse). */
export type AuthChoice = 'login' | 'login-username' | 'plain' | 'plain-ir' | 'cram-md5' | 'external' | 'external-ir' | 'invalid';

export function chooseMechanism(args: Buffer[]): AuthChoice {
  if (args.length === 0) return 'invalid';
  const mech = args[0]!.toString('latin1').toUpperCase();
  const n = args.length;
  if (mech === 'LOGIN') return n === 1 ? 'login' : n === 2 ? 'login-username' : 'invalid';
  if (mech === 'PLAIN') return n === 1 ? 'plain' : n === 2 ? 'plain-ir' : 'invalid';
  if (mech === 'CRAM-MD5') return n === 1 ? 'cram-md5' : 'invalid';
  if (mech === 'EXTERNAL') return n === 1 ? 'external' : n === 2 ? 'external-ir' : 'invalid';
  return 'invalid';
}

/** `<random.time@server_name>` CRLF: the APOP / CRAM-MD5 challenge (the CRLF is part of it). */
export function makeSalt(serverName: Buffer, now = Date.now()): Buffer {
  return Buffer.concat([
    Buffer.from(`<${randomInt(0, 2 ** 31)}.${Math.floor(now / 1000)}@`, 'latin1'),
    serverName,
    Buffer.from('>\r\n', 'latin1'),
  ]);
}

/** `<prefix><base64(salt without CRLF)>` CRLF: the CRAM-MD5 challenge line. */
export function cramChallenge(prefix: string, salt: Buffer): Buffer {
  return Buffer.concat([Buffer.from(prefix, 'latin1'), encodeBase64(salt.subarray(0, salt.length - 2)), Buffer.from('\r\n')]);
}
