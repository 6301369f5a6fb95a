/**
 * The shape of a document: symbols (`mail` > each `server`, named by what it serves),
 * folding ranges (blocks, runs of comment lines) and selection ranges (word, statement,
 * block, enclosing statement, ... up to the whole file).
 */
import { endOffset, startOffset, type Directive, type Node, type ParsedFile } from '@mailconf/syntax';
import { FoldingRangeKind, SymbolKind, type DocumentSymbol, type FoldingRange, type Position, type SelectionRange } from 'vscode-languageserver';
import type { Analysis } from '../analysis.js';
import { headerEnd, locate } from '../locate.js';
import { toOffset, toRange } from '../positions.js';

function serverName(a: Analysis | null, d: Directive): string {
  const s = a?.serverOf(d);
  if (!s) return 'server';
  const parts: string[] = [];
  if (s.protocol) parts.push(s.protocol);
  if (s.listens.length) parts.push([...new Set(s.listens.map((l) => l.address.text + (l.ssl ? ' ssl' : '')))].join(', '));
  const name = s.settings.server_name;
  if (name.origin === 'server') parts.push(`(${name.value})`);
  return parts.length ? `server ${parts.join(' ')}` : 'server';
}

function blockDetail(d: Directive): string {
  return d.args.map((w) => w.raw).join(' ');
}

export function documentSymbols(file: ParsedFile, a: Analysis | null): DocumentSymbol[] {
  const lines = file.lines;
  const build = (nodes: readonly Node[]): DocumentSymbol[] => {
    const out: DocumentSymbol[] = [];
    for (const n of nodes) {
      if (n.type !== 'directive' || !n.name || !n.nameWord) continue;
      const range = toRange(lines, startOffset(n.range), endOffset(n.range));
      const selectionRange = toRange(lines, startOffset(n.nameWord.range), endOffset(n.nameWord.range));
      const isMailServer = n.name === 'server' && n.block && a?.serverOf(n);
      const sym: DocumentSymbol = {
        name: isMailServer ? serverName(a, n) : n.name,
        kind: n.block ? (n.name === 'server' ? SymbolKind.Class : SymbolKind.Namespace) : SymbolKind.Property,
        range,
        selectionRange,
      };
      const detail = n.block ? blockDetail(n) : n.args.map((w) => w.raw).join(' ');
      if (detail) sym.detail = detail;
      if (n.block) sym.children = build(n.block.children);
      out.push(sym);
    }
    return out;
  };
  return build(file.children);
}

export function foldingRanges(file: ParsedFile): FoldingRange[] {
  const out: FoldingRange[] = [];
  const lines = file.lines;
  const stack: (readonly Node[])[] = [file.children];
  while (stack.length) {
    const nodes = stack.pop()!;
    let run: { start: number; end: number } | null = null;
    const flush = () => {
      if (run && run.end > run.start) out.push({ startLine: run.start, endLine: run.end, kind: FoldingRangeKind.Comment });
      run = null;
    };
    for (const n of nodes) {
      if (n.type === 'comment' && !n.trailing) {
        const line = lines.editorPosition(startOffset(n.range)).line;
        if (run && line === run.end + 1) run.end = line;
        else {
          flush();
          run = { start: line, end: line };
        }
        continue;
      }
      if (n.type === 'blank') continue;
      flush();
      if (n.type === 'directive' && n.block) {
        const startLine = lines.editorPosition(startOffset(n.block.open)).line;
        const endOff = n.block.close ? startOffset(n.block.close) : file.source.length;
        const closeLine = lines.editorPosition(endOff).line;
        // Keep the line of the `}` visible.
        const endLine = n.block.close ? closeLine - 1 : closeLine;
        if (endLine > startLine) out.push({ startLine, endLine });
        stack.push(n.block.children);
      }
    }
    flush();
  }
  return out.sort((x, y) => x.startLine - y.startLine);
}

export function selectionRanges(file: ParsedFile, positions: Position[]): SelectionRange[] {
  const lines = file.lines;
  return positions.map((p) => {
    const offset = toOffset(lines, p);
    const loc = locate(file, offset);
    // Innermost first, as offset pairs; then linked from the outside in.
    const spans: [number, number][] = [];
    if (loc.word) spans.push([startOffset(loc.word.range), endOffset(loc.word.range)]);
    if (loc.directive) {
      const d = loc.directive;
      if (d.args.length) spans.push([startOffset(d.args[0]!.range), endOffset(d.args[d.args.length - 1]!.range)]);
      spans.push([startOffset(d.range), headerEnd(d)]);
      if (d.block) spans.push([startOffset(d.range), endOffset(d.range)]);
    }
    for (let i = loc.ancestors.length - 1; i >= 0; i--) {
      const b = loc.ancestors[i]!;
      const inner = endOffset(b.block!.open);
      const close = b.block!.close ? startOffset(b.block!.close) : file.source.length;
      spans.push([inner, close]);
      spans.push([startOffset(b.range), endOffset(b.range)]);
    }
    spans.push([0, file.source.length]);
    let parent: SelectionRange | undefined;
    const kept: [number, number][] = [];
    // Each range must contain the one before it; drop repeats and ones that do not grow.
    for (const s of spans) {
      const prev = kept[kept.length - 1];
      if (prev && (s[0] > prev[0] || s[1] < prev[1] || (s[0] === prev[0] && s[1] === prev[1]))) continue;
      kept.push(s);
    }
    if (!kept.length) kept.push([offset, offset]);
    for (let i = kept.length - 1; i >= 0; i--) {
      const r: SelectionRange = { range: toRange(lines, kept[i]![0], kept[i]![1]) };
      if (parent) r.parent = parent;
      parent = r;
    }
    return parent!;
  });
}
