/**
 * The IMAP, POP3 and SMTP line parsers: what a line parses to, and that it does not matter
 * how the bytes arrive (nginx resumes a half-read line where it stopped).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { behaviourFor } from '../src/compat.js';
import { CommandBuffer, Parse, ParserState } from '../src/protocols/command-buffer.js';
import { ImapCommand, parseImapCommand } from '../src/protocols/imap-parser.js';
import { parsePop3Command, parseSmtpCommand, Pop3Command, SmtpCommand } from '../src/protocols/line-parser.js';

type Parser = (ps: ParserState, b: CommandBuffer) => number;
const v122 = behaviourFor('1.22.1');
const vNew = behaviourFor('1.31.5');
const imap122: Parser = (ps, b) => parseImapCommand(ps, b, v122);
const imapNew: Parser = (ps, b) => parseImapCommand(ps, b, vNew);

interface Outcome {
  results: number[];
  args: string[];
  command: number;
  tag: string;
  quit: boolean;
}

/** Feeds `input` in the given pieces, parsing after each as nginx does; stops at the first complete result. */
function run(parser: Parser, input: string, pieces: number[] = [input.length]): Outcome {
  const b = new CommandBuffer(4096);
  const ps = new ParserState();
  const data = Buffer.from(input, 'latin1');
  const results: number[] = [];
  let at = 0;
  for (const n of pieces) {
    const chunk = data.subarray(at, Math.min(data.length, at + n));
    at += chunk.length;
    chunk.copy(b.data, b.last);
    b.last += chunk.length;
    let r = parser(ps, b);
    // a literal header asks for the rest: keep going as nginx does after "+ OK"
    while (r === Parse.ImapNext) {
      results.push(r);
      r = parser(ps, b);
    }
    if (r !== Parse.Again) {
      results.push(r);
      break;
    }
  }
  const t = ps.tag;
  return {
    results,
    args: ps.args.map((a) => b.data.toString('latin1', a.off, a.off + a.len)),
    command: ps.command,
    tag: (t.src ?? b.data).toString('latin1', t.off, t.off + t.len),
    quit: ps.quit,
  };
}

describe('IMAP parser', () => {
  it.each([
    ['a1 NOOP\r\n', Parse.Ok, ImapCommand.Noop, []],
    ['a1 login user pass\r\n', Parse.Ok, ImapCommand.Login, ['user', 'pass']],
    ['a1 LOGIN "te\\\\st\\"q" "sec ret"\r\n', Parse.Ok, ImapCommand.Login, ['te\\st"q', 'sec ret']],
    ['a1 LOGIN {4+}\r\nuser {6+}\r\nsecret\r\n', Parse.Ok, ImapCommand.Login, ['user', 'secret']],
    ['a1 LOGIN a b c d\r\n', Parse.Invalid, ImapCommand.Login, ['a', 'b', 'c']],
    ['a1 ID NIL\r\n', Parse.Invalid, 0, []],
    ['a+1 NOOP\r\n', Parse.Invalid, 0, []],
    ['\r\n', Parse.Invalid, 0, []],
    ['a1 NOOP\rx\n', Parse.Invalid, ImapCommand.Noop, []],
    ['x'.repeat(32) + ' NOOP\r\n', Parse.Ok, ImapCommand.Noop, []],
    ['y'.repeat(33) + ' NOOP\r\n', Parse.Invalid, 0, []],
    ['a1 NOOP\n', Parse.Ok, ImapCommand.Noop, []],
  ])('%j', (input, result, command, args) => {
    const o = run(imap122, input);
    expect(o.results.at(-1)).toBe(result);
    if (command) expect(o.command).toBe(command);
    if (result === Parse.Ok) expect(o.args).toEqual(args);
  });

  it('answers a synchronizing literal with NEXT, then reads exactly its bytes', () => {
    const o = run(imap122, 'a1 LOGIN {4}\r\nu s {2}\r\np\n\r\n');
    expect(o.results).toEqual([Parse.ImapNext, Parse.ImapNext, Parse.Ok]);
    expect(o.args).toEqual(['u s ', 'p\n']);
  });

  it('1.22.1 accepts another literal right after a literal; newer nginx does not', () => {
    expect(run(imap122, 'a1 LOGIN {4+}\r\nuser{6+}\r\nsecret\r\n').args).toEqual(['user', 'secret']);
    expect(run(imapNew, 'a1 LOGIN {4+}\r\nuser{6+}\r\nsecret\r\n').results.at(-1)).toBe(Parse.Invalid);
  });

  it('newer nginx rejects literal lengths that overflow', () => {
    expect(run(imapNew, 'a1 LOGIN {99999999999999999999999}\r\n').results.at(-1)).toBe(Parse.Invalid);
  });

  it('closes after an invalid line that announces a non-synchronizing literal', () => {
    expect(run(imap122, 'a1 FOO {3+}\r\nabc\r\n').quit).toBe(true);
    expect(run(imap122, 'a1 FOO {3}\r\n').quit).toBe(false);
  });

  it('keeps the tag with its trailing space', () => {
    expect(run(imap122, 'TAG.x-1_y NOOP\r\n').tag).toBe('TAG.x-1_y ');
  });

  it('parses the same whatever the TCP segmentation', () => {
    const lines = ['a1 LOGIN "us er" {6+}\r\nsecret\r\n', 'b2 AUTHENTICATE PLAIN AGEAYg==\r\n', 'c3 capability\n', 'd4 BAD\r\n'];
    fc.assert(
      fc.property(fc.constantFrom(...lines), fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 40 }), (line, pieces) => {
        const whole = run(imap122, line);
        const split = run(imap122, line, [...pieces, line.length]);
        expect(split.results.filter((r) => r !== Parse.ImapNext)).toEqual(whole.results.filter((r) => r !== Parse.ImapNext));
        expect(split.args).toEqual(whole.args);
      }),
    );
  });
});

describe('POP3 parser', () => {
  it.each([
    ['USER a b  c\r\n', Parse.Ok, Pop3Command.User, ['a b  c']],
    ['PASS p%ss w rd\r\n', Parse.Ok, Pop3Command.Pass, ['p%ss w rd']],
    ['APOP user digest\r\n', Parse.Ok, Pop3Command.Apop, ['user', 'digest']],
    ['quit\n', Parse.Ok, Pop3Command.Quit, []],
    ['QUITX\r\n', Parse.Invalid, 0, []],
    ['  NOOP\r\n', Parse.Invalid, 0, []],
    ['NOOP a b c d\r\n', Parse.Invalid, Pop3Command.Noop, []],
    ['STAT\r\n', Parse.Invalid, 0, []],
  ])('%j', (input, result, command, args) => {
    const o = run(parsePop3Command, input);
    expect(o.results.at(-1)).toBe(result);
    if (command) expect(o.command).toBe(command);
    if (result === Parse.Ok) expect(o.args).toEqual(args);
  });
});

describe('SMTP parser', () => {
  it.each([
    ['EHLO client.example.test\r\n', Parse.Ok, SmtpCommand.Ehlo, ['client.example.test']],
    ['starttls\r\n', Parse.Ok, SmtpCommand.Starttls, []],
    ['MAIL FROM:<a@b> SIZE=100\r\n', Parse.Ok, SmtpCommand.Mail, ['FROM:<a@b>', 'SIZE=100']],
    ['DATA\r\n', Parse.Invalid, 0, []],
    ['XCLIENT ADDR=1.2.3.4\r\n', Parse.Invalid, 0, []],
    ['NOOP ' + 'a '.repeat(11) + 'b\r\n', Parse.Invalid, SmtpCommand.Noop, []],
  ])('%j', (input, result, command, args) => {
    const o = run(parseSmtpCommand, input);
    expect(o.results.at(-1)).toBe(result);
    if (command) expect(o.command).toBe(command);
    if (result === Parse.Ok) expect(o.args).toEqual(args);
  });

  it('never throws on arbitrary bytes, whichever parser', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        for (const p of [imap122, imapNew, parsePop3Command, parseSmtpCommand]) {
          const b = new CommandBuffer(512);
          const ps = new ParserState();
          Buffer.from(bytes).copy(b.data);
          b.last = bytes.length;
          // parse until nothing more can be done, as the session would
          for (let i = 0; i < 400; i++) {
            const r = p(ps, b);
            if (r === Parse.Again && b.pos === b.last) break;
            ps.args = [];
            if (r !== Parse.ImapNext) ps.state = r === Parse.Invalid ? 0 : ps.state;
            expect(b.pos).toBeLessThanOrEqual(b.last);
          }
        }
      }),
    );
  });
});
