/**
 * Settings: the editor's `mailconf` section (workspace/configuration, or pushed with
 * didChangeConfiguration by clients that cannot be asked), on top of the project's
 * `.mailconfrc.json`. The editor's values win, entry by entry, as command-line flags win
 * over the file for `mailconf lint`.
 */
import * as path from 'node:path';
import type { CheckOptions, RuleLevel } from '@mailconf/checker';
import { parseVersion } from '@mailconf/schema';
import { findRcFile, readRcFile, readRuleLevels, CONTEXTS } from './rc-file.js';

/** The `mailconf` section as the editor sends it (every field optional, any type). */
export interface EditorSettings {
  nginxVersion?: string;
  context?: NonNullable<CheckOptions['context']>;
  /** Check that certificates and other files nginx reads exist (as `mailconf lint --check-files`). */
  checkFiles?: boolean;
  /** Resolve the host names nginx resolves at start-up (as `mailconf lint --check-dns`). */
  checkDns?: boolean;
  rules: Record<string, RuleLevel>;
  format: { indent: number | null; tabs: boolean | null; align: boolean };
  problems: string[];
}

export function defaultEditorSettings(): EditorSettings {
  return { rules: {}, format: { indent: null, tabs: null, align: false }, problems: [] };
}

/** Reads the editor's section leniently: wrong values are reported and ignored. */
export function readEditorSettings(raw: unknown): EditorSettings {
  const out = defaultEditorSettings();
  if (!raw || typeof raw !== 'object') return out;
  const s = raw as Record<string, unknown>;
  if (typeof s.nginxVersion === 'string' && s.nginxVersion.trim() !== '') {
    if (parseVersion(s.nginxVersion)) out.nginxVersion = s.nginxVersion.trim();
    else out.problems.push(`setting mailconf.nginxVersion: "${s.nginxVersion}" is not a version such as 1.22.1`);
  }
  if (typeof s.context === 'string' && s.context !== '') {
    if ((CONTEXTS as readonly string[]).includes(s.context)) out.context = s.context as EditorSettings['context'];
    else out.problems.push(`setting mailconf.context: must be one of ${CONTEXTS.join(', ')}`);
  }
  if (typeof s.checkFiles === 'boolean') out.checkFiles = s.checkFiles;
  else if (s.checkFiles !== undefined && s.checkFiles !== null) out.problems.push('setting mailconf.checkFiles: true or false');
  if (typeof s.checkDns === 'boolean') out.checkDns = s.checkDns;
  else if (s.checkDns !== undefined && s.checkDns !== null) out.problems.push('setting mailconf.checkDns: true or false');
  const r = readRuleLevels(s.rules, 'setting mailconf.rules');
  out.rules = r.rules;
  out.problems.push(...r.problems);
  const f = s.format && typeof s.format === 'object' ? (s.format as Record<string, unknown>) : {};
  // Some clients send dotted keys flat ("format.indent") instead of nested objects.
  const pick = (key: string) => (f[key] !== undefined ? f[key] : s[`format.${key}`]);
  const indent = pick('indent');
  if (typeof indent === 'number' && Number.isInteger(indent) && indent >= 0 && indent <= 16) out.format.indent = indent;
  else if (indent !== undefined && indent !== null) out.problems.push('setting mailconf.format.indent: a number of spaces from 0 to 16, or null');
  const tabs = pick('tabs');
  if (typeof tabs === 'boolean') out.format.tabs = tabs;
  const align = pick('align');
  if (typeof align === 'boolean') out.format.align = align;
  return out;
}

/** What applies to one document: the check options and the formatting settings. */
export interface EffectiveSettings {
  check: CheckOptions;
  /** Whether the context was set explicitly (settings or configuration file). */
  explicitContext: boolean;
  /** Whether host names are resolved (the workspace then gives the check its answers). */
  checkDns: boolean;
  format: EditorSettings['format'];
  /** The configuration file used, if any. */
  rcFile: string | null;
  problems: string[];
}

export function effectiveSettings(documentPath: string, editor: EditorSettings): EffectiveSettings {
  const rcPath = findRcFile(path.dirname(documentPath));
  const rc = rcPath ? readRcFile(rcPath) : null;
  const check: CheckOptions = { rules: { ...(rc?.rules ?? {}), ...editor.rules } };
  const version = editor.nginxVersion ?? rc?.nginxVersion;
  if (version) check.nginxVersion = version.replace(/^(?:nginx\/|v)/, '');
  const context = editor.context ?? rc?.context;
  if (context) check.context = context;
  const checkFiles = editor.checkFiles ?? rc?.checkFiles;
  if (checkFiles) check.checkFiles = true;
  return {
    check,
    explicitContext: context !== undefined,
    checkDns: (editor.checkDns ?? rc?.checkDns) === true,
    format: editor.format,
    rcFile: rcPath,
    problems: [...(rc?.problems ?? []), ...editor.problems],
  };
}
