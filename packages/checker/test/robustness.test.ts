/**
 * Generated mail configurations, well-formed or not, with values rules read in their own way
 * (capability lists, cipher strings, listen parameters, times): the checker never throws, its
 * diagnostics point inside the text in sorted order, and its fixes never add a syntax error
 * and come to an end (fixing one problem may let nginx read on and find others: those count).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadConfigText } from '@mailconf/syntax';
import { applyFixes, checkConfigSet, compareByPosition } from '@mailconf/checker';
import { getProfile, type ContextId } from '@mailconf/schema';

const profile = getProfile('1.22.1');
const names = [...new Set([...profile.namesIn('mail'), ...profile.namesIn('mail:server')])].sort();
const values = [
  'on', 'off', 'only', '10m', '30s', '0', '-1', 'x', '""', '"a b"', '143', '993', '587', '127.0.0.1:25', '[::1]:110', '[::]:995', 'unix:/tmp/m.sock',
  'ssl', 'proxy_protocol', 'bind', 'backlog=10', 'so_keepalive=on', 'so_keepalive=1m::3', 'ipv6only=on', 'imap', 'pop3', 'smtp', 'none', 'plain', 'login', 'cram-md5',
  'STARTTLS', 'IMAP4rev1', '"AUTH=PLAIN IDLE"', 'AUTH=LOGIN', '"SASL PLAIN"', 'STLS', '"AUTH LOGIN"', 'LOGINDISABLED',
  'HIGH:!aNULL:!MD5', 'RC4-SHA:DES-CBC3-SHA', 'kEDH+3DES:!3DES', 'ADH', 'TLSv1', 'TLSv1.2', 'SSLv3', '10.0.0.0/8', 'valid=30s',
  '127.0.0.1:9000/auth', 'http://[::1]/auth', '/etc/ssl/m.pem', 'shared:SSL:10m', 'builtin:1000', '\\', '$x', '${y}',
];
const statement = fc.tuple(fc.constantFrom(...names), fc.array(fc.constantFrom(...values), { maxLength: 3 }), fc.constantFrom(';', ';', ';', ' {}', '')).map(([n, a, t]) => `${[n, ...a].join(' ')}${t}`);
const server = fc.array(statement, { maxLength: 6 }).map((s) => `    server {\n${s.map((x) => `        ${x}\n`).join('')}    }\n`);
const config = fc
  .tuple(fc.array(statement, { maxLength: 4 }), fc.array(server, { minLength: 1, maxLength: 3 }), fc.boolean())
  .map(([top, servers, events]) => `${events ? 'events {}\n' : ''}mail {\n${top.map((x) => `    ${x}\n`).join('')}${servers.join('')}}\n`);

function check(text: string) {
  const set = loadConfigText(text, '/m/nginx.conf', {});
  return { set, result: checkConfigSet(set, { nginxVersion: '1.22.1' }) };
}

describe('checker robustness on generated mail configurations', () => {
  it('never throws; diagnostics lie in the text, sorted; fixes add no syntax error and settle', () => {
    fc.assert(
      fc.property(config, (original) => {
        let text = original;
        let ds = check(text).result.diagnostics;
        const syntaxErrors = (list: typeof ds) => list.filter((d) => d.ruleId === 'syntax').length;
        for (let round = 0; ; round++) {
          for (const d of ds) {
            expect(d.line).toBeGreaterThanOrEqual(1);
            expect(d.range.start.offset).toBeLessThanOrEqual(d.range.end.offset);
            expect(d.range.end.offset).toBeLessThanOrEqual(text.length);
          }
          for (let i = 1; i < ds.length; i++) expect(compareByPosition(ds[i - 1]!, ds[i]!)).toBeLessThanOrEqual(0);
          const { texts, applied } = applyFixes(new Map([['/m/nginx.conf', text]]), ds);
          if (!applied) break;
          // mailconf lint --fix goes five rounds: fixes must be done by then.
          expect(round).toBeLessThan(5);
          text = texts.get('/m/nginx.conf')!;
          const next = check(text).result.diagnostics;
          expect(syntaxErrors(next)).toBeLessThanOrEqual(syntaxErrors(ds));
          ds = next;
        }
      }),
      { numRuns: Number(process.env.MAILCONF_RUNS ?? 400), seed: Number(process.env.MAILCONF_SEED ?? 20261126) },
    );
  });
});

/**
 * Every directive the schema knows, in every context that takes it, written as people leave a
 * line while typing or editing: no argument, an empty one, one or two words, without `;`, cut
 * short by the block's `}` or followed by more statements, and in blocks with TLS listens (so the
 * certificate, verification and cipher checks run on them). The checker must report, never
 * throw: a language server checks every keystroke's text. (A sweep found ten ways it threw.)
 */
const AT_END: Record<string, (s: string) => string> = {
  main: (s: string) => `events {}\n${s}`,
  events: (s: string) => `events {\n${s}\n}\n`,
  mail: (s: string) => `events {}\nmail {\n auth_http 127.0.0.1:9/a;\n server { listen 465 ssl; protocol smtp; ssl_certificate /a; ssl_certificate_key /b; }\n${s}\n}\n`,
  'mail:server': (s: string) => `events {}\nmail {\n auth_http 127.0.0.1:9/a;\n server { listen 465 ssl; protocol smtp;\n${s}\n }\n}\n`,
  http: (s: string) => `events {}\nhttp {\n server { listen 443 ssl; }\n${s}\n}\n`,
  'http:server': (s: string) => `events {}\nhttp {\n upstream u { server 127.0.0.1; }\n server { listen 443 ssl; location / { proxy_pass https://u; }\n${s}\n }\n}\n`,
  'http:location': (s: string) => `events {}\nhttp {\n server { listen 443 ssl; location / { proxy_pass https://127.0.0.1;\n${s}\n } }\n}\n`,
  'http:if-server': (s: string) => `events {}\nhttp {\n server { if ($a) {\n${s}\n } }\n}\n`,
  'http:if-location': (s: string) => `events {}\nhttp {\n server { location / { if ($a) {\n${s}\n } } }\n}\n`,
  'http:limit_except': (s: string) => `events {}\nhttp {\n server { location / { proxy_pass https://127.0.0.1; limit_except GET {\n${s}\n } } }\n}\n`,
  'http:upstream': (s: string) => `events {}\nhttp {\n server { location / { proxy_pass https://u; } }\n upstream u { server 127.0.0.1;\n${s}\n }\n}\n`,
  stream: (s: string) => `events {}\nstream {\n server { listen 443 ssl; proxy_pass 127.0.0.1:1; }\n${s}\n}\n`,
  'stream:server': (s: string) => `events {}\nstream {\n upstream u { server 127.0.0.1:1; }\n server { listen 443 ssl; proxy_pass u;\n${s}\n }\n}\n`,
  'stream:upstream': (s: string) => `events {}\nstream {\n server { listen 1; proxy_pass u; }\n upstream u { server 127.0.0.1:1;\n${s}\n }\n}\n`,
};
const BEFORE_MORE: Record<string, (s: string) => string> = {
  main: (s: string) => `${s}\nevents {}\n`,
  events: (s: string) => `events {\n${s}\n}\n`,
  mail: (s: string) => `events {}\nmail {\n auth_http 127.0.0.1:9/a;\n${s}\n server { listen 465 ssl; protocol smtp; ssl_certificate /a; ssl_certificate_key /b; }\n}\n`,
  'mail:server': (s: string) => `events {}\nmail {\n auth_http 127.0.0.1:9/a;\n server { listen 465 ssl; protocol smtp;\n${s}\n }\n}\n`,
  http: (s: string) => `events {}\nhttp {\n${s}\n server { listen 443 ssl; }\n}\n`,
  'http:server': (s: string) => `events {}\nhttp {\n server { listen 443 ssl;\n${s}\n location / { proxy_pass https://u; } }\n upstream u { server 127.0.0.1; }\n}\n`,
  'http:location': (s: string) => `events {}\nhttp {\n server { listen 443 ssl; location / {\n${s}\n proxy_pass https://127.0.0.1; } }\n}\n`,
  'http:if-server': (s: string) => `events {}\nhttp {\n server { if ($a) {\n${s}\n } }\n}\n`,
  'http:if-location': (s: string) => `events {}\nhttp {\n server { location / { if ($a) {\n${s}\n } } }\n}\n`,
  'http:limit_except': (s: string) => `events {}\nhttp {\n server { location / { limit_except GET {\n${s}\n } proxy_pass https://127.0.0.1; } }\n}\n`,
  'http:upstream': (s: string) => `events {}\nhttp {\n upstream u {\n${s}\n server 127.0.0.1; }\n server { location / { proxy_pass https://u; } }\n}\n`,
  stream: (s: string) => `events {}\nstream {\n${s}\n server { listen 443 ssl; proxy_pass 127.0.0.1:1; }\n}\n`,
  'stream:server': (s: string) => `events {}\nstream {\n server { listen 443 ssl;\n${s}\n proxy_pass u; }\n upstream u { server 127.0.0.1:1; }\n}\n`,
  'stream:upstream': (s: string) => `events {}\nstream {\n upstream u {\n${s}\n server 127.0.0.1:1; }\n server { listen 1; proxy_pass u; }\n}\n`,
};
;

describe('every directive cut short, in every context', () => {
  for (const version of ['1.22.1', '1.29.8']) {
    it(`never throws (nginx ${version})`, () => {
      const p = getProfile(version);
      const thrown: string[] = [];
      let n = 0;
      for (const [context, wrap] of [...Object.entries(AT_END), ...Object.entries(BEFORE_MORE)]) {
        for (const name of p.namesIn(context as ContextId)) {
          const forms = p.allowedIn(name, context as ContextId)?.block
            ? [`${name} {\n}`, `${name} x {\n}`, `${name} x y {\n}`, name, `${name} ""`]
            : [`${name};`, `${name} "";`, `${name} x;`, `${name} x y;`, name, `${name} x`, `${name} "" "";`, `${name} = x;`];
          for (const form of forms) {
            n++;
            try {
              const set = loadConfigText(wrap(form), '/m/nginx.conf', { followIncludes: false });
              checkConfigSet(set, { nginxVersion: version });
              checkConfigSet(set, { nginxVersion: version, checkFiles: true });
            } catch (err) {
              thrown.push(`${context}: ${JSON.stringify(form)}: ${(err as Error).message}`);
            }
          }
        }
      }
      expect(thrown).toEqual([]);
      expect(n).toBeGreaterThan(20_000);
    }, 60_000);
  }
});
