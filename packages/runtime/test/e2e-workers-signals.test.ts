/**
 * `mailconf run` with several workers, stopped the way a service manager stops it: systemd
 * (KillMode=control-group, its default) sends SIGTERM to every process of the service at once,
 * the master and its workers alike. The master must still end cleanly (exit 0, nothing on
 * standard error but the configuration's warnings), though the workers it asks to stop may be
 * gone already. A SIGHUP that comes while it starts must not end it (Node's default for a
 * signal nobody handles). Runs the built command (`npm run build`) as its own process group.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePorts, waitForPort } from './helpers/external.js';
import { noteSkip } from '../../../test/support/shared.js';

const CLI_BIN = fileURLToPath(new URL('../../cli/bin/mailconf.js', import.meta.url));
const built = fs.existsSync(fileURLToPath(new URL('../../cli/dist/bundle/mailconf.cjs', import.meta.url)));
if (!built) noteSkip('mailconf run stopped as a process group', 'the built CLI (npm run build)');

let dir = '';
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = '';
});

describe.skipIf(!built)('mailconf run with workers, signals while it starts and SIGTERM to the whole group', () => {
  // Not here: SIGTERM to the group shortly after a reload, which hung once in about 15 runs
  // (not yet explained: see the closing note of session 14).
  for (const when of ['once it serves', 'after a SIGHUP while it starts'] as const) {
    it(`ends cleanly ${when}`, async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-group-'));
      const [port] = await freePorts(1);
      const conf = path.join(dir, 'nginx.conf');
      fs.writeFileSync(
        conf,
        `daemon off;\nworker_processes 3;\nerror_log ${dir}/error.log info;\npid ${dir}/run.pid;\nevents { worker_connections 64; }\nmail {\n  auth_http 127.0.0.1:9/auth;\n  server { listen 127.0.0.1:${port}; protocol imap; starttls off; }\n}\n`,
      );
      const child = spawn(process.execPath, [CLI_BIN, 'run', conf], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      try {
        if (when === 'after a SIGHUP while it starts') {
          // While the workers start: the master writes its pid file just before starting them.
          // Held, and taken once they are ready (Node would end the process).
          const pidFile = path.join(dir, 'run.pid');
          const end = Date.now() + 10_000;
          while (!fs.existsSync(pidFile) && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
          child.kill('SIGHUP');
        }
        await waitForPort(port!);
        // Every process of the group: the master and each worker, as systemd does.
        process.kill(-child.pid!, 'SIGTERM');
        expect(await exited).toBe(0);
        expect(stderr).not.toMatch(/Error|Unhandled|node:internal/);
      } finally {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* all gone */
        }
      }
    }, 20_000);
  }
});
