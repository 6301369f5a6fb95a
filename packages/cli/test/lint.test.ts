/** `mailconf lint`: output formats, exit codes, rule levels, suppressions, fixes, fragments, versions. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasNginx, repoRoot, runOracle } from '../../../test/support/shared.js';
import { runCli } from './run-cli.js';

const fx = (f: string) => path.join(repoRoot, 'fixtures/cli', f);
const example = (f: string) => path.join(repoRoot, 'examples', f);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-lint-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('mailconf lint', () => {
  it('exit 0 on a clean file, 1 on errors, 2 on a missing file', async () => {
    expect((await runCli(['lint', example('mail.conf')])).code).toBe(0);
    const broken = await runCli(['lint', example('broken.conf')]);
    expect(broken.code).toBe(1);
    const missing = await runCli(['lint', path.join(tmp, 'nope.conf')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read .*nope\.conf: no such file/);
    expect(missing.err).not.toMatch(/at .*\.ts/);
  });

  it('stylish: file:line:col  severity  message  rule, sorted by position, no colour when not a TTY', async () => {
    const { out } = await runCli(['lint', example('broken.conf')]);
    const lines = out.split('\n').filter((l) => l.includes('  error  '));
    expect(lines.length).toBeGreaterThanOrEqual(8);
    expect(out).not.toMatch(/\x1b\[/);
    const positions = lines.map((l) => l.split('  ')[0]!.split(':').slice(-2).map(Number) as [number, number]);
    const sorted = [...positions].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(positions).toEqual(sorted);
    expect(out).toMatch(/broken\.conf:7:5 {2}error {2}unknown directive "imap_capabilites".* {2}unknown-directive/);
  });

  it('stylish: a statement over several lines is shown on nginx\'s line, with a column only where the problem stands on it', async () => {
    const f = path.join(tmp, 'multi-line.conf');
    fs.writeFileSync(f, 'events {}\nhttp {\n    limit_req_zone $binary_remote_addr zone=one:10m rate=10r/sec\n        ;\n    limit_req_zone $binary_remote_addr zone=two:10m rate=1r/fortnight;\n}\n');
    const { out } = await runCli(['lint', f]);
    expect(out).toMatch(/multi-line\.conf:4:1 {2}error {2}invalid rate "rate=10r\/sec"/);
    expect(out).toMatch(/multi-line\.conf:5:53 {2}error {2}invalid rate "rate=1r\/fortnight"/);
  });

  it('json: one object per problem with range and nginx message', async () => {
    const { out } = await runCli(['lint', '-f', 'json', example('broken.conf')]);
    const list = JSON.parse(out) as { ruleId: string; line: number; nginx: { message: string } | null; range: { start: { line: number } } }[];
    const dup = list.find((d) => d.ruleId === 'duplicate-listen')!;
    expect(dup.nginx!.message).toBe('duplicate "0.0.0.0:993" address and port pair');
    expect(dup.range.start.line).toBe(dup.line);
  });

  it('sarif: a valid 2.1.0 log with the rules and regions', async () => {
    const { out } = await runCli(['lint', '-f', 'sarif', example('broken.conf')]);
    const log = JSON.parse(out);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    const ruleIds = run.tool.driver.rules.map((r: { id: string }) => r.id);
    for (const r of run.results) {
      expect(ruleIds).toContain(r.ruleId);
      expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
      expect(['error', 'warning', 'note']).toContain(r.level);
      const loc = r.locations[0].physicalLocation;
      expect(loc.artifactLocation.uri).toMatch(/broken\.conf$/);
      expect(loc.region.startLine).toBeGreaterThan(0);
      expect(loc.region.endLine).toBeGreaterThanOrEqual(loc.region.startLine);
      expect(typeof r.message.text).toBe('string');
    }
  });

  it('github: workflow annotations', async () => {
    const { out } = await runCli(['lint', '-f', 'github', example('broken.conf')]);
    expect(out).toMatch(/^::error file=.*broken\.conf,line=7,col=5,endLine=7,endColumn=\d+,title=mailconf unknown-directive::unknown directive "imap_capabilites"/m);
  });

  it('MAILCONF_TIMING=1 prints where the time went on stderr, and the output is the same', async () => {
    const plain = await runCli(['lint', example('broken.conf')]);
    expect(plain.err).toBe('');
    process.env.MAILCONF_TIMING = '1';
    try {
      const timed = await runCli(['lint', example('broken.conf')]);
      expect(timed.out).toBe(plain.out);
      expect(timed.code).toBe(plain.code);
      const phases = new Map(
        timed.err
          .trim()
          .split('\n')
          .map((l) => {
            const m = /^(.+): (\d+\.\d) ms$/.exec(l);
            expect(m, l).not.toBeNull();
            return [m![1]!, Number(m![2])] as const;
          }),
      );
      for (const phase of ['read and parse', 'walk', 'statements', 'model', 'whole-configuration: plaintext-auth-without-tls', 'sort', 'output']) expect(phases.has(phase), phase).toBe(true);
      expect(phases.get('process start to now')!).toBeGreaterThan(phases.get('walk')!);
    } finally {
      delete process.env.MAILCONF_TIMING;
    }
  });

  it('--max-warnings 0 fails on warnings', async () => {
    const f = path.join(tmp, 'warn.conf');
    fs.writeFileSync(f, 'events {}\nmail {\n    auth_http 127.0.0.1:9000/a;\n    server {\n        listen 143;\n    }\n}\n');
    expect((await runCli(['lint', f])).code).toBe(0);
    expect((await runCli(['lint', '--max-warnings', '0', f])).code).toBe(1);
  });

  it('rule levels from .mailconfrc.json and --rule', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'cfg-'));
    const f = path.join(dir, 'm.conf');
    fs.writeFileSync(f, 'events {}\nmail {\n    auth_http 127.0.0.1:9000/a;\n    server {\n        listen 143;\n    }\n}\n');
    fs.writeFileSync(path.join(dir, '.mailconfrc.json'), JSON.stringify({ rules: { 'plaintext-auth-without-tls': 'error' } }));
    const strict = await runCli(['lint', f]);
    expect(strict.code).toBe(1);
    expect(strict.out).toMatch(/error {2}IMAP passwords/);
    const off = await runCli(['lint', '--rule', 'plaintext-auth-without-tls=off', f]);
    expect(off.out).not.toMatch(/IMAP passwords/);
    fs.writeFileSync(path.join(dir, '.mailconfrc.json'), JSON.stringify({ rules: { 'no-such-rule': 'off' } }));
    const bad = await runCli(['lint', f]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown rule "no-such-rule"/);
  });

  it('# mailconf-disable-next-line and -line comments', async () => {
    const { out } = await runCli(['lint', fx('suppressed.conf')]);
    expect(out).not.toMatch(/plaintext-auth-without-tls|ipv6only-no-effect/);
    expect(out).toMatch(/port-protocol-mismatch/);
  });

  it('a disable comment covers a statement over several lines: -next-line before it, -line after its ";"', async () => {
    const f = path.join(tmp, 'suppressed-multi-line.conf');
    const server = (auth: string) => `    server {\n        listen 110;\n        protocol pop3;\n${auth}    }\n`;
    fs.writeFileSync(
      f,
      'events {}\nmail {\n    auth_http 127.0.0.1:9000/auth;\n' +
        server('        # mailconf-disable-next-line invalid-value\n        pop3_auth plain\n            bogus;\n') +
        server('        pop3_auth plain\n            bogus; # mailconf-disable-line invalid-value\n') +
        server('        pop3_auth plain\n            bogus;\n') +
        '}\n',
    );
    const found = (JSON.parse((await runCli(['lint', '--format', 'json', f])).out) as { ruleId: string; line: number }[]).filter((d) => d.ruleId === 'invalid-value');
    // Only the third server's, which has no comment.
    expect(found.map((d) => d.line)).toEqual([21]);
  });

  it('--context mail reads a fragment', async () => {
    expect((await runCli(['lint', fx('fragment-mail.conf')])).code).toBe(1);
    const r = await runCli(['lint', '--context', 'mail', fx('fragment-mail.conf')]);
    expect(r.code).toBe(0);
  });

  it('--nginx-version: ssl is deprecated in 1.22.1 and unknown in the newest', async () => {
    const f = fx('fixable.conf');
    expect((await runCli(['lint', '--nginx-version', '1.22.1', f])).out).toMatch(/the "ssl" directive is deprecated/);
    expect((await runCli(['lint', f])).out).toMatch(/unknown directive "ssl"/);
  });

  it('--nginx prints only what nginx -t would print', async () => {
    const { out } = await runCli(['lint', '--nginx', example('broken.conf')]);
    expect(out.trim().split('\n')[0]).toMatch(/broken\.conf:6:5 {2}error {2}invalid port in auth_http/);
    expect(out.split('\n').filter((l) => l.includes('  error  '))).toHaveLength(1);
  });

  it('--nginx with several files: the first error of each, as nginx -t -c FILE would print it', async () => {
    const second = path.join(tmp, 'second-broken.conf');
    fs.writeFileSync(second, 'events {}\nstream {\n    server {\n        return ok;\n    }\n}\n');
    const { out } = await runCli(['lint', '--nginx', example('broken.conf'), example('mail.conf'), second]);
    const errors = out.split('\n').filter((l) => l.includes('  error  '));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/broken\.conf:6:5 {2}error {2}invalid port in auth_http/);
    expect(errors[1]).toMatch(/second-broken\.conf:3:\d+ {2}error {2}no "listen" is defined for server/);
  });

  it('--fix inserts the missing ";", removes the repeated listen, turns "ssl on" into "listen ... ssl"', async () => {
    const f = path.join(tmp, 'fixable.conf');
    fs.copyFileSync(fx('fixable.conf'), f);
    fs.chmodSync(f, 0o640);
    const r = await runCli(['lint', '--fix', '--nginx-version', '1.22.1', f]);
    const text = fs.readFileSync(f, 'utf8');
    expect(text).toContain('timeout 5s;\n');
    expect(text.match(/listen 110;/g)).toHaveLength(1);
    expect(text).toContain('listen 993 ssl;');
    expect(text).not.toContain('ssl on');
    expect(text).toContain('protocol pop3;');
    expect(fs.statSync(f).mode & 0o777).toBe(0o640);
    expect(r.out).not.toMatch(/ error /);
    expect(r.code).toBe(0);
    if (hasNginx) expect(runOracle([f])[0]!.ok).toBe(true);
  });

  it('--fix on a symbolic link rewrites the file it points to and leaves the link a link', async () => {
    const target = path.join(tmp, 'fixable-target.conf');
    const link = path.join(tmp, 'fixable-link.conf');
    fs.copyFileSync(fx('fixable.conf'), target);
    fs.symlinkSync(target, link);
    const r = await runCli(['lint', '--fix', '--nginx-version', '1.22.1', link]);
    expect(r.code).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(target, 'utf8')).toContain('listen 993 ssl;');
    // No temporary file left beside it.
    expect(fs.readdirSync(tmp).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('mailconf lint --fix on hand-listed capabilities', () => {
  it('removes the items nginx adds itself while others remain, and leaves the list alone when none would or a comment is in the way', async () => {
    const f = path.join(tmp, 'capabilities.conf');
    fs.copyFileSync(fx('capabilities.conf'), f);
    const before = await runCli(['lint', '--nginx-version', '1.22.1', f]);
    expect(before.out.match(/capability-set-by-nginx/g)).toHaveLength(6);
    await runCli(['lint', '--fix', '--nginx-version', '1.22.1', f]);
    const text = fs.readFileSync(f, 'utf8');
    expect(text).toContain('imap_capabilities IMAP4rev1 IDLE;\n');
    expect(text).toContain('smtp_capabilities "AUTH PLAIN LOGIN";');
    expect(text).toContain('imap_capabilities STARTTLS LOGINDISABLED;');
    expect(text).toContain('imap_capabilities IMAP4rev1 # what the backend has\n            STARTTLS;');
    const after = await runCli(['lint', '--nginx-version', '1.22.1', f]);
    expect(after.out.match(/capability-set-by-nginx/g)).toHaveLength(4);
    if (hasNginx) expect(runOracle([f])[0]!.ok).toBe(true);
  });
});

describe('mailconf parse', () => {
  it('crossplane payload with includes and comments', async () => {
    const { out, code } = await runCli(['parse', '--format', 'json', '--comments', fx('with-include.conf')]);
    expect(code).toBe(0);
    const p = JSON.parse(out);
    expect(p.status).toBe('ok');
    expect(p.config).toHaveLength(2);
    const mail = p.config[0].parsed[1];
    expect(mail.directive).toBe('mail');
    expect(mail.block[0]).toMatchObject({ directive: 'include', args: ['with-include.d/*.conf'], includes: [1] });
    const server = p.config[1].parsed[1];
    expect(server.block.map((d: { directive: string }) => d.directive)).toEqual(['listen', 'protocol', '#', 'server_name']);
    expect(server.block[2].comment).toBe(' a comment "with quotes"');
    expect(server.block[3].args).toEqual(['imap.example.org']);
  });

  it('syntax errors: file:line:col lines and exit 1', async () => {
    const f = path.join(tmp, 'bad.conf');
    fs.writeFileSync(f, 'events {}\nmail {\n    server_name x\n}\n');
    const r = await runCli(['parse', f]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/bad\.conf:4:1: unexpected "}"/);
  });
});

describe('mailconf explain', () => {
  it('shows where each effective value comes from', async () => {
    const { out, code } = await runCli(['explain', example('mail.conf')]);
    expect(code).toBe(0);
    expect(out).toMatch(/server #1 .*: imap \(inferred from port 143\) on 0\.0\.0\.0:143/);
    expect(out).toMatch(/starttls\s+only\s+\[server .*mail\.conf:26\]/);
    expect(out).toMatch(/auth_http\s+127\.0\.0\.1:9000\/auth\s+\[mail \{\} .*mail\.conf:13\]/);
  });
});

describe('mailconf lint options and configuration files, as a review found them', () => {
  const warn = 'events {}\nmail {\n    auth_http 127.0.0.1:9000/auth;\n    server {\n        listen 143;\n        protocol imap;\n    }\n}\n';

  it('refuses a configuration file whose context or version it would not take on the command line', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'badcfg-'));
    const conf = path.join(dir, 'x.conf');
    fs.copyFileSync(example('broken.conf'), conf);
    for (const [cfg, said] of [
      ['{"context": "nope"}', /"context" must be one of/],
      ['{"nginxVersion": "banana"}', /"nginxVersion" must be a version/],
      ['[]', /expected a JSON object/],
      ['{"rules": ["off"]}', /"rules" must be an object/],
    ] as const) {
      fs.writeFileSync(path.join(dir, '.mailconfrc.json'), cfg);
      const r = await runCli(['lint', conf]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(said);
    }
  });

  it('finds each file\'s own configuration file, whatever the order of the files', async () => {
    const a = fs.mkdtempSync(path.join(tmp, 'cfg-a-'));
    const b = fs.mkdtempSync(path.join(tmp, 'cfg-b-'));
    fs.writeFileSync(path.join(a, '.mailconfrc.json'), '{"rules": {"plaintext-auth-without-tls": "off"}}');
    fs.writeFileSync(path.join(a, 'w.conf'), warn);
    fs.writeFileSync(path.join(b, 'w.conf'), warn);
    for (const order of [
      [path.join(a, 'w.conf'), path.join(b, 'w.conf')],
      [path.join(b, 'w.conf'), path.join(a, 'w.conf')],
    ]) {
      const { out } = await runCli(['lint', '--format', 'json', ...order]);
      const files = (JSON.parse(out) as { file: string; ruleId: string }[]).filter((d) => d.ruleId === 'plaintext-auth-without-tls').map((d) => d.file);
      expect(files).toEqual([path.join(b, 'w.conf')]);
    }
  });

  it('refuses an unknown rule or a malformed level in --rule, and applies levels to syntax problems too', async () => {
    const f = path.join(tmp, 'levels.conf');
    fs.writeFileSync(f, 'events {}\nmail {\n    timeout 5s\n}\n');
    expect((await runCli(['lint', '--rule', 'no-such-rule=off', f])).code).toBe(2);
    expect((await runCli(['lint', '--rule', 'weak-ssl-protocols=off=x', f])).code).toBe(2);
    const on = await runCli(['lint', '--format', 'json', f]);
    expect((JSON.parse(on.out) as { ruleId: string }[]).some((d) => d.ruleId === 'syntax')).toBe(true);
    const off = await runCli(['lint', '--format', 'json', '--rule', 'syntax=off', f]);
    expect((JSON.parse(off.out) as { ruleId: string }[]).some((d) => d.ruleId === 'syntax')).toBe(false);
    const lowered = await runCli(['lint', '--format', 'json', '--rule', 'syntax=warning', f]);
    expect((JSON.parse(lowered.out) as { ruleId: string; severity: string }[]).filter((d) => d.ruleId === 'syntax').map((d) => d.severity)).toEqual(['warning']);
  });

  it('takes only a whole number for --max-warnings', async () => {
    for (const v of ['', '1.5', '0x4', 'Infinity', '-1']) expect((await runCli(['lint', '--max-warnings', v, example('mail.conf')])).code).toBe(2);
    expect((await runCli(['lint', '--max-warnings', '10', example('mail.conf')])).code).toBe(0);
  });

  it('shows the files it can read when another cannot be read, and exits 2', async () => {
    const f = path.join(tmp, 'readable.conf');
    fs.writeFileSync(f, warn);
    const r = await runCli(['lint', f, path.join(tmp, 'nope.conf')]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/readable\.conf:5:9 {2}warning/);
    expect(r.err).toMatch(/cannot read .*nope\.conf: no such file/);
  });

  it('json gives the line and column stylish gives, for a statement over several lines', async () => {
    const f = path.join(tmp, 'multi-line-json.conf');
    fs.writeFileSync(f, 'events {}\nmail {\n    auth_http 127.0.0.1:9000/auth;\n    server {\n        listen 143;\n        protocol imap;\n        pop3_auth bogus\n            plain;\n    }\n}\n');
    const stylishOut = (await runCli(['lint', f])).out;
    const fromStylish = [...stylishOut.matchAll(/multi-line-json\.conf:(\d+):(\d+) {2}\w+ {2}.* {2}([\w-]+)\n/g)].map((m) => `${m[1]}:${m[2]} ${m[3]}`);
    const fromJson = (JSON.parse((await runCli(['lint', '--format', 'json', f])).out) as { line: number; column: number; ruleId: string }[]).map((d) => `${d.line}:${d.column} ${d.ruleId}`);
    expect(fromJson).toEqual(fromStylish);
    expect(fromJson.length).toBeGreaterThan(1);
  });

  it('sarif: relative URIs percent-encoded, columns said to count UTF-16 code units', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'sarif-'));
    fs.writeFileSync(path.join(dir, 'h#q? 100%.conf'), warn);
    const { out } = await runCli(['lint', '--format', 'sarif', 'h#q? 100%.conf'], { cwd: dir });
    const run = JSON.parse(out).runs[0];
    expect(run.columnKind).toBe('utf16CodeUnits');
    const uri = run.results[0].locations[0].physicalLocation.artifactLocation.uri as string;
    expect(uri).toBe('h%23q%3F%20100%25.conf');
    expect(decodeURIComponent(uri)).toBe('h#q? 100%.conf');
  });
});
