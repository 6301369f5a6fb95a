/** Types of the parts of extract-commands.mjs that tests import. */
import type { CommandRecord, VariableRecord } from '../../packages/schema/src/profile.js';

/** One record of the generated table: the type the schema package reads it as. */
export type ExtractedDirective = CommandRecord;

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
  variables: VariableRecord[];
}

/** Reads the command tables of one nginx source tree (a directory with src/). */
export function extractTree(root: string): ExtractedTree;

/** Merges trees (oldest first) into records with since/until versions. */
export function merge(trees: ExtractedTree[]): { versions: string[]; modules: ExtractedModule[]; directives: ExtractedDirective[]; variables: VariableRecord[] };
