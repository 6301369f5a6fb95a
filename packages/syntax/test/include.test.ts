/** include as nginx resolves it: against the main file's directory, globs sorted, problems reported. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { directives, loadConfigFile, loadConfigText } from '@mailconf/syntax';
import { hasNginx, repoRoot, runOracle } from '../../../test/support/shared.js';

const dir = path.join(repoRoot, 'fixtures/syntax/includes');

describe('include', () => {
  it('resolves relative to the main file, expands globs in sorted order, and allows empty globs', () => {
    const set = loadConfigFile(path.join(dir, 'main.conf'));
    expect(set.issues).toEqual([]);
    const names = [...set.files.keys()].map((f) => path.relative(dir, f));
    expect(names).toEqual(['main.conf', 'conf.d/10-auth.conf', 'conf.d/20-timeouts.conf', 'sub/servers.conf']);
    const includes = [...directives(set.main.children)].map((x) => x.directive).filter((d) => d.name === 'include');
    expect(includes.map((d) => set.includes.get(d)!.length)).toEqual([2, 1, 0]);
  });

  it('resolves an include inside an included file against the main file\'s directory', () => {
    const set = loadConfigFile(path.join(dir, 'nested.conf'));
    expect(set.issues).toEqual([]);
    expect([...set.files.keys()].map((f) => path.relative(dir, f))).toEqual(['nested.conf', 'sub/nested.conf', 'sub/imap-extra.conf']);
  });

  it('reports a missing file, a cycle and a directory, each once, without throwing', () => {
    const set = loadConfigFile(path.join(dir, 'broken.conf'));
    const issues = set.issues.map((i) => `${path.relative(dir, i.file)}:${i.line} ${i.code} ${i.message.replace(dir, '<dir>')}`);
    expect(issues).toEqual([
      'broken.conf:2 include-missing open() "<dir>/missing.conf" failed (2: No such file or directory)',
      'loop-b.conf:1 include-cycle include cycle: broken.conf -> loop-a.conf -> loop-b.conf -> loop-a.conf',
      'broken.conf:4 include-directory pread() "<dir>/conf.d" failed (21: Is a directory)',
    ]);
  });

  it.skipIf(!hasNginx)('nginx reads the same configuration (oracle with includes kept)', () => {
    const [v] = runOracle([path.join(dir, 'main.conf')], ['--keep-includes']);
    expect(v!.ok, v!.message ?? '').toBe(true);
  });
});

describe('include of what is not a regular file', () => {
  const fifoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-fifo-'));
  const fifo = path.join(fifoDir, 'pipe.conf');
  const madeFifo = spawnSync('mkfifo', [fifo]).status === 0;
  afterAll(() => fs.rmSync(fifoDir, { recursive: true, force: true }));

  // nginx reads as many bytes as fstat gives: none for a device or a FIFO (and no wait for a writer).
  it.skipIf(!fs.existsSync('/dev/zero') || !madeFifo)('reads a device or a FIFO as empty, as nginx does, instead of reading for ever', () => {
    const text = `events {}\ninclude /dev/zero;\ninclude ${fifo};\nmail {\n    include /dev/null;\n}\n`;
    const set = loadConfigText(text, path.join(fifoDir, 'nginx.conf'));
    expect(set.issues).toEqual([]);
    for (const f of ['/dev/zero', fifo, '/dev/null']) expect(set.files.get(f)?.source).toBe('');
  });
});
