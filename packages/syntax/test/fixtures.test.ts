/**
 * Syntax fixtures (fixtures/syntax): every file in errors/ produces exactly the errors in its
 * .expected file, with nginx's wording on nginx's line; every file in ok/ parses cleanly. When
 * the oracle is available, the fixtures themselves are checked against real nginx -t.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSource, parse, print } from '@mailconf/syntax';
import { hasNginx, noteSkip, repoRoot, runOracle } from '../../../test/support/shared.js';

const dir = path.join(repoRoot, 'fixtures/syntax');
const read = (f: string) => decodeSource(fs.readFileSync(f)).text;
const errorCases = fs.readdirSync(path.join(dir, 'errors')).filter((f) => f.endsWith('.conf')).sort();
const okCases = fs.readdirSync(path.join(dir, 'ok')).filter((f) => f.endsWith('.conf')).sort();

describe('syntax error fixtures', () => {
  for (const name of errorCases) {
    it(name, () => {
      const text = read(path.join(dir, 'errors', name));
      const file = parse(text);
      const got = file.errors.map((e) => `${e.line}: ${e.message}`).join('\n') + '\n';
      expect(got).toBe(fs.readFileSync(path.join(dir, 'errors', name.replace(/\.conf$/, '.expected')), 'utf8'));
      expect(print(file)).toBe(text);
    });
  }
});

describe('syntax ok fixtures', () => {
  for (const name of okCases) {
    it(name, () => {
      const text = read(path.join(dir, 'ok', name));
      const file = parse(text);
      expect(file.errors).toEqual([]);
      expect(print(file)).toBe(text);
    });
  }
});

if (!hasNginx) noteSkip('syntax fixtures vs nginx', 'nginx with the mail module and ../shared/oracle');
describe.skipIf(!hasNginx)('the fixtures say what real nginx says', () => {
  it('error fixtures: nginx fails with the first expected error', () => {
    const files = errorCases.map((n) => path.join(dir, 'errors', n));
    const verdicts = runOracle(files);
    expect(verdicts).toHaveLength(files.length);
    verdicts.forEach((v, i) => {
      const first = fs.readFileSync(files[i]!.replace(/\.conf$/, '.expected'), 'utf8').split('\n')[0];
      expect(`${v.line}: ${v.message}`, errorCases[i]).toBe(first);
    });
  });
  it('ok fixtures: nginx accepts them', () => {
    const files = okCases.map((n) => path.join(dir, 'ok', n));
    const verdicts = runOracle(files);
    verdicts.forEach((v, i) => expect(v.ok, `${okCases[i]}: ${v.message}`).toBe(true));
  });
});
