/**
 * Loads grammars/nginx.tmLanguage.json into vscode-textmate (with the Oniguruma WebAssembly
 * build VS Code itself uses) and tokenizes whole texts the way the editor does: line by line,
 * carrying the rule stack across lines.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import oniguruma from 'vscode-oniguruma';
import vsctm, { type IGrammar, type IOnigLib } from 'vscode-textmate';

const require = createRequire(import.meta.url);

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const grammarPath = path.join(repoRoot, 'grammars/nginx.tmLanguage.json');

/** VS Code's standard token types (vscode-textmate's StandardTokenType). */
export const TokenType = { Other: 0, Comment: 1, String: 2, RegEx: 3 } as const;

export interface Token {
  /** 0-based line. */
  line: number;
  /** 0-based UTF-16 column of the first character, and just past the last. */
  start: number;
  end: number;
  text: string;
  scopes: string[];
}

/** What the editor knows about one character: its scopes and its binary metadata. */
export interface CharInfo {
  scopes: string[];
  tokenType: number;
  /** Whether VS Code may treat a bracket character here as a bracket. */
  balancedBrackets: boolean;
}

export interface GrammarOptions {
  /** The grammar contribution's unbalancedBracketScopes (from extension/package.json). */
  unbalancedBracketScopes?: string[];
}

export interface Tokenized {
  tokens: Token[];
  /** One entry per line, one CharInfo per character of that line (line breaks excluded). */
  chars: CharInfo[][];
  lines: string[];
}

let onigLib: Promise<IOnigLib> | undefined;

function loadOniguruma(): Promise<IOnigLib> {
  onigLib ??= (async () => {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    return {
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    };
  })();
  return onigLib;
}

export async function loadGrammar(options: GrammarOptions = {}): Promise<IGrammar> {
  const registry = new vsctm.Registry({
    onigLib: loadOniguruma(),
    loadGrammar: async (scopeName) =>
      scopeName === 'source.nginx' ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath) : null,
  });
  const grammar = await registry.loadGrammarWithConfiguration('source.nginx', 1, {
    balancedBracketSelectors: ['*'],
    unbalancedBracketSelectors: options.unbalancedBracketScopes ?? [],
  });
  if (!grammar) throw new Error(`could not load ${grammarPath}`);
  return grammar;
}

/** Splits lines as VS Code does (CRLF, CR or LF), without the line breaks. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

export function tokenizeText(grammar: IGrammar, text: string): Tokenized {
  const lines = splitLines(text);
  const tokens: Token[] = [];
  const chars: CharInfo[][] = [];
  let state = vsctm.INITIAL;
  let state2 = vsctm.INITIAL;
  lines.forEach((lineText, line) => {
    const r = grammar.tokenizeLine(lineText, state);
    state = r.ruleStack;
    const lineChars: CharInfo[] = [];
    for (const t of r.tokens) {
      const end = Math.min(t.endIndex, lineText.length);
      if (end <= t.startIndex) continue;
      tokens.push({ line, start: t.startIndex, end, text: lineText.slice(t.startIndex, end), scopes: t.scopes });
      for (let i = t.startIndex; i < end; i++) lineChars[i] = { scopes: t.scopes, tokenType: 0, balancedBrackets: false };
    }
    const r2 = grammar.tokenizeLine2(lineText, state2);
    state2 = r2.ruleStack;
    const n = r2.tokens.length / 2;
    for (let k = 0; k < n; k++) {
      const start = r2.tokens[2 * k]!;
      const end = k + 1 < n ? r2.tokens[2 * k + 2]! : lineText.length;
      const meta = r2.tokens[2 * k + 1]!;
      for (let i = start; i < end && i < lineText.length; i++) {
        lineChars[i]!.tokenType = (meta & 0x300) >>> 8;
        lineChars[i]!.balancedBrackets = (meta & 0x400) !== 0;
      }
    }
    chars.push(lineChars);
  });
  return { tokens, chars, lines };
}
