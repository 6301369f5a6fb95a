/**
 * `appliesTo` lets the engine skip a value rule for statements it has nothing to say about.
 * It must never hide a problem: on every rule fixture and example, checking with the rules'
 * `appliesTo` gives exactly the diagnostics of checking without it (every rule called for
 * every statement).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '@mailconf/syntax';
import { checkConfigSet, rules, type CheckOptions, type Rule } from '@mailconf/checker';
import { repoRoot } from '../../../test/support/shared.js';

function confFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, name.name);
    if (name.isDirectory()) out.push(...confFiles(p));
    else if (name.name.endsWith('.conf')) out.push(p);
  }
  return out.sort();
}

function optionsOf(text: string): CheckOptions {
  const m = /^# mailconf-test:(.*)$/.exec(text.split('\n')[0] ?? '');
  const out: Record<string, string> = {};
  for (const kv of (m?.[1] ?? '').trim().split(/\s+/).filter(Boolean)) {
    const [k, v] = kv.split('=');
    out[k!] = v!;
  }
  return out as CheckOptions;
}

const files = [...confFiles(path.join(repoRoot, 'fixtures/rules')), ...confFiles(path.join(repoRoot, 'examples'))];
const everywhere: Rule[] = rules.map((r) => ({ ...r, appliesTo: undefined }));

describe('appliesTo never hides a diagnostic', () => {
  it('some value rules declare it', () => {
    expect(rules.filter((r) => r.appliesTo).length).toBeGreaterThan(0);
  });
  it(`the same diagnostics with and without it, on ${files.length} fixtures and examples`, () => {
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) {
      const options = optionsOf(fs.readFileSync(file, 'utf8'));
      const skipped = checkConfigSet(loadConfigFile(file), options).diagnostics;
      const all = checkConfigSet(loadConfigFile(file), options, everywhere).diagnostics;
      expect(skipped.map((d) => `${d.line} ${d.ruleId} ${d.message}`), path.relative(repoRoot, file)).toEqual(all.map((d) => `${d.line} ${d.ruleId} ${d.message}`));
    }
  });
});
