/**
 * The model's per-server settings: each from the server's own statements, else mail {}'s,
 * else the default; lists from every statement; the same text read the same in every server.
 */
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '@mailconf/syntax';
import { checkConfigSet } from '@mailconf/checker';

function model(body: string) {
  const text = `events {}\nmail {\n    auth_http 127.0.0.1:9000/auth;\n${body}\n}\n`;
  return checkConfigSet(loadConfigText(text, '/m/nginx.conf', {}), { nginxVersion: '1.22.1' }).model;
}

describe('server settings', () => {
  it('own, inherited from mail {}, or the default, with where each came from', () => {
    const m = model(`    timeout 20s;
    server { listen 10143; protocol imap; timeout 5s; proxy_timeout 30m; }
    server { listen 10144; protocol imap; }`);
    const [a, b] = m.servers;
    expect([a!.settings.timeout.value, a!.settings.timeout.origin, a!.settings.timeout.directive?.line]).toEqual([5000, 'server', 5]);
    expect([b!.settings.timeout.value, b!.settings.timeout.origin, b!.settings.timeout.directive?.line]).toEqual([20000, 'mail', 4]);
    expect([b!.settings.proxy_timeout.value, b!.settings.proxy_timeout.origin, b!.settings.proxy_timeout.directive]).toEqual([24 * 3600 * 1000, 'default', null]);
    expect(a!.settings.proxy_timeout.value).toBe(30 * 60 * 1000);
  });

  it('the last of several statements wins; list directives collect them all', () => {
    const m = model(`    server {
        listen 10143; protocol imap;
        imap_capabilities IMAP4rev1;
        imap_capabilities IDLE "SORT THREAD";
        imap_auth plain;
        imap_auth login cram-md5;
    }`);
    const s = m.servers[0]!.settings;
    expect(s.imap_capabilities.value).toEqual(['IMAP4rev1', 'IDLE', 'SORT THREAD']);
    expect(s.imap_auth.value).toEqual(['plain', 'login', 'cram-md5']);
    expect(s.imap_capabilities.directive?.line).toBe(7);
  });

  it('the same text gives equal values in every server, and other text its own', () => {
    const m = model([1, 2, 3].map((i) => `    server { listen ${10140 + i}; protocol imap; proxy_timeout ${i === 3 ? '45m' : '10m'}; smtp_auth login; }`).join('\n'));
    const v = m.servers.map((s) => s.settings.proxy_timeout.value);
    expect(v).toEqual([600000, 600000, 2700000]);
    expect(m.servers.map((s) => s.settings.proxy_timeout.directive?.line)).toEqual([4, 5, 6]);
    expect(m.servers[0]!.settings.smtp_auth.value).toEqual(['login']);
  });

  it('statements nginx rejects before reading their value are not settings', () => {
    // Two arguments: an arity error, so the statement never sets anything.
    const m = model('    server { listen 10143; protocol imap; timeout 5s; timeout 1s 2s; }');
    expect(m.servers[0]!.settings.timeout.value).toBe(5000);
  });
});
