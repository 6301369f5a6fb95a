/**
 * Semantic tokens: what a grammar cannot know. A directive name is coloured as one only
 * when nginx knows it in its context (and marked deprecated when it is), block names apart
 * from simple directives, keyword values (`on`, `imap`, `ssl`, `TLSv1.3`) apart from free
 * text, numbers with units, variables, quoted strings, comments.
 */
import type { ContextId, Profile } from '@mailconf/schema';
import { compareVersions } from '@mailconf/schema';
import { endOffset, startOffset, type Node, type ParsedFile } from '@mailconf/syntax';
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver';
import { bodyContext } from '../contexts.js';
import { isKeywordValue } from '../values.js';

export const TOKEN_TYPES = ['keyword', 'property', 'enumMember', 'number', 'string', 'variable', 'parameter', 'comment'] as const;
export const TOKEN_MODIFIERS = ['deprecated', 'declaration'] as const;
export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

type TokenType = (typeof TOKEN_TYPES)[number];
const TYPE_INDEX = new Map<string, number>(TOKEN_TYPES.map((t, i) => [t, i] as const));
const DEPRECATED = 1 << 0;
const DECLARATION = 1 << 1;

/** Numbers, sizes, times: `10`, `4k`, `1m`, `30s`, `1h30m`, `500ms`. */
const NUMERIC = /^(?:\d+(?:ms|[a-zA-Z])?)+$/;
const VARIABLE = /^\$(?:\{?[A-Za-z_][A-Za-z0-9_]*\}?)$/;

interface Raw {
  start: number;
  end: number;
  type: TokenType;
  mods: number;
}

export function semanticTokens(file: ParsedFile, top: ContextId | null, profile: Profile, range?: { start: number; end: number }): SemanticTokens {
  const raw: Raw[] = [];
  const lo = range?.start ?? 0;
  const hi = range?.end ?? file.source.length;
  const push = (start: number, end: number, type: TokenType, mods = 0) => {
    if (end <= lo || start >= hi) return;
    raw.push({ start, end, type, mods });
  };
  const version = profile.version;
  const stack: { nodes: readonly Node[]; ctx: ContextId | null }[] = [{ nodes: file.children, ctx: top }];
  while (stack.length) {
    const { nodes, ctx } = stack.pop()!;
    for (const n of nodes) {
      if (endOffset(n.range) < lo || startOffset(n.range) > hi) continue;
      if (n.type === 'comment') {
        push(startOffset(n.range), endOffset(n.range), 'comment');
        continue;
      }
      if (n.type !== 'directive') continue;
      for (const c of n.innerComments) push(startOffset(c.range), endOffset(c.range), 'comment');
      const spec = ctx && n.name ? profile.allowedIn(n.name, ctx) : null;
      if (n.nameWord && spec) {
        let mods = 0;
        if (spec.deprecatedIn && compareVersions(version, spec.deprecatedIn) >= 0) mods |= DEPRECATED;
        if (n.block) mods |= DECLARATION;
        push(startOffset(n.nameWord.range), endOffset(n.nameWord.range), n.block ? 'keyword' : 'property', mods);
      }
      n.args.forEach((w, i) => {
        const s = startOffset(w.range);
        const e = endOffset(w.range);
        if (w.quote) return push(s, e, 'string');
        if (VARIABLE.test(w.raw)) return push(s, e, 'variable');
        if (spec && isKeywordValue(n.name, spec, i, w.value, version)) return push(s, e, n.name === 'listen' && i > 0 ? 'parameter' : 'enumMember');
        if (NUMERIC.test(w.raw)) return push(s, e, 'number');
      });
      if (n.block) stack.push({ nodes: n.block.children, ctx: bodyContext(n, ctx, profile) });
    }
  }
  raw.sort((a, b) => a.start - b.start);
  const builder = new SemanticTokensBuilder();
  const lines = file.lines;
  for (const t of raw) {
    // Tokens may not span lines: split a multi-line quoted string per line.
    let s = t.start;
    while (s < t.end) {
      const p = lines.editorPosition(s);
      const nextLine = lines.offsetAt({ line: p.line + 1, character: 0 });
      let e = Math.min(t.end, nextLine);
      // Do not colour the line break itself.
      let visibleEnd = e;
      while (visibleEnd > s && (file.source[visibleEnd - 1] === '\n' || file.source[visibleEnd - 1] === '\r')) visibleEnd--;
      if (visibleEnd > s) builder.push(p.line, p.character, visibleEnd - s, TYPE_INDEX.get(t.type)!, t.mods);
      if (e <= s) e = t.end;
      s = e;
    }
  }
  return builder.build();
}
