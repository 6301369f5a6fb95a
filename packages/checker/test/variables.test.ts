/**
 * The variables rule's readers: nginx's script grammar (scanScript), the named groups of a
 * regex (namedCaptures), and what the rule does where it cannot see a whole configuration.
 * The rule's nginx checks themselves are fixtures (fixtures/rules/variables), confirmed by
 * the oracle.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, loadConfigText } from '@mailconf/syntax';
import { checkConfigSet, type CheckOptions } from '@mailconf/checker';
import { namedCaptures } from '../src/variables/references.js';
import { scanScript } from '../src/variables/script.js';

const names = (value: string, log = false) => scanScript(value, log).variables.map((v) => v.name);
const messages = (text: string, options: CheckOptions = {}) =>
  checkConfigSet(loadConfigText(text, 'test.conf'), { nginxVersion: '1.22.1', ...options })
    .diagnostics.filter((d) => d.ruleId === 'variables')
    .map((d) => `${d.line}: ${d.message}`);

describe('scanScript', () => {
  it('reads $name, ${name}, and one digit as a capture', () => {
    expect(names('$scheme://$host${request_uri}x')).toEqual(['scheme', 'host', 'request_uri']);
    // $12 is capture 1 then the text "2"; $0 and ${1} are variables.
    expect(names('/$12/$0/${1}/$a_b9')).toEqual(['0', '1', 'a_b9']);
    expect(names('no variables')).toEqual([]);
    expect(scanScript('$host').variables[0]!.at).toBe(0);
    expect(scanScript('a ${host}').variables[0]!.at).toBe(2);
  });
  it('gives nginx error for a $ without a name, and for a bracket left open', () => {
    expect(scanScript('costs $ 5').error).toBe('invalid variable name');
    expect(scanScript('end $').error).toBe('invalid variable name');
    expect(scanScript('${}').error).toBe('invalid variable name');
    expect(scanScript('$$x').error).toBe('invalid variable name');
    expect(scanScript('${foo-bar}').error).toBe('the closing bracket in "foo" variable is missing');
    expect(scanScript('$a ${foo').error).toBe('the closing bracket in "foo" variable is missing');
    // The variables before the error were indexed already.
    expect(scanScript('$a ${foo').variables.map((v) => v.name)).toEqual(['a']);
  });
  it("log_format's reader: no captures, and its own message", () => {
    expect(names('$remote_addr $1', true)).toEqual(['remote_addr', '1']);
    expect(scanScript('"$request" $', true).error).toBe('invalid parameter "$"');
    expect(scanScript('a $ b', true).error).toBe('invalid parameter "$ b"');
  });
});

describe('namedCaptures', () => {
  it("PCRE's three spellings of a named group", () => {
    expect(namedCaptures('^/(?<user>[^/]+)/(?P<page>\\d+)/(?\'tab\'\\w+)$')).toEqual(['user', 'page', 'tab']);
  });
  it('lookbehinds, escaped parentheses and character classes are not groups', () => {
    expect(namedCaptures('(?<=a)(?<!b)\\(?<no>x\\)[(?<no2>)](?<yes>y)')).toEqual(['yes']);
    expect(namedCaptures('[]a(?<in>b)]')).toEqual([]);
    expect(namedCaptures('(?:x)(?i)abc')).toEqual([]);
  });
  it('\\Q...\\E quotes, (?#...) comments', () => {
    expect(namedCaptures('\\Q(?<quoted>x)\\E(?<after>y)')).toEqual(['after']);
    expect(namedCaptures('(?# (?<commented>x) )(?<real>y)')).toEqual(['real']);
  });
});

describe('what the rule can see', () => {
  it('a fragment (--context http) gets the local checks, not "unknown"', () => {
    const text = 'server {\n    listen 8080;\n    set $host example.com;\n    return 200 "$defined_elsewhere ${open";\n}\n';
    expect(messages(text, { context: 'http' })).toEqual(['3: the duplicate "host" variable', '4: the closing bracket in "open" variable is missing']);
  });
  it('no "unknown" while an include is missing: the file could define the name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-variables-'));
    const main = path.join(dir, 'nginx.conf');
    const body = 'events {}\nhttp {\n    include %s;\n    server { listen 8080; return 200 $from_include; }\n}\n';
    fs.writeFileSync(path.join(dir, 'maps.conf'), 'map $host $from_include { default x; }\n');
    fs.writeFileSync(main, body.replace('%s', 'maps.conf'));
    const check = () => checkConfigSet(loadConfigFile(main), { nginxVersion: '1.22.1' }).diagnostics.filter((d) => d.ruleId === 'variables');
    expect(check()).toEqual([]);
    fs.writeFileSync(main, body.replace('%s', 'missing.conf'));
    expect(check()).toEqual([]);
    fs.writeFileSync(main, body.replace('%s', 'maps.conf').replace('$from_include', '$typo_include'));
    expect(check().map((d) => d.message)).toEqual(['unknown "typo_include" variable']);
  });
  it('a value set only at http level is compiled (and checked) when a server merges it', () => {
    expect(messages('events {}\nhttp {\n    proxy_set_header X $nope;\n}\n')).toEqual([]);
    expect(messages('events {}\nhttp {\n    proxy_set_header X $nope;\n    server { listen 8080; }\n}\n')).toEqual(['3: unknown "nope" variable']);
  });
  it('versions: $request_port from 1.29.3, proxy_limit_rate takes variables from 1.27.0', () => {
    const port = 'events {}\nhttp {\n    server { listen 8080; return 200 $request_port; }\n}\n';
    expect(messages(port, { nginxVersion: '1.29.2' })).toEqual(['3: unknown "request_port" variable (a variable of nginx 1.29.3 and later)']);
    expect(messages(port, { nginxVersion: '1.29.3' })).toEqual([]);
    const rate = 'events {}\nhttp {\n    server { listen 8080; proxy_limit_rate $nope; }\n}\n';
    expect(messages(rate, { nginxVersion: '1.27.0' })).toEqual(['3: unknown "nope" variable']);
    expect(messages(rate, { nginxVersion: '1.26.0' })).toEqual([]);
  });
});
