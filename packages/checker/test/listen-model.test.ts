/**
 * What the model holds for a listen's so_keepalive parameters: nginx keeps the three tunables
 * in the listen, so each parameter adds to what the earlier ones set (the verdicts of these
 * configs are checked against nginx in fixtures/rules/listen-syntax).
 */
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '@mailconf/syntax';
import { checkConfigSet, type SoKeepalive } from '@mailconf/checker';

function keepalive(params: string): SoKeepalive | null {
  const text = `events {}\nmail {\n    auth_http 127.0.0.1:9000/auth;\n    server {\n        listen 143 ${params};\n        protocol imap;\n    }\n}\n`;
  const { diagnostics, model } = checkConfigSet(loadConfigText(text, '/m/nginx.conf', {}), { nginxVersion: '1.22.1' });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return model.servers[0]!.listens[0]!.soKeepalive;
}

describe('so_keepalive in the model', () => {
  it('one parameter', () => {
    expect(keepalive('so_keepalive=on')).toEqual({ mode: 'on' });
    expect(keepalive('so_keepalive=off')).toEqual({ mode: 'off' });
    expect(keepalive('so_keepalive=30m::10')).toEqual({ mode: 'tune', idle: 1800, interval: null, count: 10 });
  });
  it('later parameters add to the tunables of earlier ones', () => {
    expect(keepalive('so_keepalive=30m::10 so_keepalive=::0')).toEqual({ mode: 'tune', idle: 1800, interval: null, count: 0 });
    expect(keepalive('so_keepalive=30m so_keepalive=:1m')).toEqual({ mode: 'tune', idle: 1800, interval: 60, count: null });
  });
  it('on keeps the tunables set before it; off turns keepalive off', () => {
    expect(keepalive('so_keepalive=30m so_keepalive=on')).toEqual({ mode: 'tune', idle: 1800, interval: null, count: null });
    expect(keepalive('so_keepalive=30m so_keepalive=off')).toEqual({ mode: 'off' });
  });
});

describe('a listen host name in the model', () => {
  const text = `events {}\nmail {\n    auth_http 127.0.0.1:9000/auth;\n    server {\n        listen mail.example.org:143;\n        listen any.example.org:110;\n        protocol imap;\n    }\n}\n`;
  const answers: Record<string, readonly string[]> = { 'mail.example.org': ['2001:db8:0:0::10', '192.0.2.10', '192.0.2.10'], 'any.example.org': ['0.0.0.0'] };
  const listens = (resolveHost?: (host: string) => readonly string[] | boolean | undefined) =>
    checkConfigSet(loadConfigText(text, '/m/nginx.conf', {}), { nginxVersion: '1.23.3', resolveHost }).model.servers[0]!.listens.map((l) => [l.address.text, l.wildcard]);

  it('stands for its own address when its addresses are not known', () => {
    expect(listens()).toEqual([
      ['mail.example.org:143', false],
      ['any.example.org:110', false],
    ]);
    expect(listens(() => true)).toEqual(listens());
  });

  it('is the addresses it resolves to, each once, written as nginx writes them, a wildcard among them', () => {
    expect(listens((host) => answers[host])).toEqual([
      ['[2001:db8::10]:143', false],
      ['192.0.2.10:143', false],
      ['0.0.0.0:110', true],
    ]);
  });
});
