/**
 * worker-connections-open-files against real nginx: `nginx -t` compares worker_connections with
 * the open-file limit when it starts (ngx_event_module_init) and only warns, in the error log.
 * Here nginx runs with the limit most machines give it (`ulimit -n 1024`) and its error log on
 * stderr at warn, so the warning shows. Wherever nginx warns, mailconf reports and quotes
 * nginx's words; where the limit set for the workers is too low but nginx says nothing, mailconf
 * reports and says that nginx does not; where nginx is content, so is mailconf.
 * Needs nginx (any build: no module is involved).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigText } from '@mailconf/syntax';
import { checkConfigSet } from '@mailconf/checker';
import { noteSkip } from '../../../test/support/shared.js';

const NGINX = '/usr/sbin/nginx';
const canRun = fs.existsSync(NGINX) && spawnSync('sh', ['-c', 'ulimit -n 1024'], { encoding: 'utf8' }).status === 0;
if (!canRun) noteSkip('worker_connections against the open-file limit', 'nginx');

let prefix: string;
beforeAll(() => {
  prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-nofile-'));
  fs.mkdirSync(path.join(prefix, 'logs'));
});
afterAll(() => fs.rmSync(prefix, { recursive: true, force: true }));

/** nginx's [warn] lines about the limit, from `nginx -t` started with a soft limit of 1024. */
function nginxWarnings(text: string): string[] {
  const conf = path.join(prefix, 'nginx.conf');
  fs.writeFileSync(conf, text);
  const r = spawnSync('sh', ['-c', `ulimit -n 1024 && exec "${NGINX}" -t -p "${prefix}" -c "${conf}"`], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return [...r.stderr.matchAll(/\[warn\] \d+#\d+: (.*open file resource limit.*)$/gm)].map((m) => m[1]!);
}

function mailconfReports(text: string) {
  return checkConfigSet(loadConfigText(text, path.join(prefix, 'nginx.conf')), { nginxVersion: '1.22.1' }).diagnostics.filter((d) => d.ruleId === 'worker-connections-open-files');
}

const cases: { what: string; main: string; events: string }[] = [
  { what: 'above 1024, nothing set', main: '', events: 'worker_connections 4096;' },
  { what: 'above 1024, set lower', main: 'worker_rlimit_nofile 2000;', events: 'worker_connections 4096;' },
  { what: 'above 1024, set high enough', main: 'worker_rlimit_nofile 8192;', events: 'worker_connections 4096;' },
  { what: 'the default 512, set lower', main: 'worker_rlimit_nofile 256;', events: '' },
  { what: 'exactly 1024, nothing set', main: '', events: 'worker_connections 1024;' },
  { what: '1025, nothing set', main: '', events: 'worker_connections 1025;' },
  { what: 'the default, nothing set', main: '', events: '' },
];

describe.skipIf(!canRun)('worker_connections and the open-file limit, as nginx -t sees them', () => {
  for (const c of cases) {
    it(c.what, () => {
      const text = `error_log stderr warn;\n${c.main}\nevents {\n    ${c.events}\n}\n`;
      const warned = nginxWarnings(text);
      const ours = mailconfReports(text);
      if (warned.length) {
        expect(ours).toHaveLength(1);
        // nginx's own words, quoted in the hint.
        expect(ours[0]!.hint).toContain(`"${warned[0]}"`);
        return;
      }
      const rlimit = /worker_rlimit_nofile (\d+)/.exec(c.main);
      const connections = Number(/worker_connections (\d+)/.exec(c.events)?.[1] ?? 512);
      if (rlimit && Number(rlimit[1]) < connections) {
        // Too low for the workers, and nginx silent: said so.
        expect(ours).toHaveLength(1);
        expect(ours[0]!.hint).toContain('nginx does not warn of this');
      } else {
        expect(ours).toEqual([]);
      }
    });
  }
});
