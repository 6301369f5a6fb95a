/**
 * worker_connections against the open-file limit (open-file-limit.ts), as nginx checks it when it
 * takes a configuration. Real nginx -t, started with a soft limit of 1024 and its error log on
 * stderr at warn, says whether it warns and in what words, for the same values the runtime's
 * function is given; the limit read from /proc is the one `ulimit -n` reports; and the built
 * `mailconf run`, started under `ulimit -n 1024`, writes nginx's warning to its error log (and
 * says on standard error that it cannot apply worker_rlimit_nofile).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openFileLimit, openFileWarning } from '../src/open-file-limit.js';
import { freePorts, waitForPort } from './helpers/external.js';
import { noteSkip } from '../../../test/support/shared.js';

const NGINX = '/usr/sbin/nginx';
const canLimit = spawnSync('sh', ['-c', 'ulimit -n 1024'], { encoding: 'utf8' }).status === 0;
const hasNginx = fs.existsSync(NGINX) && canLimit;
if (!hasNginx) noteSkip('open-file limit against nginx -t', 'nginx');
const CLI_BIN = fileURLToPath(new URL('../../cli/bin/mailconf.js', import.meta.url));
const built = fs.existsSync(fileURLToPath(new URL('../../cli/dist/bundle/mailconf.cjs', import.meta.url))) && canLimit;
if (!built) noteSkip('mailconf run under ulimit -n 1024', 'the built CLI (npm run build)');

let dir = '';
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = '';
});

const cases: { connections: number; rlimit: number | null }[] = [
  { connections: 4096, rlimit: null },
  { connections: 4096, rlimit: 2000 },
  { connections: 4096, rlimit: 8192 },
  { connections: 512, rlimit: 256 },
  { connections: 1024, rlimit: null },
  { connections: 1025, rlimit: null },
  { connections: 1025, rlimit: 1025 },
  { connections: 1026, rlimit: 1025 },
];

describe.skipIf(!hasNginx)('the warning, as nginx -t gives it with a limit of 1024', () => {
  for (const c of cases) {
    it(`worker_connections ${c.connections}, worker_rlimit_nofile ${c.rlimit ?? 'unset'}`, () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-nofile-'));
      fs.mkdirSync(path.join(dir, 'logs'));
      const conf = path.join(dir, 'nginx.conf');
      fs.writeFileSync(conf, `error_log stderr warn;\n${c.rlimit === null ? '' : `worker_rlimit_nofile ${c.rlimit};`}\nevents { worker_connections ${c.connections}; }\n`);
      const r = spawnSync('sh', ['-c', `ulimit -n 1024 && exec "${NGINX}" -t -p "${dir}" -c "${conf}"`], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const nginx = /\[warn\] \d+#\d+: (.*open file resource limit.*)$/m.exec(r.stderr)?.[1] ?? null;
      expect(openFileWarning(c.connections, c.rlimit, 1024)).toBe(nginx);
    });
  }
});

describe('the limit of this process', () => {
  it('is what ulimit -n says', () => {
    const said = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim();
    expect(openFileLimit()).toBe(said === 'unlimited' ? Infinity : Number(said));
  });
});

describe.skipIf(!built)('mailconf run started under ulimit -n 1024', () => {
  /**
   * The error log and standard error of `mailconf run` once it listens (and, with `reload`, once
   * a SIGHUP has been taken and the log shows it).
   */
  async function started(main: string, reload?: (log: () => string) => boolean): Promise<{ log: string; stderr: string }> {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-nofile-run-'));
    const [port] = await freePorts(1);
    const log = path.join(dir, 'error.log');
    const conf = path.join(dir, 'nginx.conf');
    fs.writeFileSync(
      conf,
      `daemon off;\n${main}\nerror_log ${log} warn;\npid ${dir}/run.pid;\nevents { worker_connections 4096; }\nmail {\n  auth_http 127.0.0.1:9/auth;\n  server { listen 127.0.0.1:${port}; protocol imap; }\n}\n`,
    );
    const child = spawn('sh', ['-c', `ulimit -n 1024 && exec "${process.execPath}" "${CLI_BIN}" run "${conf}"`], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise((r) => child.once('exit', r));
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    try {
      await waitForPort(port!);
      if (reload) {
        child.kill('SIGHUP');
        const end = Date.now() + 10_000;
        while (!reload(() => fs.readFileSync(log, 'utf8')) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
        // Whatever else the reload would log has had time to come.
        await new Promise((r) => setTimeout(r, 300));
      }
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    return { log: fs.readFileSync(log, 'utf8'), stderr };
  }

  it('writes nginx\'s warning to its error log', async () => {
    const { log } = await started('');
    expect(log).toMatch(/\[warn\] \d+#\d+: 4096 worker_connections exceed open file resource limit: 1024\n/);
  }, 20_000);

  it('names worker_rlimit_nofile as nginx does, and says it cannot apply it', async () => {
    const { log, stderr } = await started('worker_rlimit_nofile 2000;');
    expect(log).toMatch(/\[warn\] \d+#\d+: 4096 worker_connections exceed open file resource limit: 2000\n/);
    // mailconf's own remarks on what Node.js cannot do go to standard error, as the others do.
    expect(stderr).toContain('mailconf: warning: worker_rlimit_nofile cannot be applied by Node.js and is ignored: the limit stays 1024');
  }, 20_000);

  it('with several workers, logs the warning once per configuration taken and says once that it cannot apply worker_rlimit_nofile', async () => {
    const warnings = (log: string) => log.match(/exceed open file resource limit: 2000\n/g)?.length ?? 0;
    const { log, stderr } = await started('worker_processes 3;\nworker_rlimit_nofile 2000;', (read) => warnings(read()) >= 2);
    // Start and reload: twice, as nginx logs it (once per cycle), not once per worker.
    expect(warnings(log)).toBe(2);
    expect(stderr.match(/worker_rlimit_nofile cannot be applied/g)).toHaveLength(1);
  }, 30_000);
});
