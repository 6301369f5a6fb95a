/**
 * The project's lint configuration, `.mailconfrc.json` (or `mailconf.json`), found in the
 * document's directory or any parent, as `mailconf lint` finds it:
 *
 *   { "nginxVersion": "1.22.1", "context": "main", "rules": { "open-relay-risk": "error" } }
 *
 * The CLI stops on a broken file; an editor must keep working, so here a problem is
 * reported (once per change of the file) and the entries that make sense are still used.
 * Files are re-read only when their size or modification time changes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUILTIN_IDS, rules, type CheckOptions, type RuleLevel } from '@mailconf/checker';
import { parseVersion } from '@mailconf/schema';

export const RC_NAMES = ['.mailconfrc.json', 'mailconf.json'];
export const CONTEXTS: readonly NonNullable<CheckOptions['context']>[] = ['main', 'events', 'mail', 'server', 'http', 'stream'];

export interface RcConfig {
  file: string;
  nginxVersion?: string;
  context?: NonNullable<CheckOptions['context']>;
  checkFiles?: boolean;
  checkDns?: boolean;
  rules: Record<string, RuleLevel>;
  /** What was wrong with the file, in words for the user. */
  problems: string[];
}

const LEVELS: Record<string, RuleLevel> = { off: 'off', info: 'info', warning: 'warning', warn: 'warning', error: 'error' };

/** Every rule id a configuration may name. */
export function knownRuleIds(): Set<string> {
  return new Set<string>([...rules.map((r) => r.meta.id), ...BUILTIN_IDS]);
}

/** The nearest configuration file at or above `dir`, or null. */
export function findRcFile(dir: string): string | null {
  let d = path.resolve(dir);
  for (;;) {
    for (const name of RC_NAMES) {
      const p = path.join(d, name);
      if (isFile(p)) return p;
    }
    const parent = path.dirname(d);
    if (parent === d) return null;
    d = parent;
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

const cache = new Map<string, { stamp: string; config: RcConfig }>();

/** Reads (or takes from the cache) a configuration file. Never throws. */
export function readRcFile(file: string): RcConfig {
  let stamp = 'missing';
  try {
    const st = fs.statSync(file);
    stamp = `${st.size}:${st.mtimeMs}`;
  } catch {
    /* reported below as unreadable */
  }
  const hit = cache.get(file);
  if (hit && hit.stamp === stamp) return hit.config;
  const config = parseRc(file);
  cache.set(file, { stamp, config });
  return config;
}

function parseRc(file: string): RcConfig {
  const out: RcConfig = { file, rules: {}, problems: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    out.problems.push(`cannot read ${file}: ${(err as Error).message}`);
    return out;
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    out.problems.push(`${file}: expected a JSON object`);
    return out;
  }
  const cfg = raw as Record<string, unknown>;
  if (cfg.nginxVersion !== undefined) {
    if (typeof cfg.nginxVersion === 'string' && parseVersion(cfg.nginxVersion)) out.nginxVersion = cfg.nginxVersion;
    else out.problems.push(`${file}: "nginxVersion" must be a version such as "1.22.1"`);
  }
  if (cfg.context !== undefined) {
    if (typeof cfg.context === 'string' && (CONTEXTS as readonly string[]).includes(cfg.context)) out.context = cfg.context as RcConfig['context'];
    else out.problems.push(`${file}: "context" must be one of ${CONTEXTS.join(', ')}`);
  }
  if (cfg.checkFiles !== undefined) {
    if (typeof cfg.checkFiles === 'boolean') out.checkFiles = cfg.checkFiles;
    else out.problems.push(`${file}: "checkFiles" must be true or false`);
  }
  if (cfg.checkDns !== undefined) {
    if (typeof cfg.checkDns === 'boolean') out.checkDns = cfg.checkDns;
    else out.problems.push(`${file}: "checkDns" must be true or false`);
  }
  const r = readRuleLevels(cfg.rules, file);
  out.rules = r.rules;
  out.problems.push(...r.problems);
  return out;
}

/** Rule levels from a JSON value (a configuration file or the editor's settings). */
export function readRuleLevels(value: unknown, where: string): { rules: Record<string, RuleLevel>; problems: string[] } {
  const rulesOut: Record<string, RuleLevel> = {};
  const problems: string[] = [];
  if (value === undefined || value === null) return { rules: rulesOut, problems };
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${where}: "rules" must be an object of rule id to level`);
    return { rules: rulesOut, problems };
  }
  const known = knownRuleIds();
  for (const [id, level] of Object.entries(value as Record<string, unknown>)) {
    if (!known.has(id)) {
      problems.push(`${where}: unknown rule "${id}"`);
      continue;
    }
    const l = typeof level === 'string' ? LEVELS[level] : undefined;
    if (!l) {
      problems.push(`${where}: rule "${id}": level must be one of off, info, warning, error`);
      continue;
    }
    rulesOut[id] = l;
  }
  return { rules: rulesOut, problems };
}
