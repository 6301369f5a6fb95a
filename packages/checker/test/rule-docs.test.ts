/**
 * Every rule has a docs page, docs/rules/<id>.md, equal to what its metadata and fixtures
 * render (run with UPDATE_DOCS=1 to rewrite them), and the index lists every rule.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderRuleDoc, rules } from '@mailconf/checker';
import { repoRoot } from '../../../test/support/shared.js';

const docsDir = path.join(repoRoot, 'docs/rules');
const update = !!process.env.UPDATE_DOCS;

function examples(id: string) {
  const dir = path.join(repoRoot, 'fixtures/rules', id);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.conf'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.conf$/, '').replace(/-/g, ' '),
      text: fs.readFileSync(path.join(dir, f), 'utf8').replace(/\0/g, '<NUL>'),
      expected: fs.readFileSync(path.join(dir, f.replace(/\.conf$/, '.expected')), 'utf8'),
    }));
}

function index(): string {
  const row = (r: (typeof rules)[number]) => `| [${r.meta.id}](${r.meta.id}.md) | ${r.meta.kind} | ${r.meta.severity} | ${r.meta.fixable ? 'yes' : ''} | ${r.meta.description} |`;
  return [
    '# mailconf rules',
    '',
    'Rules of kind `nginx` reproduce a check of `nginx -t` (with its exact message); rules of kind `lint` are advice nginx does not give.',
    '',
    '| rule | kind | default | fix | what it catches |',
    '| --- | --- | --- | --- | --- |',
    ...rules.map(row),
    '',
  ].join('\n');
}

describe('rule documentation', () => {
  if (update) fs.mkdirSync(docsDir, { recursive: true });
  for (const rule of rules) {
    it(`${rule.meta.id} has an up-to-date page`, () => {
      expect(rule.meta.description.length).toBeGreaterThan(10);
      expect(rule.meta.docs.length).toBeGreaterThan(40);
      const file = path.join(docsDir, `${rule.meta.id}.md`);
      const want = renderRuleDoc(rule, examples(rule.meta.id));
      if (update) fs.writeFileSync(file, want);
      expect(fs.existsSync(file), `${file} is missing (UPDATE_DOCS=1 npm test writes it)`).toBe(true);
      expect(fs.readFileSync(file, 'utf8')).toBe(want);
    });
  }
  it('the index lists every rule', () => {
    const file = path.join(docsDir, 'README.md');
    if (update) fs.writeFileSync(file, index());
    expect(fs.readFileSync(file, 'utf8')).toBe(index());
  });
  it('rule ids are unique and kebab-case', () => {
    const ids = rules.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});
