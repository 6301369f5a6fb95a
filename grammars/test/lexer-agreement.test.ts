/**
 * The grammar must read text exactly as nginx does. packages/syntax's lexer is our executable
 * statement of nginx's reading rules, so every character is classified both ways — comment,
 * quoted string, `;`/`{`/`}` punctuation, whitespace or part of an unquoted word — and the two
 * must agree: on the grammar fixtures, on the shared corpus of real configurations (when it is
 * there), and on random text built from the characters that matter.
 *
 * Agreement stops at the first character the grammar marks invalid.illegal.after-quote
 * (`"a"x`): nginx stops reading there, and past that point nothing is defined. It also stops
 * after an unquoted word ending in a backslash before a CRLF: nginx escapes the CR and ends the
 * word at the LF, but VS Code hands the grammar lines without their line breaks, so the grammar
 * cannot tell CRLF from LF there and continues the word (a known limit, README.md).
 *
 * Brackets are checked too, with the unbalancedBracketScopes the extension contributes: a `{`
 * or `}` that nginx reads as a block brace is a bracket for VS Code; one inside a word, a
 * string or a comment (`a}b`, `${x}`, `"{"`) is not.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { tokenize } from '@mailconf/syntax';
import { beforeAll, describe, expect, test } from 'vitest';
import type { IGrammar } from 'vscode-textmate';
import { loadGrammar, repoRoot, tokenizeText, TokenType, type CharInfo } from './textmate.js';

type CharClass = 'ws' | 'comment' | 'string' | 'punct' | 'word';

const sharedDir = path.resolve(repoRoot, '../shared');
const corpusDir = path.join(sharedDir, 'corpus');
const hasCorpus = fs.existsSync(corpusDir);
if (!hasCorpus) console.log(`lexer agreement: ${corpusDir} is absent, the corpus part is skipped`);

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'extension/package.json'), 'utf8'));
const unbalancedBracketScopes: string[] = manifest.contributes.grammars[0].unbalancedBracketScopes ?? [];

let grammar: IGrammar;
beforeAll(async () => {
  grammar = await loadGrammar({ unbalancedBracketScopes });
});

function lexerClasses(text: string): CharClass[] {
  const out: CharClass[] = new Array(text.length);
  for (const t of tokenize(text)) {
    const cls: CharClass =
      t.kind === 'ws' ? 'ws'
      : t.kind === 'comment' ? 'comment'
      : t.kind === 'dquote' || t.kind === 'squote' ? 'string'
      : t.kind === 'word' ? 'word'
      : 'punct';
    for (let i = t.start; i < t.end; i++) out[i] = cls;
  }
  return out;
}

const PUNCT_SCOPES = [
  'punctuation.terminator.statement.nginx',
  'punctuation.section.block.begin.nginx',
  'punctuation.section.block.end.nginx',
  'invalid.illegal.stray-semicolon.nginx',
  'invalid.illegal.stray-brace.nginx',
];

/** The grammar's reading of one character, or 'stop' past an after-quote error. */
function grammarClass(ch: string, info: CharInfo): CharClass | 'stop' {
  const { scopes } = info;
  if (scopes.includes('invalid.illegal.after-quote.nginx')) return 'stop';
  if (scopes.some((s) => s.startsWith('comment.'))) return 'comment';
  if (scopes.some((s) => s.startsWith('string.quoted.'))) return 'string';
  if ('{};'.includes(ch) && PUNCT_SCOPES.includes(scopes[scopes.length - 1]!)) return 'punct';
  if (' \t\r'.includes(ch) && !scopes.some((s) => s.startsWith('constant.character.escape'))) return 'ws';
  return 'word';
}

/** Returns a description of every disagreement (empty when the two readings agree). */
function disagreements(text: string): string[] {
  const expected = lexerClasses(text);
  const { chars, lines } = tokenizeText(grammar, text);
  const problems: string[] = [];
  let offset = 0;
  for (let line = 0; line < lines.length && problems.length < 5; line++) {
    const lineText = lines[line]!;
    for (let col = 0; col < lineText.length; col++) {
      const ch = lineText[col]!;
      const info = chars[line]![col]!;
      const got = grammarClass(ch, info);
      if (got === 'stop') return problems;
      const want = expected[offset + col];
      const where = `${line + 1}:${col + 1} ${JSON.stringify(ch)}`;
      if (got !== want) problems.push(`${where}: lexer reads ${want}, grammar ${got} (${info.scopes.join(' ')})`);
      if (ch === '{' || ch === '}') {
        const isBracket = info.tokenType === TokenType.Other && info.balancedBrackets;
        if (isBracket !== (want === 'punct')) {
          problems.push(`${where}: ${want === 'punct' ? 'block brace is not' : `brace in a ${want} is`} a bracket for VS Code`);
        }
      }
    }
    offset += lineText.length;
    // Skip the line break VS Code split on.
    if (text.startsWith('\r\n', offset)) {
      if (lineText.endsWith('\\') && expected[offset - 1] === 'word') return problems;
      offset += 2;
    }
    else if (offset < text.length) offset += 1;
  }
  return problems;
}

function confFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.conf'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

describe('grammar and lexer read text alike', () => {
  test('grammar fixtures', () => {
    const files = confFiles(path.join(repoRoot, 'fixtures/grammar'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(disagreements(fs.readFileSync(file, 'utf8')), path.relative(repoRoot, file)).toEqual([]);
    }
  });

  test.skipIf(!hasCorpus)('shared corpus (real-world and mutant configurations)', () => {
    const files = confFiles(corpusDir);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(disagreements(fs.readFileSync(file, 'latin1')), path.relative(sharedDir, file)).toEqual([]);
    }
  });

  test('random text made of the characters nginx treats specially', () => {
    const piece = fc.constantFrom(
      'a', 'x1', '60s', 'on', 'listen', 'mail', 'server', 'protocol', 'imap', 'ssl', 'so_keepalive=', 'location', '=',
      '$', '$x', '${y}', '{', '}', ';', '#', '"', "'", '\\', '(', ')', ' ', '\t', '\n', '\r\n', 'é',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60, size: 'max' }), (pieces) => {
        const text = pieces.join('');
        const problems = disagreements(text);
        if (problems.length) throw new Error(`${JSON.stringify(text)}\n${problems.join('\n')}`);
      }),
      { numRuns: 1000 },
    );
  });
});
