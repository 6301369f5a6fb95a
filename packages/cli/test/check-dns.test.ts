/**
 * `mailconf lint --check-dns` resolves, on this machine, the host names nginx resolves when it
 * reads the configuration, and reports those that do not resolve as nginx does. `localhost`
 * resolves everywhere (/etc/hosts); a `.invalid` name never does (RFC 6761).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-check-dns-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const file = path.join(dir, 'nginx.conf');
fs.writeFileSync(
  file,
  `events {}
mail {
    auth_http mailconf-auth.invalid:9000/auth;
    server {
        listen localhost:10143;
        protocol imap;
        starttls only;
        ssl_certificate cert.pem;
        ssl_certificate_key key.pem;
    }
}
http {
    server {
        listen 8080;
        location / {
            proxy_pass http://localhost:9000;
        }
        location /b {
            proxy_pass http://mailconf-app.invalid:9000;
        }
    }
}
`,
);

const hostErrors = (out: string) => out.split('\n').filter((l) => l.includes('host not found'));

describe('mailconf lint --check-dns', () => {
  it('reports the names that do not resolve here, on their lines, and not the others', async () => {
    const { code, out } = await runCli(['lint', '--check-dns', '--nginx-version', '1.22.1', file]);
    expect(code).toBe(1);
    const lines = hostErrors(out);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/nginx\.conf:3:5 {2}error {2}host not found in auth_http "mailconf-auth\.invalid:9000\/auth" \(the name does not resolve on this machine\) {2}auth-http-url$/);
    expect(lines[1]).toMatch(/nginx\.conf:19:\d+ {2}error {2}host not found in upstream "mailconf-app\.invalid" .* {2}upstreams$/);
  });

  it('says nothing of names without it, or with "checkDns": false in .mailconfrc.json', async () => {
    expect(hostErrors((await runCli(['lint', '--nginx-version', '1.22.1', file])).out)).toEqual([]);
    fs.writeFileSync(path.join(dir, '.mailconfrc.json'), JSON.stringify({ checkDns: true }));
    expect(hostErrors((await runCli(['lint', '--nginx-version', '1.22.1', file])).out)).toHaveLength(2);
    fs.writeFileSync(path.join(dir, '.mailconfrc.json'), JSON.stringify({ checkDns: 'yes' }));
    const bad = await runCli(['lint', file]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('"checkDns" must be true or false');
    fs.rmSync(path.join(dir, '.mailconfrc.json'));
  });
});
