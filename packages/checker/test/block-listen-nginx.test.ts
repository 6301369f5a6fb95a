/**
 * http and stream `listen` (listen-parameters): the address and every parameter, read as real
 * nginx -t 1.22.1 reads them. Each listen is its own configuration, once in an http server and
 * once in a stream server; nginx's verdict, words and line must be ours.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '@mailconf/syntax';
import { checkConfigSet, nginxVerdict } from '@mailconf/checker';
import { hasNginx, noteSkip, runOracle } from '../../../test/support/shared.js';

if (!hasNginx) noteSkip('http and stream listens vs nginx', 'nginx with the mail module and ../shared/oracle');

const LISTENS = [
  // addresses
  '1.2.3.4.5:80',
  '127.0.0.1:0',
  '127.0.0.1:65536',
  '[::1',
  '[::1]:x',
  'unix:',
  '*:',
  ':80',
  '127.0.0.1:80-81',
  'localhost',
  'localhost:9053',
  'local host:80',
  '0x7f.1:80',
  '[fe80::1%lo]:9053',
  '127.0.0.1:9053-9055',
  'unix:/tmp/mailconf-x.sock udp',
  // parameters
  '80 default_server default_server',
  '80 backlog=0',
  '80 backlog=-1',
  '80 backlog=2147483648',
  '80 rcvbuf=x',
  '80 rcvbuf=64k sndbuf=1g',
  '80 sndbuf=3g',
  '80 ipv6only=on',
  '[::]:80 ipv6only=maybe',
  '[::]:80 ipv6only=off',
  '80 ipv6only=ox',
  '80 so_keepalive=x',
  '80 so_keepalive=1m:1m:3',
  '80 so_keepalive=:::',
  '80 so_keepalive=30s::',
  '80 so_keepalive=0:0:0',
  '80 so_keepalive=1x',
  '80 so_keepalive=on so_keepalive=off',
  '80 fastopen=x',
  '80 fastopen=10',
  '80 fastopen=4294967295',
  '80 setfib=1',
  '80 accept_filter=x',
  '80 quic',
  '80 http2 proxy_protocol',
  '80 reuseport',
  '80 deferred',
  '80 ssl ssl',
  '80 bogus backlog=0',
  '80 backlog=0 bogus',
  // what a udp listen cannot have
  '9053 udp backlog=10',
  '9053 udp ssl',
  '9053 udp so_keepalive=off',
  '9053 udp proxy_protocol',
  '9053 udp fastopen=3',
  '9053 backlog=10 udp',
  '9053 udp reuseport bind',
];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-block-listen-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const files = LISTENS.flatMap((listen, i) => {
  const http = path.join(dir, `http-${i}.conf`);
  const stream = path.join(dir, `stream-${i}.conf`);
  fs.writeFileSync(http, `events {}\nhttp {\n server {\n  listen ${listen};\n }\n}\n`);
  fs.writeFileSync(stream, `events {}\nstream {\n server {\n  listen ${listen};\n  proxy_pass 127.0.0.1:25;\n }\n}\n`);
  return [http, stream];
});

describe.skipIf(!hasNginx)('http and stream listens agree with real nginx -t (1.22.1)', () => {
  it(`${files.length} listens: verdict, words and line`, () => {
    const verdicts = runOracle(files);
    expect(verdicts).toHaveLength(files.length);
    const mismatches: string[] = [];
    files.forEach((file, i) => {
      const v = verdicts[i]!;
      const first = nginxVerdict(checkConfigSet(loadConfigFile(file), { nginxVersion: '1.22.1' }).diagnostics);
      const ours = first ? `${first.line}: ${first.nginx!.message}` : 'ok';
      const theirs = v.ok ? 'ok' : `${v.line ?? first?.line}: ${v.message}`;
      if (ours !== theirs) mismatches.push(`${path.basename(file)} (listen ${LISTENS[i >> 1]}): nginx ${theirs} | ours ${ours}`);
    });
    expect(mismatches).toEqual([]);
    // Not a table of passes: nginx refuses most of these.
    expect(verdicts.filter((v) => !v.ok).length).toBeGreaterThan(files.length / 2);
  });
});
