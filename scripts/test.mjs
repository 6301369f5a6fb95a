/**
 * `npm test`: runs vitest, then — where the reference kit sits beside the repository
 * (../shared) and its peers are installed — the mail proxy parity runner, which replays 93
 * recorded nginx sessions against `mailconf run`. The parity run comes after vitest, alone,
 * because it compares timings. Ends with one plain summary line over both,
 * `N passed, M failed, K skipped`, and exits non-zero when anything failed.
 *
 *   npm test                    everything
 *   npm test -- packages/syntax vitest arguments (the parity run is then left out)
 *   MAILCONF_PARITY=0 npm test  leave the parity run out
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-test-')), 'results.json');
const r = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...args], { stdio: 'inherit', cwd: root });

let passed = 0;
let failed = 0;
let skipped = 0;
let ok = r.status === 0;
try {
  const j = JSON.parse(fs.readFileSync(out, 'utf8'));
  passed += j.numPassedTests;
  failed += j.numFailedTests;
  skipped += (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
} catch {
  console.log('vitest did not report results');
  ok = false;
}

const kit = path.resolve(root, '../shared/oracle/mail-proxy-capture/run');
const why = parityUnavailable();
if (why) {
  console.log(`[skip] mail proxy parity: ${why}`);
} else {
  console.log('mail proxy parity: replaying the recorded nginx sessions against mailconf run (about 2 minutes)');
  const p = spawnSync('sh', [path.join(root, 'scripts/parity.sh')], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(p.stdout ?? '');
  const m = /^(\d+) passed, (\d+) failed/m.exec(p.stdout ?? '');
  if (m) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  } else failed += 1;
  if (p.status !== 0) ok = false;
}

console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok && failed === 0 ? 0 : 1);

function parityUnavailable() {
  if (args.length) return 'a subset of the tests was asked for';
  if (process.env.MAILCONF_PARITY === '0') return 'MAILCONF_PARITY=0';
  if (!fs.existsSync(kit)) return 'the reference kit (../shared) is not beside the repository';
  for (const bin of ['/usr/sbin/nginx', '/usr/sbin/dovecot', '/usr/bin/openssl', '/usr/bin/python3']) {
    if (!fs.existsSync(bin)) return `${bin} is not installed`;
  }
  if (process.getuid && process.getuid() !== 0) return 'the kit starts Dovecot and needs root';
  return null;
}
