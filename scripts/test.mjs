/**
 * `npm test`: runs vitest and ends with one plain summary line, `N passed, M failed, K skipped`,
 * so any CI reads the result the same way. Exits with vitest's status.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-test-')), 'results.json');
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)];
const r = spawnSync('npx', args, { stdio: 'inherit' });
let summary = 'vitest did not report results';
try {
  const j = JSON.parse(fs.readFileSync(out, 'utf8'));
  const skipped = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  summary = `${j.numPassedTests} passed, ${j.numFailedTests} failed, ${skipped} skipped`;
} catch {
  /* summary stays as the failure note */
}
console.log(summary);
process.exit(r.status ?? 1);
