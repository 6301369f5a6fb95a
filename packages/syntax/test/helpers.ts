import type { Node, ParsedFile } from '@mailconf/syntax';
import type { RefToken } from './reference-tokenizer.js';

/** The statement tokens the parser produced, in order, comparable with the reference tokenizer. */
export function treeTokens(file: ParsedFile): RefToken[] {
  const out: RefToken[] = [];
  const visit = (nodes: readonly Node[]) => {
    for (const n of nodes) {
      if (n.type !== 'directive') continue;
      if (n.nameWord) out.push({ t: 'word', v: n.nameWord.value });
      for (const a of n.args) out.push({ t: 'word', v: a.value });
      if (n.terminator === ';') out.push({ t: ';' });
      if (n.block) {
        out.push({ t: '{' });
        visit(n.block.children);
        if (n.block.close) out.push({ t: '}' });
      }
    }
  };
  visit(file.children);
  return out;
}
