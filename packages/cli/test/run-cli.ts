/** Runs the mailconf CLI in-process (from the sources), capturing stdout, stderr and the exit code. */
import { vi } from 'vitest';
import { main } from '../src/index.js';

export async function runCli(args: string[], opts: { cwd?: string } = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (out.push(String(c)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => (err.push(String(c)), true));
  const cwd = process.cwd();
  if (opts.cwd) process.chdir(opts.cwd);
  try {
    const code = await main(['node', 'mailconf', ...args]);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    if (opts.cwd) process.chdir(cwd);
    o.mockRestore();
    e.mockRestore();
  }
}
