/**
 * Where the shared reference material lives: `../shared` beside the repository (CI puts it
 * there). Suites that need it skip, and say so, when it is absent.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedDir = process.env.MAILCONF_SHARED ? path.resolve(process.env.MAILCONF_SHARED) : path.resolve(repoRoot, '../shared');
export const hasShared = fs.existsSync(path.join(sharedDir, 'corpus'));
export const nginxCheck = path.join(sharedDir, 'oracle/nginx-check');

/** Whether real nginx with the mail module is installed (the oracle can run). */
export const hasNginx = (() => {
  if (!hasShared) return false;
  try {
    return fs.existsSync('/usr/sbin/nginx') && fs.existsSync('/usr/lib/nginx/modules/ngx_mail_module.so');
  } catch {
    return false;
  }
})();

export function noteSkip(suite: string, what: string): void {
  // eslint-disable-next-line no-console
  console.log(`[skip] ${suite}: ${what} not available`);
}

export interface OracleVerdict {
  file: string;
  ok: boolean | null;
  level: string | null;
  message: string | null;
  line: number | null;
  warnings: { level: string; message: string; line: number | null }[];
}

export function readVerdicts(file: string): Map<string, OracleVerdict> {
  const out = new Map<string, OracleVerdict>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const v = JSON.parse(line) as OracleVerdict;
    out.set(v.file, v);
  }
  return out;
}

/** Runs the oracle (real nginx -t) on files; one verdict per file, in order. */
export function runOracle(files: string[], args: string[] = []): OracleVerdict[] {
  let out: string;
  try {
    out = execFileSync(nginxCheck, [...args, ...files], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (err) {
    out = (err as { stdout?: string }).stdout ?? '';
  }
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as OracleVerdict);
}

/** The corpus: every file with its stored verdict and the context the oracle read it in. */
export interface CorpusCase {
  name: string;
  path: string;
  verdict: OracleVerdict;
  context: 'main' | 'mail';
}

export function corpusCases(): CorpusCase[] {
  if (!hasShared) return [];
  const cases: CorpusCase[] = [];
  const rw = path.join(sharedDir, 'corpus/real-world');
  const contexts = new Map<string, 'main' | 'mail'>();
  for (const line of fs.readFileSync(path.join(rw, 'SOURCES.tsv'), 'utf8').split('\n').slice(1)) {
    const cols = line.split('\t');
    if (cols.length < 7) continue;
    if (cols[6]!.includes('--context=mail')) contexts.set(cols[0]!, 'mail');
  }
  for (const [file, verdict] of readVerdicts(path.join(rw, 'verdicts.jsonl'))) {
    cases.push({ name: `real-world/${file}`, path: path.join(rw, file), verdict, context: contexts.get(file.slice(0, 3)) ?? 'main' });
  }
  const mu = path.join(sharedDir, 'corpus/mutants');
  for (const [file, verdict] of readVerdicts(path.join(mu, 'verdicts.jsonl'))) {
    cases.push({ name: `mutants/${file}`, path: path.join(mu, file), verdict, context: 'main' });
  }
  return cases;
}
