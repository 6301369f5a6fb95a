/**
 * Build profiles: which directives a given nginx version and module set knows, where each is
 * allowed, and with which argument rules. Names, contexts and argument flags of every module
 * come from nginx's command tables (data/commands.json, generated); mail, main and events
 * directives are replaced by the curated entries of data/mail.ts and data/core.ts.
 */
import commandsJson from './data/commands.json' with { type: 'json' };
import {
  BUILD_DEFINES,
  DEBIAN_BOOKWORM_EXTRA_DIRECTIVES,
  DEBIAN_BOOKWORM_MODULES,
  NON_LINUX_MODULES,
} from './data/builds.js';
import { CORE_DIRECTIVES } from './data/core.js';
import { MAIL_DIRECTIVES } from './data/mail.js';
import type { Arity, BuildId, ContextId, DirectiveSpec, ModuleFamily, Profile, ValueType } from './types.js';
import { NEWEST_VERSION, ORACLE_VERSION, compareVersions, inRange, parseVersion } from './versions.js';

/** One form of a directive as the command tables define it, valid in [since, until). */
export interface CommandRecord {
  name: string;
  module: string;
  family: ModuleFamily;
  contexts: ContextId[];
  arity: Arity;
  block: boolean;
  body?: ContextId | 'raw';
  bodyIn?: Partial<Record<ContextId, ContextId | 'raw'>>;
  /** The standard value reader (ngx_conf_set_*_slot) the directive uses, if any. */
  slot?: 'flag' | 'num' | 'size' | 'complex-size' | 'off' | 'msec' | 'sec' | 'str' | 'enum' | 'bitmask' | 'bufs' | 'access' | 'path' | 'cache-valid' | 'param' | 'bind' | 'types';
  /** The words an enum or bitmask reader accepts, from the module's table. */
  values?: string[];
  /** A bitmask's masks per word, as written (`A|B`). */
  masks?: string[];
  /** A number's bounds (ngx_conf_check_num_bounds); high -1 means none. */
  bounds?: [number, number];
  /** ngx_conf_deprecated: the directive nginx says to use instead. */
  deprecated?: { old: string; new: string };
  /** A handler of its own that refuses a second use in the same block ("is duplicate"). */
  once?: true;
  /** Preprocessor condition the entry is compiled under, e.g. `(NGX_HTTP_SSL)`. */
  cond?: string;
  since?: string;
  until?: string;
}

export interface ModuleRecord {
  name: string;
  family: ModuleFamily;
  file: string;
  since?: string;
  until?: string;
}

/** A variable a module defines (its `ngx_*_variable_t` table), valid in [since, until). */
export interface VariableRecord {
  name: string;
  module: string;
  family: 'http' | 'stream';
  /** A prefix (`http_`, `arg_`, ...): every name that starts with it is a variable. */
  prefix?: true;
  /** The configuration may define it again (`set $args ...`); any other is "the duplicate ... variable". */
  changeable?: true;
  cond?: string;
  since?: string;
  until?: string;
}

export interface CommandTable {
  /** nginx versions the tables were read from (oldest first). */
  versions: string[];
  modules: ModuleRecord[];
  variables: VariableRecord[];
  directives: CommandRecord[];
}

export const COMMAND_TABLE = commandsJson as unknown as CommandTable;

export interface ProfileOptions {
  /** Module set; default `debian-bookworm` for ORACLE_VERSION, `full` for every other version. */
  build?: BuildId;
}

const CURATED = new Map<string, DirectiveSpec>();
for (const spec of [...MAIL_DIRECTIVES, ...CORE_DIRECTIVES]) CURATED.set(`${spec.module} ${spec.name}`, spec);

/** The curated entry for a module's directive (mail, main and events only), without version handling. */
export function curatedSpec(module: string, name: string): DirectiveSpec | undefined {
  return CURATED.get(`${module} ${name}`);
}

/**
 * The version whose rules apply to a requested version: versions older than the oracle's use
 * its rules, newer than the newest use the newest, and an unparsable string means the newest
 * (callers that take a version from users should check it with `parseVersion` first).
 */
export function effectiveVersion(requested?: string): string {
  if (requested === undefined || parseVersion(requested) === null) return NEWEST_VERSION;
  if (compareVersions(requested, ORACLE_VERSION) < 0) return ORACLE_VERSION;
  if (compareVersions(requested, NEWEST_VERSION) > 0) return NEWEST_VERSION;
  return requested.trim().replace(/^(?:nginx\/|v)/, '');
}

/** Modules of a build at a version. */
export function buildModules(build: BuildId, version: string): string[] {
  const present = COMMAND_TABLE.modules.filter((m) => inRange(version, m.since, m.until)).map((m) => m.name);
  if (build === 'debian-bookworm') {
    // Debian's own modules (ngx_http_header_count_module) are not in nginx's sources.
    const known = new Set(present);
    const extra = DEBIAN_BOOKWORM_EXTRA_DIRECTIVES.map((d) => d.module).filter((m) => !known.has(m));
    const listed = new Set(DEBIAN_BOOKWORM_MODULES);
    return [...new Set([...present.filter((m) => listed.has(m)), ...extra])].sort();
  }
  const excluded = new Set(NON_LINUX_MODULES);
  return [...new Set(present.filter((m) => !excluded.has(m)))].sort();
}

/**
 * Evaluates a command-table condition such as `(NGX_HTTP_SSL) && !(NGX_WIN32)`: identifiers
 * are true when the build defines them; only `!`, `&&`, `||` and parentheses occur.
 */
export function evaluateCondition(cond: string, defines: Record<string, boolean>): boolean {
  const tokens = cond.match(/[A-Za-z_]\w*|&&|\|\||[!()]/g) ?? [];
  let pos = 0;
  const orExpr = (): boolean => {
    let v = andExpr();
    while (tokens[pos] === '||') {
      pos++;
      v = andExpr() || v;
    }
    return v;
  };
  const andExpr = (): boolean => {
    let v = unary();
    while (tokens[pos] === '&&') {
      pos++;
      v = unary() && v;
    }
    return v;
  };
  const unary = (): boolean => {
    const t = tokens[pos++];
    if (t === '!') return !unary();
    if (t === '(') {
      const v = orExpr();
      pos++; // ')'
      return v;
    }
    return t !== undefined && defines[t] === true;
  };
  return orExpr();
}

/** A curated spec with the version's variant applied (arity, value, default). */
function applyVariant(spec: DirectiveSpec, version: string): DirectiveSpec {
  const variant = spec.variants?.find((v) => inRange(version, v.since, v.until));
  if (!variant) return spec;
  const out: DirectiveSpec = { ...spec };
  if (variant.arity) out.arity = variant.arity;
  if (variant.value) out.value = variant.value;
  if (variant.default !== undefined) out.default = variant.default;
  return out;
}

function specOf(record: CommandRecord, version: string): DirectiveSpec {
  const curated = curatedSpec(record.module, record.name);
  if (curated) return { ...applyVariant(curated, version), family: record.family, exact: true };
  const spec: DirectiveSpec = {
    name: record.name,
    module: record.module,
    family: record.family,
    contexts: record.contexts,
    arity: record.arity,
    block: record.block,
    repeat: 'custom',
    exact: false,
  };
  if (record.body !== undefined) spec.body = record.body;
  if (record.bodyIn !== undefined) spec.bodyIn = record.bodyIn;
  if (record.slot) {
    const value = slotValue(record);
    if (value) spec.value = value;
    // Every standard reader refuses a second value in the same block ("is duplicate"), but
    // the bitmask one, which adds the words to those already set, and those that add to a list.
    spec.repeat = record.slot === 'bitmask' ? 'or' : APPENDING_SLOTS.has(record.slot) ? 'append' : 'error';
  }
  if (record.once) spec.repeat = 'error';
  if (record.deprecated) spec.replacedBy = record.deprecated.new;
  return spec;
}

/** Readers that add each statement's values to a list: repeating them is how a list is written. */
const APPENDING_SLOTS = new Set(['cache-valid', 'param', 'types']);

/**
 * What nginx's standard value readers (ngx_conf_set_*_slot, recorded per directive by the
 * command-table generator) accept, in the schema's value types. `str` takes any word.
 */
function slotValue(record: CommandRecord): ValueType | null {
  switch (record.slot) {
    case 'flag':
      return { type: 'flag' };
    case 'num': {
      if (!record.bounds) return { type: 'number' };
      const [low, high] = record.bounds;
      return high === -1 ? { type: 'number', min: low } : { type: 'number', min: low, max: high };
    }
    case 'size':
      return { type: 'size' };
    case 'complex-size':
      return { type: 'size', variables: true };
    case 'off':
      return { type: 'offset' };
    case 'msec':
      return { type: 'time', unit: 'ms' };
    case 'sec':
      return { type: 'time', unit: 's' };
    // The enum and bitmask readers compare with ngx_strcasecmp: any case.
    case 'enum':
      return record.values ? { type: 'enum', values: record.values } : null;
    case 'bitmask':
      return record.values ? { type: 'bitmask', values: record.values, flags: (record.masks ?? []).map((m) => m.split('|').map((f) => f.trim())) } : null;
    case 'bufs':
      return { type: 'bufs' };
    case 'access':
    case 'path':
    case 'cache-valid':
    case 'param':
    case 'bind':
    case 'types':
      return { type: 'reader', reader: record.slot };
    default:
      return null;
  }
}

/** Every record of a variable (by its whole name) in any module and version, for hints. */
export function variableRecords(family: 'http' | 'stream', name: string): VariableRecord[] {
  return COMMAND_TABLE.variables.filter((v) => v.family === family && !v.prefix && v.name === name);
}

/** The variables the build's modules define for one family: whole names, and prefixes. */
export interface ModuleVariables {
  names: ReadonlySet<string>;
  /** Those the configuration may define again. */
  changeable: ReadonlySet<string>;
  prefixes: readonly string[];
}

class BuildProfile implements Profile {
  readonly version: string;
  readonly requestedVersion: string;
  readonly build: BuildId;
  readonly modules: readonly string[];
  private readonly byName = new Map<string, DirectiveSpec[]>();
  private readonly byContext = new Map<ContextId, string[]>();
  private readonly variableSets = new Map<'http' | 'stream', ModuleVariables>();

  constructor(requested: string, version: string, build: BuildId) {
    this.requestedVersion = requested;
    this.version = version;
    this.build = build;
    this.modules = buildModules(build, version);
    const loaded = new Set(this.modules);
    const defines = BUILD_DEFINES[build];
    const extra: readonly CommandRecord[] =
      build === 'debian-bookworm' ? (DEBIAN_BOOKWORM_EXTRA_DIRECTIVES as unknown as CommandRecord[]) : [];
    for (const record of [...COMMAND_TABLE.directives, ...extra]) {
      if (!loaded.has(record.module)) continue;
      if (!inRange(version, record.since, record.until)) continue;
      if (record.cond && !evaluateCondition(record.cond, defines)) continue;
      const spec = specOf(record, version);
      const list = this.byName.get(spec.name);
      if (list) list.push(spec);
      else this.byName.set(spec.name, [spec]);
    }
  }

  lookup(name: string): DirectiveSpec[] {
    return this.byName.get(name) ?? [];
  }

  allowedIn(name: string, context: ContextId): DirectiveSpec | null {
    // A loop, not find(): this runs for every statement of a file.
    const specs = this.byName.get(name);
    if (specs) for (let i = 0; i < specs.length; i++) if (specs[i]!.contexts.includes(context)) return specs[i]!;
    return null;
  }

  isKnown(name: string): boolean {
    return this.byName.has(name);
  }

  moduleVariables(family: 'http' | 'stream'): ModuleVariables {
    let set = this.variableSets.get(family);
    if (!set) {
      const loaded = new Set(this.modules);
      const defines = BUILD_DEFINES[this.build];
      const names = new Set<string>();
      const changeable = new Set<string>();
      const prefixes: string[] = [];
      for (const v of COMMAND_TABLE.variables) {
        if (v.family !== family || !loaded.has(v.module) || !inRange(this.version, v.since, v.until)) continue;
        if (v.cond && !evaluateCondition(v.cond, defines)) continue;
        if (v.prefix) prefixes.push(v.name);
        else names.add(v.name);
        if (v.changeable) changeable.add(v.name);
      }
      set = { names, changeable, prefixes };
      this.variableSets.set(family, set);
    }
    return set;
  }

  namesIn(context: ContextId): string[] {
    let names = this.byContext.get(context);
    if (!names) {
      names = [...this.byName.entries()]
        .filter(([, specs]) => specs.some((s) => s.contexts.includes(context)))
        .map(([name]) => name)
        .sort();
      this.byContext.set(context, names);
    }
    return [...names];
  }
}

const cache = new Map<string, Profile>();

/**
 * The profile for an nginx version (default: NEWEST_VERSION). ORACLE_VERSION (`1.22.1`)
 * models Debian 12's nginx with the mail and stream modules; other versions a full Linux build.
 */
export function getProfile(version?: string, options: ProfileOptions = {}): Profile {
  const requested = version ?? NEWEST_VERSION;
  const effective = effectiveVersion(version);
  const build = options.build ?? (compareVersions(effective, ORACLE_VERSION) === 0 ? 'debian-bookworm' : 'full');
  const key = `${requested}|${effective}|${build}`;
  let profile = cache.get(key);
  if (!profile) {
    profile = new BuildProfile(requested, effective, build);
    cache.set(key, profile);
  }
  return profile;
}
