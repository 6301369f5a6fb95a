/**
 * What a directive is. Directive facts are data (see data/), not code: the checker, the
 * language server and the runtime all read them from here.
 */

/**
 * Where a directive stands. Mail and main are exact; the other families are known well
 * enough to say "not allowed here" versus "unknown directive" as nginx does.
 */
export type ContextId =
  | 'main'
  | 'events'
  | 'mail'
  | 'mail:server'
  | 'http'
  | 'http:server'
  | 'http:location'
  | 'http:if-server'
  | 'http:if-location'
  | 'http:limit_except'
  | 'http:upstream'
  | 'stream'
  | 'stream:server'
  | 'stream:upstream';

/** How many arguments nginx accepts (ngx_command_t's NGX_CONF_* argument flags). */
export type Arity =
  | { kind: 'counts'; counts: number[] } // NOARGS = [0], TAKE1 = [1], TAKE12 = [1, 2], ...
  | { kind: 'flag' } // exactly one: on/off
  | { kind: 'min'; min: 1 | 2 } // 1MORE, 2MORE
  | { kind: 'any' };

/** The value syntax of a directive's arguments (config-language.md §10). */
export type ValueType =
  | { type: 'time'; unit: 'ms' | 's' }
  /** `variables`: a value with variables is read per request, one without when the configuration is (ngx_http_set_complex_value_size_slot). */
  | { type: 'size'; variables?: boolean }
  | { type: 'offset' }
  /** Digits only; `min`/`max` when the module bounds it (ngx_conf_check_num_bounds, e.g. gzip_comp_level 1..9). */
  | { type: 'number'; min?: number; max?: number }
  | { type: 'flag' }
  /** One keyword; matched case-insensitively unless `caseSensitive`. */
  | { type: 'enum'; values: string[]; caseSensitive?: boolean }
  /**
   * A set of keywords (imap_auth, ssl_protocols): unknown → error, repeated → warning. `flags`,
   * when known, gives each word's mask flags: a word repeats another when they share one
   * (userid_flags samesite=strict and samesite=lax both set the samesite flag).
   */
  | { type: 'bitmask'; values: string[]; flags?: string[][] }
  /** A number of buffers and their size (`proxy_buffers 8 4k`): neither may be 0. */
  | { type: 'bufs' }
  /**
   * A value one of nginx's other shared readers reads: file permissions (`user:rw group:r`),
   * a temporary directory and its levels, cache validity (`200 302 10m`), an upstream
   * parameter (`fastcgi_param NAME value [if_not_empty]`), a local address to bind, MIME types.
   */
  | { type: 'reader'; reader: 'access' | 'path' | 'cache-valid' | 'param' | 'bind' | 'types' }
  | { type: 'string' }
  | { type: 'path' }
  /** Checked by a dedicated rule in the checker (listen, resolver, auth_http, ...). */
  | { type: 'special'; name: string };

/** What nginx does when the directive is repeated at the same level. */
export type Repeat =
  | 'error' // "X" directive is duplicate
  | 'append' // list: entries accumulate
  | 'or' // bitmask: sets are OR-ed, repeated words warn
  | 'last-wins' // no check, last one counts
  | 'custom'; // the directive's own rule (listen, ssl_session_cache, ...)

export interface VersionRange {
  /** First version that has this form (inclusive). */
  since?: string;
  /** First version that no longer has it. */
  until?: string;
}

export interface DirectiveSpec {
  name: string;
  /** nginx module that defines it, e.g. `ngx_mail_core_module`. */
  module: string;
  contexts: ContextId[];
  arity: Arity;
  /** Takes a `{}` block (NGX_CONF_BLOCK). */
  block: boolean;
  /** For block directives: the context its body opens, or `raw` when the body is not directives (types, map, geo...). */
  body?: ContextId | 'raw';
  /**
   * For blocks whose body depends on where they stand (http `if`: `http:if-server` inside a
   * server, `http:if-location` inside a location): the body per enclosing context. `body`
   * then holds the location form.
   */
  bodyIn?: Partial<Record<ContextId, ContextId | 'raw'>>;
  /** Module family: which `*_module` type defines it (`core`, `conf`, `event`, `http`, `mail`, `stream`). */
  family?: ModuleFamily;
  /**
   * True for hand-curated entries (mail, main, events): value, default, repeat and versions are
   * exact. Other entries come from nginx's command tables and only know module, contexts,
   * arity and block; their `repeat` is `custom` (not modelled).
   */
  exact?: boolean;
  /** Value syntax; given for mail, main and events directives. */
  value?: ValueType;
  /** Default as nginx documents it (`60s`, `on`, `plain login`), when there is one. */
  default?: string;
  /** For defaults nginx computes (`server_name` = host name, buffers = one page): a note instead. */
  defaultNote?: string;
  repeat: Repeat;
  /** Inherited from `mail {}` into `server {}` when the server does not set it. */
  inherits?: boolean;
  /** Version the directive appeared in, and the one it was removed in. */
  since?: string;
  removedIn?: string;
  deprecatedIn?: string;
  /** nginx warns at start-up that the directive is deprecated in favour of this one (ngx_conf_deprecated). */
  replacedBy?: string;
  /**
   * Version-specific forms: e.g. proxy_protocol is a flag before 1.31.4 and an enum from then.
   * The entry whose range contains the checked version overrides arity/value.
   */
  variants?: (VersionRange & { arity?: Arity; value?: ValueType; default?: string })[];
}

export type ModuleFamily = 'core' | 'conf' | 'event' | 'http' | 'mail' | 'stream';

/** The set of directives a given nginx build knows: the target version and its modules. */
export interface Profile {
  /**
   * nginx version whose rules apply, e.g. `1.22.1`: the requested version, clamped to the
   * range the schema has exact tables for (ORACLE_VERSION … NEWEST_VERSION).
   */
  version: string;
  /** The version string that was asked for (may lie outside the known range). */
  requestedVersion: string;
  /** Which module set: `debian-bookworm` (the oracle's build) or `full` (every open-source module, Linux). */
  build: BuildId;
  /** Modules the build has, e.g. `ngx_mail_ssl_module`. */
  modules: readonly string[];
  /** Every spec with this name known to the build (a name can be defined by several modules). */
  lookup(name: string): DirectiveSpec[];
  /** The spec that accepts `name` in `context`, with version variants applied; null if none does. */
  allowedIn(name: string, context: ContextId): DirectiveSpec | null;
  /** Whether any loaded module defines the name (else nginx says `unknown directive`). */
  isKnown(name: string): boolean;
  /** Names allowed in a context (for completion). */
  namesIn(context: ContextId): string[];
  /**
   * The variables the build's http or stream modules define (`$remote_addr`, and prefixes such
   * as `http_`); those a configuration makes itself (set, map, regex captures) are not here.
   */
  moduleVariables(family: 'http' | 'stream'): { names: ReadonlySet<string>; changeable: ReadonlySet<string>; prefixes: readonly string[] };
}

export type BuildId = 'debian-bookworm' | 'full';

export interface DirectiveDocs {
  name: string;
  module: string;
  /** Syntax lines as nginx documents them (markdown). */
  syntax: string[];
  default: string | null;
  contexts: string[];
  /** Description in markdown. */
  description: string;
  since: string | null;
  /** Link to the official page. */
  url: string;
}
