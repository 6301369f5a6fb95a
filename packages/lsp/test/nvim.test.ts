/**
 * A third-party editor: headless Neovim attaches to `mailconf lsp --stdio` with its own LSP
 * client (test/nvim/attach.lua), receives the diagnostics of a fixture and a hover. Skipped,
 * with a message, when nvim is not installed (CI installs Debian's `neovim`).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from './support/fixtures.js';
import { serverBundle } from './support/server-bundle.js';

const hasNvim = spawnSync('nvim', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasNvim) console.log('[skip] neovim: nvim not available (install the Debian package neovim)');

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'nvim/attach.lua');

describe.skipIf(!hasNvim)('neovim', () => {
  it('attaches to mailconf lsp --stdio and shows its diagnostics', async () => {
    const bundle = await serverBundle('cli');
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-nvim-'));
    const out = path.join(outDir, 'result.json');
    try {
      const r = spawnSync('nvim', ['--headless', '--clean', '-n', '-i', 'NONE', '-c', `luafile ${script}`], {
        env: {
          ...process.env,
          MAILCONF_LSP_CMD: JSON.stringify([process.execPath, bundle, 'lsp', '--stdio']),
          MAILCONF_NVIM_FILE: path.join(fixturesDir, 'nvim/mail.conf'),
          MAILCONF_NVIM_OUT: out,
        },
        encoding: 'utf8',
        timeout: 60000,
      });
      expect(fs.existsSync(out), `nvim wrote no result: ${r.stderr}${r.stdout}`).toBe(true);
      const result = JSON.parse(fs.readFileSync(out, 'utf8')) as {
        received: boolean;
        diagnostics: { line: number; col: number; severity: number; code: string; message: string }[];
        hover: string;
      };
      expect(result.received).toBe(true);
      expect(result.diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code}`)).toEqual([
        '5:9 2 plaintext-auth-without-tls',
        '7:9 1 directive-not-allowed',
      ]);
      expect(result.diagnostics[1]!.message).toContain('"location" directive is not allowed here');
      expect(result.hover).toContain('listen address:port');
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });
});
