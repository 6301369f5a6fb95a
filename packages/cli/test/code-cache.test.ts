/**
 * The installed command keeps a V8 code cache made after a run (bin/code-cache.js), one per
 * command, in Node's compile cache directory. Checked on the real command in its own
 * processes: the cache is written, the next run takes it (V8 would refuse one made under other
 * flags, and the file would be written again), what the command prints does not depend on it,
 * and a damaged or stale cache is never used. Needs the build (`npm ci` makes it).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../test/support/shared.js';

const bin = path.join(repoRoot, 'packages/cli/bin/mailconf.js');
const built = fs.existsSync(path.join(repoRoot, 'packages/cli/dist/bundle/mailconf.cjs'));
if (!built) console.log('[skip] code cache: needs the build (npm run build)');
const example = path.join(repoRoot, 'fixtures/rules/duplicate-listen');

let cacheRoot: string;
beforeEach(() => {
  cacheRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-code-cache-'));
});
afterEach(() => fs.rmSync(cacheRoot, { recursive: true, force: true }));

function mailconf(args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []) {
  // Node turns its compile cache off when NODE_DISABLE_COMPILE_CACHE is there at all.
  const { NODE_DISABLE_COMPILE_CACHE: _, ...inherited } = process.env;
  const r = spawnSync(process.execPath, [...nodeArgs, bin, ...args], { encoding: 'utf8', env: { ...inherited, NODE_COMPILE_CACHE: cacheRoot, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The cache files, by name, with their inode (a rewrite renames a new file into place). */
function caches(): Map<string, number> {
  const out = new Map<string, number>();
  for (const sub of fs.readdirSync(cacheRoot)) {
    for (const name of fs.readdirSync(path.join(cacheRoot, sub))) {
      if (name.startsWith('mailconf-')) out.set(path.join(sub, name), fs.statSync(path.join(cacheRoot, sub, name)).ino);
    }
  }
  return out;
}

const input = () => path.join(example, 'ipv6-binary.conf');

describe.skipIf(!built)('the code cache of the installed command', () => {
  it('is made for a bundle in ASCII, which the command reads as latin1', () => {
    const bytes = fs.readFileSync(path.join(repoRoot, 'packages/cli/dist/bundle/mailconf.cjs'));
    expect(bytes.findIndex((b) => b > 0x7f)).toBe(-1);
  });

  it('is written after a lint, taken by the next one, and changes nothing printed', () => {
    const args = ['lint', '--nginx-version', '1.22.1', input()];
    const without = mailconf(args, { NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(caches().size).toBe(0);
    expect(without.code).toBe(1);

    const first = mailconf(args);
    const written = caches();
    expect([...written.keys()].map((k) => path.basename(k))).toEqual([expect.stringMatching(/^mailconf-lint-[0-9a-f]{8}\.cache$/)]);
    const second = mailconf(args);
    // Taken, not refused and written again: the flags lint changed were put back before writing.
    expect(caches()).toEqual(written);
    for (const r of [first, second]) expect(r).toEqual(without);
  });

  it('keeps one file per command', () => {
    mailconf(['lint', input()]);
    mailconf(['fmt', input()]);
    mailconf(['--version']);
    expect([...caches().keys()].map((k) => path.basename(k).replace(/-[0-9a-f]{8}\.cache$/, '')).sort()).toEqual(['mailconf-fmt', 'mailconf-lint', 'mailconf-other']);
  });

  it('never hands a damaged cache to V8, and writes it again', () => {
    const args = ['lint', input()];
    const expected = mailconf(args);
    const [name] = [...caches().keys()];
    const file = path.join(cacheRoot, name!);
    const bytes = fs.readFileSync(file);
    // Flip bytes in the middle of V8's data: its own checks do not cover them in release builds.
    for (let i = bytes.length >> 1; i < (bytes.length >> 1) + 64; i++) bytes[i] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const damagedIno = fs.statSync(file).ino;
    expect(mailconf(args)).toEqual(expected);
    const rewritten = caches().get(name!);
    expect(rewritten).not.toBe(damagedIno);
    // Whole again: the run after takes it.
    expect(mailconf(args)).toEqual(expected);
    expect(caches().get(name!)).toBe(rewritten);
  });

  it('is checked whole by the first run that reads it, which marks it so that later runs need not', () => {
    const args = ['lint', input()];
    const expected = mailconf(args);
    const [name] = [...caches().keys()];
    const file = path.join(cacheRoot, name!);
    // The header: a tag line, the build's CRC, the data's CRC, then whether the data was checked.
    const checkedAt = fs.readFileSync(file).indexOf(10) + 1 + 8;
    expect(fs.readFileSync(file)[checkedAt]).toBe(0);
    const ino = fs.statSync(file).ino;
    // Which built-in modules a run loaded, written when it exits.
    const probeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-probe-'));
    const probe = path.join(probeDir, 'probe.cjs');
    const loaded = path.join(probeDir, 'loaded.json');
    fs.writeFileSync(probe, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(loaded)}, JSON.stringify(process.moduleLoadList)));\n`);
    const zlibLoaded = () => (JSON.parse(fs.readFileSync(loaded, 'utf8')) as string[]).includes('NativeModule zlib');
    try {
      expect(mailconf(args, {}, ['--require', probe])).toEqual(expected);
      expect(zlibLoaded()).toBe(true);
      expect(fs.readFileSync(file)[checkedAt]).toBe(1);
      expect(mailconf(args, {}, ['--require', probe])).toEqual(expected);
      expect(zlibLoaded()).toBe(false);
      // Taken each time: never written again.
      expect(caches().get(name!)).toBe(ino);
    } finally {
      fs.rmSync(probeDir, { recursive: true, force: true });
    }
  });

  it('is not used for a bundle changed after the build, even of the same size', () => {
    // A copy of the installed command, whose bundle is then edited in place (as when debugging).
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-copy-'));
    try {
      for (const sub of ['bin', 'dist/bundle']) {
        fs.mkdirSync(path.join(copy, sub), { recursive: true });
        for (const name of fs.readdirSync(path.join(repoRoot, 'packages/cli', sub))) {
          if (name.endsWith('.map')) continue;
          fs.copyFileSync(path.join(repoRoot, 'packages/cli', sub, name), path.join(copy, sub, name));
        }
      }
      fs.writeFileSync(path.join(copy, 'package.json'), '{"type": "module"}\n');
      // The copy's files keep their order in time: the record no older than the bundle.
      const bundle = path.join(copy, 'dist/bundle/mailconf.cjs');
      const past = new Date(Date.now() - 60_000);
      fs.utimesSync(bundle, past, past);
      const run = () => spawnSync(process.execPath, [path.join(copy, 'bin/mailconf.js'), 'lint', input()], { encoding: 'utf8', env: { ...process.env, NODE_COMPILE_CACHE: cacheRoot } }).stdout;
      expect(run()).toContain('passwords can be sent unencrypted');
      expect(run()).toContain('passwords can be sent unencrypted');
      expect(caches().size).toBe(1);
      const text = fs.readFileSync(bundle, 'latin1');
      expect(text).toContain('passwords can be sent unencrypted');
      fs.writeFileSync(bundle, text.replaceAll('passwords can be sent unencrypted', 'PASSWORDS CAN BE SENT UNENCRYPTED'), 'latin1');
      expect(run()).toContain('PASSWORDS CAN BE SENT UNENCRYPTED');
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it('removes the caches of other builds written more than a day ago when it writes its own', () => {
    mailconf(['lint', input()]);
    const [name] = [...caches().keys()];
    const dir = path.join(cacheRoot, path.dirname(name!));
    const stale = path.join(dir, 'mailconf-lint-00000000.cache');
    const recent = path.join(dir, 'mailconf-lint-11111111.cache');
    fs.writeFileSync(stale, 'a cache of a build not run for two days');
    const twoDaysAgo = (Date.now() - 2 * 24 * 3600 * 1000) / 1000;
    fs.utimesSync(stale, twoDaysAgo, twoDaysAgo);
    // Another build run in turn with this one (a second checkout): its cache stays.
    fs.writeFileSync(recent, 'a cache of a build run today');
    fs.rmSync(path.join(cacheRoot, name!));
    mailconf(['lint', input()]);
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(recent)).toBe(true);
    expect(fs.existsSync(path.join(cacheRoot, name!))).toBe(true);
  });

  it('is not kept for the commands that keep running (lsp, run)', () => {
    const r = mailconf(['run', '--help']);
    expect(r.code).toBe(0);
    expect(caches().size).toBe(0);
  });
});
