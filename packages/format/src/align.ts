/**
 * `--align`: the first values of consecutive simple directives start in one column, as in
 * nginx's own documentation:
 *
 *     listen       25;
 *     server_name  mail.example.com;
 *
 * A run is a sequence of `;` directives in the same block with nothing between them but
 * trailing comments. A blank line, an own-line comment, a block, or a directive written over
 * several lines (or with a comment among its words) ends the run.
 */
import { K_WS, type Directive, type Node, type ParsedFile } from '@mailconf/syntax';

/** For the name token of each aligned directive: how many spaces to put after the name. */
export function alignmentPads(file: ParsedFile): Map<number, number> {
  const pads = new Map<number, number>();
  // Iterative walk over block bodies, so deep nesting cannot overflow the stack.
  const lists: Node[][] = [file.children];
  while (lists.length) {
    const children = lists.pop()!;
    let run: Directive[] = [];
    const flush = () => {
      let width = 0;
      for (const d of run) if (d.args.length) width = Math.max(width, displayWidth(d.nameWord!.raw));
      for (const d of run) if (d.args.length) pads.set(d.nameWord!.token, width - displayWidth(d.nameWord!.raw) + 1);
      run = [];
    };
    for (const node of children) {
      if (node.type === 'comment' && node.trailing) continue;
      if (node.type === 'directive' && alignable(file, node)) {
        run.push(node);
        continue;
      }
      flush();
      if (node.type === 'directive' && node.block) lists.push(node.block.children);
    }
    flush();
  }
  return pads;
}

/**
 * Whether a directive is printed on one line: a `;` directive without comments among its
 * words whose words the user wrote on one line. A line break before the `;` does not count:
 * the `;` is always pulled up to the last word, so the printed directive is one line either
 * way (and deciding on the printed form is what keeps `--align` idempotent).
 */
function alignable(file: ParsedFile, d: Directive): boolean {
  if (d.terminator !== ';' || !d.nameWord || d.innerComments.length) return false;
  const lastWord = d.args.length ? d.args[d.args.length - 1]!.token : d.nameWord.token;
  const { store, source } = file;
  for (let i = d.firstToken; i < lastWord; i++) {
    if (store.kinds[i] !== K_WS) continue;
    const nl = source.indexOf('\n', store.starts[i]!);
    if (nl !== -1 && nl < store.ends[i]!) return false;
  }
  return true;
}

/** Width in code points, so a name with non-ASCII letters is not over-padded. */
function displayWidth(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
