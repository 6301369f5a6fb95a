/**
 * Where the checks nginx makes after an http {} (or stream {}) block is read stand in its
 * reading order: at the block's "}" (its endSeq), then in the order ngx_http_block runs them
 * (src/http/ngx_http.c): the upstreams' initialisation, each module's merge of the servers and
 * locations, the location trees, the postconfiguration handlers, the variables.
 */
import type { Entry } from './walk.js';

export const HTTP_PHASE = { upstreams: -1, merge: 1, locations: 9, postconfiguration: 10, variables: 100 } as const;

/** The modules whose merges check or compile something, in the order the build merges them (its ngx_modules.c). */
export const MERGE_MODULES = ['referer', 'ssl', 'proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc'] as const;
export type MergeModule = (typeof MERGE_MODULES)[number];
/** In stream the proxy module comes before the ssl module (auto/modules: proxy is one of stream's core modules). */
const STREAM_MERGE_MODULES: readonly MergeModule[] = ['proxy', 'ssl'];

/**
 * The order key of something a module's merge finds: by module, then by the block being merged
 * (servers and their locations in reading order: a server's own level before its locations),
 * then by what the module's merge does first (`step`).
 */
export function mergeOrder(top: Entry, module: MergeModule, blockSeq: number, step = 0): number[] {
  const modules: readonly MergeModule[] = top.directive.name === 'stream' ? STREAM_MERGE_MODULES : MERGE_MODULES;
  return [top.endSeq, HTTP_PHASE.merge + modules.indexOf(module) / 10, blockSeq, step];
}
