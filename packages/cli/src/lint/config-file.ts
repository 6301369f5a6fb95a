/**
 * The lint configuration file: `.mailconfrc.json` (or `mailconf.json`), found for each linted
 * file in its directory or the nearest parent that has one, or named with `--config` (then
 * for all of them).
 *
 *   { "nginxVersion": "1.22.1", "context": "main", "checkFiles": true, "checkDns": true, "checkSockets": true, "rules": { "open-relay-risk": "error", "resolver-without-valid": "off" } }
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUILTIN_IDS, rules, type CheckOptions, type RuleLevel } from '@mailconf/checker';
import { InputError } from '../io/read-input.js';

export const CONFIG_NAMES = ['.mailconfrc.json', 'mailconf.json'];

export interface LintConfig {
  nginxVersion?: string;
  context?: CheckOptions['context'];
  /** Check that certificates, keys and other files nginx reads exist (as --check-files). */
  checkFiles?: boolean;
  checkDns?: boolean;
  checkSockets?: boolean;
  rules?: Record<string, RuleLevel>;
}

const LEVELS = ['off', 'info', 'warning', 'error'];
/** What a file may be checked as (`--context`, "context"). */
export const CONTEXTS = ['main', 'events', 'mail', 'server', 'http', 'stream'];
/** An nginx version as `--nginx-version` and "nginxVersion" take it. */
export const VERSION_PATTERN = /^\d+\.\d+(\.\d+)?$/;
const KNOWN_IDS = (): Set<string> => new Set<string>([...rules.map((r) => r.meta.id), ...BUILTIN_IDS]);

export function findConfig(startDir: string): string | null {
  let dir = path.resolve(startDir);
  for (;;) {
    for (const n of CONFIG_NAMES) {
      const p = path.join(dir, n);
      if (fs.existsSync(p)) return p;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export function readConfig(file: string): LintConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`mailconf: cannot read config ${file}: ${(err as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError(`mailconf: ${file}: expected a JSON object`);
  const cfg = raw as LintConfig;
  // As strict as the options they stand for: a context nothing reads would hide every problem.
  if (cfg.context !== undefined && !CONTEXTS.includes(cfg.context as string)) throw new InputError(`mailconf: ${file}: "context" must be one of ${CONTEXTS.join(', ')}`);
  if (cfg.nginxVersion !== undefined && (typeof cfg.nginxVersion !== 'string' || !VERSION_PATTERN.test(cfg.nginxVersion))) throw new InputError(`mailconf: ${file}: "nginxVersion" must be a version such as 1.22.1`);
  if (cfg.rules !== undefined && (!cfg.rules || typeof cfg.rules !== 'object' || Array.isArray(cfg.rules))) throw new InputError(`mailconf: ${file}: "rules" must be an object of rule ids and levels`);
  if (cfg.checkFiles !== undefined && typeof cfg.checkFiles !== 'boolean') throw new InputError(`mailconf: ${file}: "checkFiles" must be true or false`);
  if (cfg.checkDns !== undefined && typeof cfg.checkDns !== 'boolean') throw new InputError(`mailconf: ${file}: "checkDns" must be true or false`);
  if (cfg.checkSockets !== undefined && typeof cfg.checkSockets !== 'boolean') throw new InputError(`mailconf: ${file}: "checkSockets" must be true or false`);
  const known = KNOWN_IDS();
  for (const [id, level] of Object.entries(cfg.rules ?? {})) {
    if (!known.has(id)) throw new InputError(`mailconf: ${file}: unknown rule "${id}"`);
    if (!LEVELS.includes(level)) throw new InputError(`mailconf: ${file}: rule "${id}": level must be one of ${LEVELS.join(', ')}`);
  }
  return cfg;
}

/** `--rule id=level` options on the command line. */
export function parseRuleOptions(values: string[]): Record<string, RuleLevel> {
  const out: Record<string, RuleLevel> = {};
  const known = KNOWN_IDS();
  for (const v of values) {
    const parts = v.split('=');
    const [id, level] = parts;
    if (parts.length !== 2 || !id || !level || !LEVELS.includes(level)) throw new InputError(`mailconf: --rule expects id=off|info|warning|error, got "${v}"`);
    if (!known.has(id)) throw new InputError(`mailconf: --rule: unknown rule "${id}"`);
    out[id] = level as RuleLevel;
  }
  return out;
}
