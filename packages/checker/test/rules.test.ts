/**
 * One folder of fixtures per rule (fixtures/rules/<rule-id>/<case>.conf): each case lists in
 * <case>.expected the diagnostics of that rule, `line: message`. A first line
 * `# mailconf-test: nginxVersion=1.22.1 context=mail` sets check options (`checkFiles=true`,
 * `checkSockets=loopback`: see loopbackMachine). Every rule must have
 * a folder; for nginx's own checks, the oracle confirms the fixtures when it is available.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '@mailconf/syntax';
import { checkConfigSet, nginxVerdict, rules, type CheckOptions, type ListenAddress, type SocketAnswer } from '@mailconf/checker';
import { hasNginx, noteSkip, repoRoot, runOracle } from '../../../test/support/shared.js';

const root = path.join(repoRoot, 'fixtures/rules');
const folders = fs.readdirSync(root).filter((f) => fs.statSync(path.join(root, f)).isDirectory()).sort();

function optionsOf(text: string): CheckOptions {
  const m = /^# mailconf-test:(.*)$/m.exec(text.split('\n')[0] ?? '');
  const out: Record<string, string> = {};
  for (const kv of (m?.[1] ?? '').trim().split(/\s+/).filter(Boolean)) {
    const [k, v] = kv.split('=');
    out[k!] = v!;
  }
  const options = { ...out, checkFiles: out.checkFiles === 'true' } as unknown as CheckOptions;
  delete (options as Record<string, unknown>).checkSockets;
  if (out.checkSockets === 'loopback') options.bindSocket = loopbackMachine;
  return options;
}

/**
 * `checkSockets=loopback`: sockets tried on a machine with loopback only (127.0.0.0/8 and ::1),
 * as listen-bind's fixtures assume; check-sockets.test.ts tries them for real against nginx.
 */
function loopbackMachine(address: ListenAddress): SocketAnswer {
  if (address.family === 'unix') return fs.existsSync(path.dirname(address.host)) ? null : { call: 'bind', error: '2: No such file or directory' };
  const local = address.family === 'ipv4' ? address.host.startsWith('127.') || address.host === '0.0.0.0' : address.host === '::1' || address.host === '::';
  return local ? null : { call: 'bind', error: '99: Cannot assign requested address' };
}

function cases(folder: string) {
  return fs
    .readdirSync(path.join(root, folder))
    .filter((f) => f.endsWith('.conf'))
    .sort()
    .map((f) => path.join(root, folder, f));
}

describe('every rule has fixtures', () => {
  it('a folder per rule, and no folder without a rule', () => {
    expect(folders).toEqual(rules.map((r) => r.meta.id).sort());
  });
});

for (const folder of folders) {
  describe(folder, () => {
    for (const file of cases(folder)) {
      it(path.basename(file), () => {
        const text = fs.readFileSync(file, 'utf8');
        const { diagnostics } = checkConfigSet(loadConfigFile(file), optionsOf(text));
        // Messages that name files give the fixture's own directory as <dir>.
        const got = diagnostics
          .filter((d) => d.ruleId === folder)
          .map((d) => `${d.line}: ${d.message.split(path.dirname(file)).join('<dir>')}\n`)
          .join('');
        expect(got).toBe(fs.readFileSync(file.replace(/\.conf$/, '.expected'), 'utf8'));
      });
    }
  });
}

if (!hasNginx) noteSkip('rule fixtures vs nginx', 'nginx with the mail module and ../shared/oracle');
describe.skipIf(!hasNginx)('rule fixtures agree with real nginx -t (1.22.1)', () => {
  it('the verdict, line and message of every fixture', () => {
    // The oracle replaces every certificate, key and password file with a stand-in that
    // exists, so fixtures about missing files are confirmed by missing-file-nginx.test.ts.
    // Nor can it say which sockets bind on a machine (it binds any address), so listen-bind's
    // fixtures on a loopback-only machine are confirmed by check-sockets.test.ts.
    const files = folders.flatMap(cases).filter((f) => {
      const o = optionsOf(fs.readFileSync(f, 'utf8'));
      return !o.checkFiles && !o.bindSocket;
    });
    const verdicts = runOracle(files);
    expect(verdicts).toHaveLength(files.length);
    const mismatches: string[] = [];
    files.forEach((file, i) => {
      const v = verdicts[i]!;
      const { diagnostics } = checkConfigSet(loadConfigFile(file), { ...optionsOf(fs.readFileSync(file, 'utf8')), nginxVersion: '1.22.1' });
      const first = nginxVerdict(diagnostics);
      const ours = first ? `${first.line}: ${first.nginx!.message}` : 'ok';
      // Messages nginx prints without a location (after "syntax is ok") match on the text alone.
      const theirs = v.ok ? 'ok' : v.line === null ? `${first?.line}: ${v.message}` : `${v.line}: ${v.message}`;
      if (ours !== theirs) mismatches.push(`${path.relative(root, file)}: nginx ${theirs} | ours ${ours}`);
    });
    expect(mismatches).toEqual([]);
  });
});
