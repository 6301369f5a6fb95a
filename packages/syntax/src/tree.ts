import type { SourceEncoding } from './source.js';
/**
 * The lossless syntax tree. Every token of the source (whitespace and comments included)
 * is kept in `ParsedFile.tokens`; nodes point into that list by index, so printing the
 * tokens in order gives the input back byte for byte, and a node's exact text is always
 * `source.slice(range.start.offset, range.end.offset)`.
 */
import type { LineIndex, Range } from './positions.js';
import type { Token, TokenStore } from './tokens.js';

export interface Word {
  /** The text as written, quotes and escapes included. */
  raw: string;
  /** The value nginx uses: quotes removed, escapes translated. */
  value: string;
  /** The quote character when the word was quoted. */
  quote: '"' | "'" | null;
  range: Range;
  /** Index of the word's token in `ParsedFile.tokens`. */
  token: number;
}

export interface Comment {
  type: 'comment';
  /** Text after the `#`. */
  text: string;
  raw: string;
  range: Range;
  /** True when the comment follows other content on the same line (`listen 25; # smtp`). */
  trailing: boolean;
  token: number;
}

/** One or more blank lines between statements (lines holding only whitespace). */
export interface BlankLines {
  type: 'blank';
  count: number;
  range: Range;
}

export type Terminator = ';' | '{' | null;

export interface Directive {
  type: 'directive';
  /** The directive name as nginx reads it (the first word's value). Empty for a block with no name. */
  name: string;
  nameWord: Word | null;
  args: Word[];
  /** `args.length`, without making the word objects (a large file's checker reads this for every statement). */
  readonly argCount: number;
  /** `args[i].value`, without making the word objects; '' for an argument the statement does not have. */
  argValue(i: number): string;
  /** `;` or `{` as written; null when the statement was never terminated (a syntax error). */
  terminator: Terminator;
  /** Range of the `;` or `{`. */
  terminatorRange: Range | null;
  /** The block, when the directive was opened with `{`. */
  block: Block | null;
  /** From the first word to the `;`, or to the closing `}` of the block. */
  range: Range;
  /**
   * The line nginx names in messages about this statement: the line of the `;` or `{`
   * that ended it (config-language.md §6).
   */
  line: number;
  /** Comments written between the words of the statement. */
  innerComments: Comment[];
  /** Token index range [firstToken, lastToken] of the statement, block included. */
  firstToken: number;
  lastToken: number;
}

export interface Block {
  children: Node[];
  /** The `{`. */
  open: Range;
  /** The `}`; null when the file ended first. */
  close: Range | null;
  closeToken: number | null;
}

export type Node = Directive | Comment | BlankLines;

export interface SyntaxIssue {
  /** nginx's own wording, e.g. `unexpected "}"`. */
  message: string;
  /** The line nginx reports. */
  line: number;
  range: Range;
  /** A stable id for the kind of error. */
  code: SyntaxErrorCode;
  /** Extra help that nginx does not give (never replaces the message). */
  hint?: string;
}

export type SyntaxErrorCode =
  | 'unexpected-close'
  | 'unexpected-semicolon'
  | 'unexpected-open'
  | 'unexpected-after-quote'
  | 'eof-expecting-semicolon'
  | 'eof-expecting-close'
  | 'too-long-parameter'
  | 'too-long-quoted';

export interface ParsedFile {
  /** The path the text came from, or a label such as `-` for standard input. */
  path: string;
  source: string;
  /** Every token, whitespace and comments included (made on first use from `store`). */
  readonly tokens: Token[];
  /** The same tokens as compact arrays: what the parser and fast paths read. */
  readonly store: TokenStore;
  /** The statements (made on first use from `store`: reading only `errors` costs no tree). */
  readonly children: Node[];
  errors: SyntaxIssue[];
  /** Offset → line/column lookups (made on first use). */
  readonly lines: LineIndex;
  /** False when no statement is named `include`, so loaders need not build the tree to look. */
  readonly mayInclude: boolean;
  /** How the file's bytes became `source` (nginx counts lengths in bytes). */
  readonly encoding: SourceEncoding;
}

/** Visits every directive in document order (iterative, so deep nesting cannot overflow the stack). */
export function* directives(nodes: readonly Node[]): Generator<{ directive: Directive; parents: Directive[] }> {
  const stack: { nodes: readonly Node[]; i: number; parent: Directive | null }[] = [{ nodes, i: 0, parent: null }];
  const parents: Directive[] = [];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (top.i >= top.nodes.length) {
      stack.pop();
      if (top.parent) parents.pop();
      continue;
    }
    const node = top.nodes[top.i++]!;
    if (node.type !== 'directive') continue;
    yield { directive: node, parents: parents.slice() };
    if (node.block) {
      parents.push(node);
      stack.push({ nodes: node.block.children, i: 0, parent: node });
    }
  }
}
