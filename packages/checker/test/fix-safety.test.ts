/**
 * `lint --fix` applies fixes with nobody looking, so a fix is offered only where it cannot lose
 * or change what a person meant. Each case here is one a fuzzing review found going wrong (a
 * statement, a comment or a server's only listen lost; a value the server inherits changed): the
 * fix is now withheld, while the plain cases keep theirs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile, loadConfigText } from '@mailconf/syntax';
import { checkConfigSet, type Diagnostic } from '@mailconf/checker';

const HEAD = 'events {}\nmail {\n    auth_http 127.0.0.1:9000/auth;\n';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-fix-safety-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function check(text: string): Diagnostic[] {
  return checkConfigSet(loadConfigText(text, path.join(dir, 'nginx.conf')), { nginxVersion: '1.22.1' }).diagnostics;
}
const fixesOf = (ds: Diagnostic[], rule: string) => ds.filter((d) => d.ruleId === rule).map((d) => !!d.fix);

describe('fixes withheld where they could lose something', () => {
  it('a listen repeated in the same server is removed; in another server, where it may be the only one, it is not', () => {
    const same = check(`${HEAD}    server {\n        listen 143;\n        listen 143;\n        protocol imap;\n    }\n}\n`);
    expect(fixesOf(same, 'duplicate-listen')).toEqual([true]);
    const other = check(`${HEAD}    server {\n        listen 143;\n        protocol imap;\n    }\n    server {\n        listen 143;\n        listen 10025;\n    }\n}\n`);
    expect(fixesOf(other, 'duplicate-listen')).toEqual([false]);
  });

  it('nothing is fixed in a file included twice: its one text stands in both places', () => {
    const inc = path.join(dir, 'twice.inc');
    fs.writeFileSync(inc, 'listen 10144;\n');
    const main = path.join(dir, 'twice.conf');
    fs.writeFileSync(main, `${HEAD}    server {\n        protocol imap;\n        include ${inc};\n        include ${inc};\n    }\n}\n`);
    const ds = checkConfigSet(loadConfigFile(main), { nginxVersion: '1.22.1' }).diagnostics;
    expect(fixesOf(ds, 'duplicate-listen')).toEqual([false]);
  });

  it('a statement that swallowed the next one (a ";" forgotten) is not rewritten: ssl_protocols', () => {
    const swallowed = check(`${HEAD}    ssl_protocols TLSv1 TLSv1.2\n    ssl_certificate /etc/ssl/a.pem;\n    server {\n        listen 143;\n        protocol imap;\n    }\n}\n`);
    expect(swallowed.filter((d) => d.fix).map((d) => d.ruleId)).not.toContain('weak-ssl-protocols');
    const whole = check(`${HEAD}    ssl_protocols TLSv1 TLSv1.2;\n    server {\n        listen 143;\n        protocol imap;\n    }\n}\n`);
    expect(fixesOf(whole, 'weak-ssl-protocols')).toEqual([true]);
  });

  it('a statement with a comment inside is not rewritten or removed', () => {
    const ds = check(`${HEAD}    ssl_protocols TLSv1 # legacy clients\n        TLSv1.2;\n    server {\n        listen 143;\n        protocol imap;\n    }\n}\n`);
    expect(fixesOf(ds, 'weak-ssl-protocols')).toEqual([false]);
  });

  it('a value is not "the default" when what the server inherits does not read, nor when the block sets it twice', () => {
    // mail {}'s timeout swallowed the next statement: the server's 1m is not known to repeat anything.
    const unknown = check(`${HEAD}    timeout 5s\n    resolver off;\n    server {\n        listen 10143;\n        protocol imap;\n        timeout 1m;\n    }\n}\n`);
    expect(unknown.filter((d) => d.ruleId === 'redundant-default')).toEqual([]);
    const twice = check(`${HEAD}    starttls only;\n    starttls off;\n    server {\n        listen 10143;\n        protocol imap;\n    }\n}\n`);
    expect(twice.filter((d) => d.ruleId === 'redundant-default')).toEqual([]);
    const plain = check(`${HEAD}    timeout 60s;\n    server {\n        listen 10143;\n        protocol imap;\n    }\n}\n`);
    expect(fixesOf(plain, 'redundant-default')).toEqual([true]);
  });

  it('"ssl on" is not moved onto the listens when one of them is in an included file', () => {
    const inc = path.join(dir, 'listen.inc');
    fs.writeFileSync(inc, 'listen 994;\n');
    const main = path.join(dir, 'ssl-on.conf');
    const body = (extra: string) =>
      `${HEAD}    ssl_certificate /etc/ssl/a.pem;\n    ssl_certificate_key /etc/ssl/a.key;\n    server {\n${extra}        listen 993;\n        protocol imap;\n        ssl on;\n    }\n}\n`;
    fs.writeFileSync(main, body(`        include ${inc};\n`));
    expect(fixesOf(checkConfigSet(loadConfigFile(main), { nginxVersion: '1.22.1' }).diagnostics, 'ssl-directive-deprecated')).toEqual([false]);
    fs.writeFileSync(main, body(''));
    expect(fixesOf(checkConfigSet(loadConfigFile(main), { nginxVersion: '1.22.1' }).diagnostics, 'ssl-directive-deprecated')).toEqual([true]);
  });

  it('the missing ";" is still inserted, though its statement is the broken one', () => {
    const ds = check(`${HEAD}    timeout 5s\n    resolver off;\n    server {\n        listen 10143;\n        protocol imap;\n    }\n}\n`);
    expect(ds.filter((d) => d.fix).map((d) => d.ruleId)).toContain('argument-count');
  });
});
