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
import { getProfile } from '@mailconf/schema';

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
