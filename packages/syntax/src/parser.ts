/**
 * Builds the lossless tree from the token stream, the way nginx's ngx_conf_parse reads
 * statements, but without stopping at the first error: every syntax error is recorded
 * with nginx's own wording and line, then the parser recovers and carries on.
 *
 * Iterative (an explicit stack of open blocks), so nesting depth cannot overflow the call
 * stack, and linear in the number of tokens. It never throws on any input.
 */
import { tokenize, type Token } from './lexer.js';
import { endOffset, LineIndex, startOffset, type Range } from './positions.js';
import type { BlankLines, Block, Comment, Directive, Node, ParsedFile, SyntaxErrorCode, SyntaxIssue, Word } from './tree.js';
import { byteLength, unescapeWord } from './words.js';

/** nginx reads words into a 4096-byte buffer (config-language.md §3.6). */
const BUFFER = 4096;

export interface ParseOptions {
  /** The path to report; `-` for standard input. */
  path?: string;
}

interface Frame {
  children: Node[];
  directive: Directive | null;
}

export function parse(source: string, options: ParseOptions = {}): ParsedFile {
  const tokens = tokenize(source);
  const lines = new LineIndex(source);
  const errors: SyntaxIssue[] = [];
  const root: Node[] = [];
  const stack: Frame[] = [{ children: root, directive: null }];
  let pending: Word[] = [];
  let pendingComments: Comment[] = [];
  let pendingFirst = -1;
  /** Whether a line break was seen since the last non-whitespace token (or the file start). */
  let freshLine = true;

  const range = (start: number, end: number): Range => lines.range(start, end);
  const error = (code: SyntaxErrorCode, message: string, at: number, end: number, line?: number, hint?: string) => {
    const r = range(at, end);
    const issue: SyntaxIssue = { code, message, line: line ?? r.start.line, range: r };
    if (hint) issue.hint = hint;
    errors.push(issue);
  };
  const current = (): Frame => stack[stack.length - 1]!;

  const makeDirective = (terminator: Directive['terminator'], termToken: Token | null, lastToken: number): Directive => {
    const nameWord = pending[0] ?? null;
    const start = nameWord ? startOffset(nameWord.range) : termToken!.start;
    const end = termToken ? termToken.end : endOffset(pending[pending.length - 1]!.range);
    const r = range(start, end);
    const terminatorRange = termToken ? range(termToken.start, termToken.end) : null;
    const d: Directive = {
      type: 'directive',
      name: nameWord ? nameWord.value : '',
      nameWord,
      args: pending.slice(1),
      terminator,
      terminatorRange,
      block: null,
      range: r,
      line: terminatorRange ? terminatorRange.start.line : r.end.line,
      innerComments: pendingComments,
      firstToken: pendingFirst >= 0 ? pendingFirst : lastToken,
      lastToken,
    };
    pending = [];
    pendingComments = [];
    pendingFirst = -1;
    return d;
  };

  /** A statement cut short (by `}` or end of file): kept in the tree, without terminator. */
  const flushUnterminated = (lastToken: number) => {
    if (pending.length === 0) return;
    let last = lastToken;
    while (last > 0 && tokens[last]!.kind === 'ws') last--;
    current().children.push(makeDirective(null, null, last));
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    switch (t.kind) {
      case 'ws': {
        let lf = 0;
        for (let k = t.text.indexOf('\n'); k !== -1; k = t.text.indexOf('\n', k + 1)) lf++;
        if (lf > 0) {
          if (pending.length === 0) {
            const blank = lf - (i === 0 ? 0 : 1);
            if (blank > 0) {
              const b: BlankLines = { type: 'blank', count: blank, range: range(t.start, t.end) };
              current().children.push(b);
            }
          }
          freshLine = true;
        }
        break;
      }
      case 'comment': {
        const prev = tokens[i - 1];
        if (prev && (prev.kind === 'dquote' || prev.kind === 'squote') && isClosedQuote(prev)) {
          error('unexpected-after-quote', 'unexpected "#"', t.start, t.start + 1);
        }
        const c: Comment = {
          type: 'comment',
          text: t.text.slice(1),
          raw: t.text,
          range: range(t.start, t.end),
          trailing: !freshLine,
          token: i,
        };
        if (pending.length) pendingComments.push(c);
        else current().children.push(c);
        freshLine = false;
        break;
      }
      case 'word':
      case 'dquote':
      case 'squote': {
        const prev = tokens[i - 1];
        if (prev && (prev.kind === 'dquote' || prev.kind === 'squote') && isClosedQuote(prev) && t.text[0] !== ')') {
          // After a closing quote only whitespace, `;`, `{` or `)` may follow.
          error('unexpected-after-quote', `unexpected "${firstChar(t.text)}"`, t.start, t.start + firstChar(t.text).length);
        }
        const word = makeWord(t, i);
        checkLength(word, t);
        if (pending.length === 0) pendingFirst = i;
        pending.push(word);
        freshLine = false;
        break;
      }
      case ';': {
        if (pending.length === 0) {
          error('unexpected-semicolon', 'unexpected ";"', t.start, t.end);
        } else {
          current().children.push(makeDirective(';', t, i));
        }
        freshLine = false;
        break;
      }
      case '{': {
        if (pending.length === 0) {
          error('unexpected-open', 'unexpected "{"', t.start, t.end);
          pendingFirst = i;
        }
        const d = makeDirective('{', t, i);
        const block: Block = { children: [], open: range(t.start, t.end), close: null, closeToken: null };
        d.block = block;
        current().children.push(d);
        stack.push({ children: block.children, directive: d });
        freshLine = false;
        break;
      }
      case '}': {
        const hadPending = pending.length > 0;
        if (hadPending) {
          error('unexpected-close', 'unexpected "}"', t.start, t.end, undefined, missingSemicolonHint(pending));
          flushUnterminated(i - 1);
        }
        if (stack.length === 1) {
          if (!hadPending) error('unexpected-close', 'unexpected "}"', t.start, t.end);
        } else {
          const frame = stack.pop()!;
          const d = frame.directive!;
          d.block!.close = range(t.start, t.end);
          d.block!.closeToken = i;
          d.range = range(startOffset(d.range), t.end);
          d.lastToken = i;
        }
        freshLine = false;
        break;
      }
    }
  }

  const eofLine = lines.lineCount;
  const eof = source.length;
  if (pending.length) {
    const last = pending[pending.length - 1]!;
    const lastTok = tokens[last.token]!;
    let hint: string | undefined;
    if (last.quote && !isClosedQuote(lastTok)) {
      hint = `the ${last.quote === '"' ? 'double' : 'single'} quote opened on line ${last.range.start.line} is never closed`;
    } else {
      hint = missingSemicolonHint(pending);
    }
    error('eof-expecting-semicolon', 'unexpected end of file, expecting ";" or "}"', eof, eof, eofLine, hint);
    flushUnterminated(tokens.length - 1);
  }
  if (stack.length > 1) {
    const open = stack[stack.length - 1]!.directive!;
    const what = open.name ? `"${open.name}"` : 'a block';
    error(
      'eof-expecting-close',
      'unexpected end of file, expecting "}"',
      eof,
      eof,
      eofLine,
      `the block of ${what} opened on line ${open.line} is never closed`,
    );
    while (stack.length > 1) stack.pop();
  }

  return { path: options.path ?? '-', source, tokens, children: root, errors, lines };

  function makeWord(t: Token, index: number): Word {
    let quote: Word['quote'] = null;
    let inner = t.text;
    if (t.kind === 'dquote' || t.kind === 'squote') {
      quote = t.kind === 'dquote' ? '"' : "'";
      inner = isClosedQuote(t) ? t.text.slice(1, -1) : t.text.slice(1);
    }
    return { raw: t.text, value: unescapeWord(inner), quote, range: range(t.start, t.end), token: index };
  }

  function checkLength(word: Word, t: Token) {
    if (word.quote) {
      const closed = isClosedQuote(t);
      const inner = closed ? t.text.slice(1, -1) : t.text.slice(1);
      const len = inner.length >= BUFFER / 4 ? byteLength(inner) : inner.length;
      if (len >= BUFFER) {
        error('too-long-quoted', `too long parameter, probably missing terminating "${word.quote}" character`, t.start, t.end, word.range.start.line);
      } else if (len >= BUFFER - 1 && closed) {
        error('too-long-parameter', `too long parameter "${firstBytes(inner, 10)}..." started`, t.start, t.end, word.range.start.line);
      }
    } else {
      const len = t.text.length >= BUFFER / 4 ? byteLength(t.text) : t.text.length;
      if (len >= BUFFER) {
        error('too-long-parameter', `too long parameter "${firstBytes(t.text, 10)}..." started`, t.start, t.end, word.range.start.line);
      }
    }
  }
}

/** A quoted token is closed when it ends with its (unescaped) quote character. */
function isClosedQuote(t: Token): boolean {
  const text = t.text;
  if (text.length < 2) return false;
  const q = text[0];
  if (text[text.length - 1] !== q) return false;
  // Count the backslashes before the final quote: an odd number escapes it.
  let n = 0;
  for (let k = text.length - 2; k >= 1 && text[k] === '\\'; k--) n++;
  return n % 2 === 0;
}

function firstChar(s: string): string {
  const c = s.codePointAt(0)!;
  return String.fromCodePoint(c);
}

function firstBytes(s: string, n: number): string {
  const bytes = new TextEncoder().encode(s.slice(0, n));
  return new TextDecoder().decode(bytes.slice(0, n));
}

/** When a statement is cut short, a missing `;` is the usual cause: say where it belongs. */
function missingSemicolonHint(words: Word[]): string | undefined {
  if (words.length === 0) return undefined;
  const last = words[words.length - 1]!;
  return `missing ";" after "${last.raw}" on line ${last.range.end.line}?`;
}
