/**
 * The 1.22.1 profile against the oracle (Debian's `nginx -t` through nginx-check): for names
 * sampled from the generated tables, nginx must say `unknown directive` exactly when the
 * profile does not know the name, and `"X" directive is not allowed here` when it does
 * (placed in `mail {}`, where none of them belong). Argument counts are checked the same way
 * in `http {}`. Needs ../shared (beside the repo) and nginx; skipped otherwise.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_TABLE, ORACLE_VERSION, fitsArity, getProfile, inRange } from '@mailconf/schema';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const checker = path.join(path.resolve(repoRoot, '../shared'), 'oracle/nginx-check');
const hasOracle = fs.existsSync(checker) && spawnSync(checker, ['--version']).status === 0;
if (!hasOracle) console.log(`schema oracle test skipped: ${checker} is missing or nginx is not installed`);

const profile = getProfile(ORACLE_VERSION);

/** `n` names spread evenly over the sorted list (deterministic, so failures reproduce). */
function spread(names: string[], n: number): string[] {
  const sorted = [...new Set(names)].sort();
  if (sorted.length <= n) return sorted;
  return Array.from({ length: n }, (_, i) => sorted[Math.floor((i * sorted.length) / n)]!);
}

const familiesOf = (name: string) => new Set(profile.lookup(name).map((s) => s.family));
const notInMail = (name: string) =>
  profile.allowedIn(name, 'mail') === null && !profile.lookup(name).some((s) => s.family === 'mail');

const httpNames = spread(profile.namesIn('http').concat(profile.namesIn('http:location')).filter(notInMail), 40);
const streamNames = spread(
  [...profile.namesIn('stream'), ...profile.namesIn('stream:server'), ...profile.namesIn('stream:upstream')].filter(
    (n) => notInMail(n) && !familiesOf(n).has('http'),
  ),
  20,
);
/** Defined somewhere in the 1.22.1 sources, but by modules Debian does not ship. */
const absentNames = spread(
  COMMAND_TABLE.directives
    .filter((r) => inRange(ORACLE_VERSION, r.since, r.until) && !profile.isKnown(r.name))
    .map((r) => r.name),
  10,
);
/** Added after 1.22.1. */
const laterNames = spread(
  COMMAND_TABLE.directives.filter((r) => r.since !== undefined && !profile.isKnown(r.name)).map((r) => r.name),
  5,
);

const INVALID_ARGS = (name: string) => `invalid number of arguments in "${name}" directive`;

const arityNames = spread(
  profile.namesIn('http').filter((n) => !profile.allowedIn(n, 'http')!.block),
  30,
);

interface Verdict {
  file: string;
  ok: boolean | null;
  message: string | null;
  line: number | null;
}

describe.skipIf(!hasOracle)('1.22.1 profile agrees with nginx -t', () => {
  let dir = '';
  const verdicts = new Map<string, Verdict>();

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-oracle-'));
    const files: string[] = [];
    const write = (file: string, text: string) => {
      fs.writeFileSync(path.join(dir, file), text);
      files.push(file);
    };
    // The empty stream block makes nginx-check load the stream module, as the profile assumes.
    for (const name of [...httpNames, ...streamNames, ...absentNames, ...laterNames]) {
      write(`known-${name}.conf`, `mail {\n    ${name} x;\n}\nstream {\n}\n`);
    }
    for (const name of arityNames) {
      write(`args0-${name}.conf`, `http {\n    ${name};\n}\n`);
      write(`args8-${name}.conf`, `http {\n    ${name} a b c d e f g h;\n}\n`);
    }
    const run = spawnSync(checker, files, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 });
    for (const line of run.stdout.split('\n')) {
      if (!line.trim()) continue;
      const v = JSON.parse(line) as Verdict;
      verdicts.set(v.file, v);
    }
  }, 60000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const verdict = (file: string): Verdict => {
    const v = verdicts.get(file);
    expect(v, `verdict for ${file}`).toBeDefined();
    return v!;
  };

  it('samples enough names', () => {
    expect(httpNames).toHaveLength(40);
    // 1.22.1 has only 14 stream directives that http does not also define: all of them.
    expect(streamNames.length).toBeGreaterThanOrEqual(14);
    expect(absentNames).toHaveLength(10);
    expect(laterNames).toHaveLength(5);
  });

  it.each([...httpNames, ...streamNames, ...absentNames, ...laterNames])('%s in mail {}', (name) => {
    const v = verdict(`known-${name}.conf`);
    const expected = profile.isKnown(name) ? `"${name}" directive is not allowed here` : `unknown directive "${name}"`;
    expect(v.message).toBe(expected);
    expect(v.line).toBe(2);
  });

  it.each(arityNames)('argument count of %s', (name) => {
    const arity = profile.allowedIn(name, 'http')!.arity;
    const zero = verdict(`args0-${name}.conf`);
    const eight = verdict(`args8-${name}.conf`);
    // The count check comes before the directive's own handler, so a wrong count always
    // gives this message; a right one never does (handlers word their errors differently).
    expect(zero.message === INVALID_ARGS(name)).toBe(!fitsArity(arity, 0));
    expect(eight.message === INVALID_ARGS(name)).toBe(!fitsArity(arity, 8));
  });
});
