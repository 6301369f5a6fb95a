/** Types of the parts of extract-commands.mjs that tests import. */
export interface ExtractedDirective {
  name: string;
  module: string;
  family: string;
  contexts: string[];
  arity: { kind: 'counts'; counts: number[] } | { kind: 'flag' } | { kind: 'min'; min: 1 | 2 } | { kind: 'any' };
  block: boolean;
  body?: string;
  bodyIn?: Record<string, string>;
  /** The standard value reader (ngx_conf_set_*_slot) the directive uses, if any. */
  slot?: 'flag' | 'num' | 'size' | 'off' | 'msec' | 'sec' | 'str' | 'enum';
  cond?: string;
  since?: string;
  until?: string;
}

export interface ExtractedModule {
  name: string;
  family: string;
  file: string;
  since?: string;
  until?: string;
}

export interface ExtractedTree {
  version: string;
  modules: ExtractedModule[];
  directives: ExtractedDirective[];
}

/** Reads the command tables of one nginx source tree (a directory with src/). */
export function extractTree(root: string): ExtractedTree;

/** Merges trees (oldest first) into records with since/until versions. */
export function merge(trees: ExtractedTree[]): { versions: string[]; modules: ExtractedModule[]; directives: ExtractedDirective[] };
