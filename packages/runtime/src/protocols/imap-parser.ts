/**
 * IMAP command-line parser (proxy-runtime.md §2.1), byte for byte as nginx reads a line
 * before authentication: tag, verb, up to three arguments (atom, quoted string with
 * backslash escapes, `{N}` / `{N+}` literals), CRLF or a bare LF. It works incrementally
 * on the command buffer and leaves its state in `ParserState` when a line is incomplete.
 */
import type { Behaviour } from '../compat.js';
import { Parse, type CommandBuffer, type ParserState, type ParseResult } from './command-buffer.js';

export const ImapCommand = { None: 0, Login: 1, Logout: 2, Capability: 3, Noop: 4, Starttls: 5, Authenticate: 6 } as const;

const St = {
  start: 0,
  tag: 1,
  invalid: 2,
  spacesBeforeCommand: 3,
  command: 4,
  spacesBeforeArgument: 5,
  argument: 6,
  backslash: 7,
  literal: 8,
  noSyncLiteralArgument: 9,
  startLiteralArgument: 10,
  literalArgument: 11,
  endLiteralArgument: 12,
  almostDone: 13,
} as const;

/** The state the AUTHENTICATE continuation lines are read in. */
export const IMAP_ARGUMENT_STATE = St.argument;

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const isAlpha = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isTagChar = (c: number) => isAlpha(c) || isDigit(c) || c === 0x2d || c === 0x2e || c === 0x5f;

const VERBS: [string, number][] = [
  ['NOOP', ImapCommand.Noop],
  ['LOGIN', ImapCommand.Login],
  ['LOGOUT', ImapCommand.Logout],
  ['STARTTLS', ImapCommand.Starttls],
  ['CAPABILITY', ImapCommand.Capability],
  ['AUTHENTICATE', ImapCommand.Authenticate],
];

function verb(data: Buffer, start: number, end: number): number {
  const word = data.toString('latin1', start, end).toUpperCase();
  for (const [name, id] of VERBS) if (name === word) return id;
  return ImapCommand.None;
}

const SIZE_MAX = (1n << 64n) - 1n;

export function parseImapCommand(ps: ParserState, b: CommandBuffer, behaviour: Behaviour): ParseResult {
  const d = b.data;
  let state = ps.state;
  let p = b.pos;

  const invalid = (): ParseResult => {
    ps.state = St.invalid;
    ps.quoted = false;
    ps.backslash = false;
    ps.noSyncLiteral = false;
    ps.literalLen = 0n;
    // skip the rest of the invalid line
    for (; p < b.last; p++) {
      if (d[p] === LF) {
        ps.state = St.start;
        b.pos = p + 1;
        // an invalid line ending in a {N+} marker: close, so its literal is never read as commands
        if (p - b.start > 4) {
          let q = p - 1;
          if (d[q] === CR) q--;
          if (d[q] === 0x7d && d[q - 1] === 0x2b) ps.quit = true;
        }
        return Parse.Invalid;
      }
    }
    b.pos = p;
    return Parse.Again;
  };

  const pushArg = (off: number, len: number) => ps.args.push({ off, len });

  for (; p < b.last; p++) {
    const ch = d[p]!;
    if (state === St.start) {
      ps.tagStart = p;
      state = St.tag;
    }
    switch (state) {
      case St.tag:
        if (ch === SP) {
          ps.tag = { src: null, off: ps.tagStart, len: p - ps.tagStart + 1 };
          state = St.spacesBeforeCommand;
          break;
        }
        if (ch === CR || ch === LF) return invalid();
        if (!isTagChar(ch) || p - ps.tagStart > 31) return invalid();
        break;

      case St.invalid:
        return invalid();

      case St.spacesBeforeCommand:
        if (ch === SP) break;
        if (ch === CR || ch === LF) return invalid();
        ps.cmdStart = p;
        state = St.command;
        break;

      case St.command:
        if (ch === SP || ch === CR || ch === LF) {
          const id = verb(d, ps.cmdStart, p);
          if (id === ImapCommand.None) return invalid();
          ps.command = id;
          ps.cmd = { off: ps.cmdStart, len: p - ps.cmdStart };
          if (ch === SP) state = St.spacesBeforeArgument;
          else if (ch === CR) state = St.almostDone;
          else return done();
          break;
        }
        if (!isAlpha(ch)) return invalid();
        break;

      case St.spacesBeforeArgument:
        if (ch === SP) break;
        if (ch === CR) {
          state = St.almostDone;
          break;
        }
        if (ch === LF) return done();
        if (ps.args.length > 2) return invalid();
        if (ch === QUOTE) {
          ps.quoted = true;
          ps.argStart = p + 1;
          state = St.argument;
        } else if (ch === 0x7b) {
          state = St.literal;
        } else {
          ps.argStart = p;
          state = St.argument;
        }
        break;

      case St.argument: {
        if (ch === SP && ps.quoted) break;
        if (ch === BACKSLASH) {
          if (ps.quoted) {
            ps.backslash = true;
            state = St.backslash;
          }
          break;
        }
        if (ch === QUOTE) {
          if (!ps.quoted) break;
          ps.quoted = false;
        } else if (ch !== SP && ch !== CR && ch !== LF) {
          break;
        }
        // end of the argument
        let len = p - ps.argStart;
        if (ps.backslash) {
          // unescape in place, as nginx does (later log lines see the rewritten buffer)
          let dst = ps.argStart;
          let src = ps.argStart;
          while (src < p) {
            d[dst] = d[src]!;
            if (d[src++] === BACKSLASH) d[dst] = d[src++]!;
            dst++;
          }
          len = dst - ps.argStart;
          ps.backslash = false;
        }
        pushArg(ps.argStart, len);
        ps.argStart = -1;
        if (ch === QUOTE || ch === SP) state = St.spacesBeforeArgument;
        else if (ch === CR) state = St.almostDone;
        else return done();
        break;
      }

      case St.backslash:
        if (ch === CR || ch === LF) return invalid();
        state = St.argument;
        break;

      case St.literal:
        if (isDigit(ch)) {
          if (behaviour.literalOverflowCheck && ps.literalLen > SIZE_MAX / 10n) return invalid();
          ps.literalLen = (ps.literalLen * 10n + BigInt(ch - 0x30)) & SIZE_MAX;
          break;
        }
        if (ch === 0x7d) {
          state = St.startLiteralArgument;
          break;
        }
        if (ch === 0x2b) {
          state = St.noSyncLiteralArgument;
          break;
        }
        return invalid();

      case St.noSyncLiteralArgument:
        if (ch === 0x7d) {
          ps.noSyncLiteral = true;
          state = St.startLiteralArgument;
          break;
        }
        return invalid();

      case St.startLiteralArgument:
        if (ch === CR) break;
        if (ch === LF) {
          b.pos = p + 1;
          ps.argStart = p + 1;
          if (!ps.noSyncLiteral) {
            ps.state = St.literalArgument;
            return Parse.ImapNext;
          }
          state = St.literalArgument;
          ps.noSyncLiteral = false;
          break;
        }
        return invalid();

      case St.literalArgument:
        if (ps.literalLen !== 0n && --ps.literalLen !== 0n) break;
        pushArg(ps.argStart, p + 1 - ps.argStart);
        ps.argStart = -1;
        state = St.endLiteralArgument;
        break;

      case St.endLiteralArgument:
        if (ch === CR) {
          state = St.almostDone;
          break;
        }
        if (ch === LF) return done();
        if (behaviour.looseAfterLiteral) {
          if (ch === 0x7b) {
            if (ps.args.length > 2) return invalid();
            state = St.literal;
            break;
          }
          state = St.spacesBeforeArgument;
          break;
        }
        if (ch === SP) {
          state = St.spacesBeforeArgument;
          break;
        }
        return invalid();

      case St.almostDone:
        if (ch === LF) return done();
        return invalid();
    }
  }

  b.pos = p;
  ps.state = state;
  return Parse.Again;

  function done(): ParseResult {
    b.pos = p + 1;
    ps.state = ps.command !== ImapCommand.Authenticate ? St.start : St.argument;
    return Parse.Ok;
  }
}
