/**
 * The POP3 and SMTP command-line parsers (proxy-runtime.md §3.1, §4.1): a verb of exactly
 * four letters (or SMTP's `STARTTLS`), case-insensitive, then space-separated arguments
 * (POP3: up to three, and USER/PASS keep their spaces; SMTP: up to eleven). Lines end in
 * CRLF or a bare LF; a CR must be followed by LF. Incremental, like the IMAP parser.
 */
import { Parse, type CommandBuffer, type ParserState, type ParseResult } from './command-buffer.js';

export const Pop3Command = { None: 0, User: 1, Pass: 2, Apop: 3, Quit: 4, Capa: 5, Auth: 6, Noop: 7, Stls: 8 } as const;

export const SmtpCommand = {
  None: 0,
  Helo: 1,
  Ehlo: 2,
  Quit: 3,
  Auth: 4,
  Noop: 5,
  Mail: 6,
  Rset: 7,
  Rcpt: 8,
  Vrfy: 9,
  Expn: 10,
  Help: 11,
  Starttls: 12,
} as const;

const St = { start: 0, command: 1, invalid: 2, spacesBeforeArgument: 3, argument: 4, almostDone: 5 } as const;

/** The state SASL continuation lines (after AUTH) are read in. */
export const LINE_ARGUMENT_STATE = St.argument;

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const isAlpha = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

interface Dialect {
  verbs: Record<string, number>;
  /** Highest index an argument may start at (nginx: `nelts <= N`). */
  maxArgIndex: number;
  /** The command whose continuation lines are parsed as arguments. */
  auth: number;
  /** Commands whose single argument keeps spaces. */
  spacedArgument: (command: number) => boolean;
}

const POP3: Dialect = {
  verbs: {
    USER: Pop3Command.User,
    PASS: Pop3Command.Pass,
    APOP: Pop3Command.Apop,
    QUIT: Pop3Command.Quit,
    CAPA: Pop3Command.Capa,
    AUTH: Pop3Command.Auth,
    NOOP: Pop3Command.Noop,
    STLS: Pop3Command.Stls,
  },
  maxArgIndex: 2,
  auth: Pop3Command.Auth,
  spacedArgument: (c) => c === Pop3Command.User || c === Pop3Command.Pass,
};

const SMTP: Dialect = {
  verbs: {
    HELO: SmtpCommand.Helo,
    EHLO: SmtpCommand.Ehlo,
    QUIT: SmtpCommand.Quit,
    AUTH: SmtpCommand.Auth,
    NOOP: SmtpCommand.Noop,
    MAIL: SmtpCommand.Mail,
    RSET: SmtpCommand.Rset,
    RCPT: SmtpCommand.Rcpt,
    VRFY: SmtpCommand.Vrfy,
    EXPN: SmtpCommand.Expn,
    HELP: SmtpCommand.Help,
    STARTTLS: SmtpCommand.Starttls,
  },
  maxArgIndex: 10,
  auth: SmtpCommand.Auth,
  spacedArgument: () => false,
};

function parseLine(dialect: Dialect, ps: ParserState, b: CommandBuffer): ParseResult {
  const d = b.data;
  let state = ps.state;
  let p = b.pos;

  const done = (): ParseResult => {
    b.pos = p + 1;
    ps.state = ps.command !== dialect.auth ? St.start : St.argument;
    return Parse.Ok;
  };

  const invalid = (): ParseResult => {
    ps.state = St.invalid;
    for (; p < b.last; p++) {
      if (d[p] === LF) {
        ps.state = St.start;
        b.pos = p + 1;
        return Parse.Invalid;
      }
    }
    b.pos = p;
    return Parse.Again;
  };

  for (; p < b.last; p++) {
    const ch = d[p]!;
    if (state === St.start) {
      ps.cmdStart = p;
      state = St.command;
    }
    switch (state) {
      case St.command:
        if (ch === SP || ch === CR || ch === LF) {
          const word = p - ps.cmdStart === 4 || p - ps.cmdStart === 8 ? d.toString('latin1', ps.cmdStart, p).toUpperCase() : '';
          const id = dialect.verbs[word];
          if (id === undefined) return invalid();
          ps.command = id;
          ps.cmd = { off: ps.cmdStart, len: p - ps.cmdStart };
          if (ch === SP) state = St.spacesBeforeArgument;
          else if (ch === CR) state = St.almostDone;
          else return done();
          break;
        }
        if (!isAlpha(ch)) return invalid();
        break;

      case St.invalid:
        return invalid();

      case St.spacesBeforeArgument:
        if (ch === SP) break;
        if (ch === CR) {
          state = St.almostDone;
          break;
        }
        if (ch === LF) return done();
        if (ps.args.length > dialect.maxArgIndex) return invalid();
        state = St.argument;
        ps.argStart = p;
        break;

      case St.argument:
        if (ch === SP && dialect.spacedArgument(ps.command)) break;
        if (ch === SP || ch === CR || ch === LF) {
          ps.args.push({ off: ps.argStart, len: p - ps.argStart });
          ps.argStart = -1;
          if (ch === SP) state = St.spacesBeforeArgument;
          else if (ch === CR) state = St.almostDone;
          else return done();
        }
        break;

      case St.almostDone:
        if (ch === LF) return done();
        return invalid();
    }
  }

  b.pos = p;
  ps.state = state;
  return Parse.Again;
}

export const parsePop3Command = (ps: ParserState, b: CommandBuffer) => parseLine(POP3, ps, b);
export const parseSmtpCommand = (ps: ParserState, b: CommandBuffer) => parseLine(SMTP, ps, b);
