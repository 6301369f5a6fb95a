/**
 * Fixture folders of fixtures/lsp: each case is a `.conf` file (with `<|>` cursor markers)
 * and a `.json` file saying what the server must answer there.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './server-bundle.js';

export const fixturesDir = path.join(repoRoot, 'fixtures/lsp');

export interface Case<E> {
  name: string;
  file: string;
  expected: E;
}

export function cases<E>(folder: string, ext = '.json'): Case<E>[] {
  const dir = path.join(fixturesDir, folder);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.conf'))
    .sort()
    .map((f) => {
      const sidecar = path.join(dir, f.replace(/\.conf$/, ext));
      const raw = fs.existsSync(sidecar) ? fs.readFileSync(sidecar, 'utf8') : '';
      return { name: f.replace(/\.conf$/, ''), file: path.join(dir, f), expected: (ext === '.json' ? JSON.parse(raw || '{}') : raw) as E };
    });
}
