/**
 * Scope snapshots: every fixtures/grammar/*.conf is tokenized as VS Code would and compared
 * with the .conf.snap file beside it (format: snapshot.ts). UPDATE_SNAPSHOTS=1 rewrites the
 * snapshot files instead; review the diff before committing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { IGrammar } from 'vscode-textmate';
import { renderGrammar } from '../scripts/build-grammar.mjs';
import { formatSnapshot } from './snapshot.js';
import { grammarPath, loadGrammar, repoRoot, tokenizeText } from './textmate.js';

const fixtureDir = path.join(repoRoot, 'fixtures/grammar');
const update = process.env.UPDATE_SNAPSHOTS === '1';
const fixtures = fs
  .readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.conf'))
  .sort();

let grammar: IGrammar;
beforeAll(async () => {
  grammar = await loadGrammar();
});

describe('grammars/nginx.tmLanguage.json', () => {
  test('is the output of grammars/scripts/build-grammar.mjs for the current source', () => {
    expect(fs.readFileSync(grammarPath, 'utf8'), 'run node grammars/scripts/build-grammar.mjs').toBe(renderGrammar());
  });

  test('every snapshot file belongs to a fixture', () => {
    const orphans = fs
      .readdirSync(fixtureDir)
      .filter((f) => f.endsWith('.conf.snap') && !fixtures.includes(f.slice(0, -'.snap'.length)));
    expect(orphans).toEqual([]);
  });
});

describe('scope snapshots (fixtures/grammar)', () => {
  test('there are fixtures', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  for (const name of fixtures) {
    test(name, () => {
      const file = path.join(fixtureDir, name);
      const actual = formatSnapshot(tokenizeText(grammar, fs.readFileSync(file, 'utf8')).tokens);
      const snapFile = `${file}.snap`;
      if (update) {
        fs.writeFileSync(snapFile, actual);
        return;
      }
      if (!fs.existsSync(snapFile)) {
        throw new Error(`fixtures/grammar/${name}.snap is missing: run UPDATE_SNAPSHOTS=1 npx vitest run grammars and review it`);
      }
      expect(actual).toBe(fs.readFileSync(snapFile, 'utf8'));
    });
  }
});
