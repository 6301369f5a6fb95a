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
  slot?: 'flag' | 'num' | 'size' | 'off' | 'msec' | 'sec' | 'str' | 'enum' | 'bitmask';
  /** The words an enum or bitmask reader accepts (its post table), in nginx's order. */
  values?: string[];
  /** For a bitmask: each word's mask as written (`A|B`); words sharing a flag repeat each other. */
  masks?: string[];
  /** For a number: ngx_conf_check_num_bounds' low and high (high -1: no upper bound). */
  bounds?: [number, number];
  /** ngx_conf_deprecated: nginx warns that `old` is deprecated in favour of `new`. */
  deprecated?: { old: string; new: string };
  /** A handler of its own that refuses a second use in the same block ("is duplicate"). */
  once?: true;
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
