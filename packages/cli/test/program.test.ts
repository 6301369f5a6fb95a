/** The program itself: --version prints the version without loading any command, --help lists them all. */
import { describe, expect, it } from 'vitest';
import { VERSION } from '../src/index.js';
import { runCli } from './run-cli.js';

describe('mailconf', () => {
  it('--version and -V print the version and exit 0', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.out.trim()).toBe(VERSION);
    }
  });
  it('--help lists every command', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const name of ['parse', 'lint', 'fmt', 'explain', 'run', 'lsp']) expect(r.out).toMatch(new RegExp(`^\\s+${name}\\b`, 'm'));
  });
});
