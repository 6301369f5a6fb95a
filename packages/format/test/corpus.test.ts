/**
 * The corpus guarantee: every configuration of the shared corpus (real-world files and
 * mutants) keeps its meaning and formats idempotently, and every one that nginx accepts
 * is still accepted by the oracle (`nginx -t`) once formatted, plain and aligned. Files
 * nginx rejects must still be rejected with the same message.
 *
 * Needs ../shared (beside the repository) and, for the oracle part, a working nginx-check;
 * skipped with a note when they are missing.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSource, encodeSource, parse } from '@mailconf/syntax';
import { format, type FormatOptions } from '@mailconf/format';
import { formatChecked, sharedDir } from './support.js';

const corpus = path.join(sharedDir, 'corpus');
const nginxCheck = path.join(sharedDir, 'oracle/nginx-check');
const hasShared = fs.existsSync(corpus);
const hasOracle = hasShared && spawnSync(nginxCheck, ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasShared) console.log(`format corpus tests skipped: ${sharedDir} (the shared corpus) is not there`);
else if (!hasOracle) console.log('format oracle tests skipped: nginx-check does not run here (is nginx installed?)');

interface Verdict {
  file: string;
  ok: boolean | null;
  message: string | null;
}

interface CorpusFile {
  /** Name shown in test output, e.g. `real-world/001-x.conf`. */
  name: string;
  abs: string;
  /** Extra nginx-check arguments (`--context=mail` for fragments). */
  args: string[];
  verdict: Verdict | undefined;
}

function readTsv(file: string): Record<string, string>[] {
  const [head, ...rows] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  const cols = head!.split('\t');
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [cols[i]!, v])));
}

function readVerdicts(file: string): Map<string, Verdict> {
  const out = new Map<string, Verdict>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.trim()) {
      const v = JSON.parse(line) as Verdict;
      out.set(v.file, v);
    }
  }
  return out;
}

function corpusFiles(): CorpusFile[] {
  const rw = path.join(corpus, 'real-world');
  const mu = path.join(corpus, 'mutants');
  // Context per real-world file id (the first three digits of its name).
  const argsById = new Map(readTsv(path.join(rw, 'SOURCES.tsv')).map((r) => [r.id!, r.oracle_args ? r.oracle_args.split(' ') : []]));
  const argsOf = (base: string) => argsById.get(base.slice(0, 3)) ?? [];
  const baseOf = new Map(readTsv(path.join(mu, 'MANIFEST.tsv')).map((r) => [r.file!, r.base!]));
  const rwVerdicts = readVerdicts(path.join(rw, 'verdicts.jsonl'));
  const muVerdicts = readVerdicts(path.join(mu, 'verdicts.jsonl'));
  const files: CorpusFile[] = [];
  for (const f of fs.readdirSync(rw).filter((f) => f.endsWith('.conf')).sort()) {
    files.push({ name: `real-world/${f}`, abs: path.join(rw, f), args: argsOf(f), verdict: rwVerdicts.get(f) });
  }
  for (const f of fs.readdirSync(mu).filter((f) => f.endsWith('.conf')).sort()) {
    files.push({ name: `mutants/${f}`, abs: path.join(mu, f), args: argsOf(baseOf.get(f) ?? ''), verdict: muVerdicts.get(f) });
  }
  for (const f of fs.readdirSync(path.join(mu, 'bases')).filter((f) => f.endsWith('.conf')).sort()) {
    files.push({ name: `mutants/bases/${f}`, abs: path.join(mu, 'bases', f), args: [], verdict: undefined });
  }
  return files;
}

/** Runs nginx-check on files sharing the same arguments; returns the verdicts by path. */
function oracle(paths: string[], args: string[]): Map<string, Verdict> {
  const r = spawnSync(nginxCheck, [...args, ...paths], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const out = new Map<string, Verdict>();
  for (const line of r.stdout.split('\n')) {
    if (line.trim()) {
      const v = JSON.parse(line) as Verdict;
      out.set(v.file, v);
    }
  }
  return out;
}

describe.skipIf(!hasShared)('format on the shared corpus', () => {
  const files = hasShared ? corpusFiles() : [];
  const variants: [string, FormatOptions][] = [
    ['plain', {}],
    ['aligned', { align: true }],
    ['tabs', { useTabs: true }],
  ];

  it('keeps the meaning and is idempotent on every corpus file; refuses files with syntax errors', () => {
    expect(files.length).toBeGreaterThan(100);
    let formatted = 0;
    for (const f of files) {
      const { text } = decodeSource(fs.readFileSync(f.abs));
      const file = parse(text);
      if (file.errors.length) {
        expect(format(file), f.name).toBe(text);
        continue;
      }
      for (const [, options] of variants) formatChecked(text, options);
      formatted++;
    }
    expect(formatted).toBeGreaterThan(100);
  });

  describe.skipIf(!hasOracle)('with the nginx oracle', () => {
    const tmp = hasOracle ? fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-fmt-oracle-')) : '';
    afterAll(() => {
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    for (const [label, options] of variants.filter(([l]) => l !== 'tabs')) {
      it(`formatted (${label}) configs get the same verdict from nginx -t`, { timeout: 180_000 }, () => {
        const judged = files.filter((f) => f.verdict && f.verdict.ok !== null && parse(decodeSource(fs.readFileSync(f.abs)).text).errors.length === 0);
        expect(judged.filter((f) => f.verdict!.ok).length).toBeGreaterThanOrEqual(40);
        const dir = path.join(tmp, label);
        const groups = new Map<string, { file: CorpusFile; out: string }[]>();
        for (const f of judged) {
          const { text, encoding } = decodeSource(fs.readFileSync(f.abs));
          const out = path.join(dir, f.name);
          fs.mkdirSync(path.dirname(out), { recursive: true });
          fs.writeFileSync(out, encodeSource(format(parse(text), options), encoding));
          const key = f.args.join(' ');
          if (!groups.has(key)) groups.set(key, []);
          groups.get(key)!.push({ file: f, out });
        }
        const mismatches: string[] = [];
        for (const [key, group] of groups) {
          const verdicts = oracle(
            group.map((g) => g.out),
            key ? key.split(' ') : [],
          );
          for (const { file, out } of group) {
            const got = verdicts.get(out);
            const want = file.verdict!;
            if (!got || got.ok !== want.ok || (!want.ok && got.message !== want.message)) {
              mismatches.push(`${file.name}: expected ${want.ok ? 'ok' : want.message}, got ${got ? (got.ok ? 'ok' : got.message) : 'no verdict'}`);
            }
          }
        }
        expect(mismatches).toEqual([]);
      });
    }
  });
});
