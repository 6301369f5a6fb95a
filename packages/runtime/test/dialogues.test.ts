/**
 * Runs every dialogue fixture (fixtures/runtime/dialogues/**.dlg) against the proxy with a
 * fake auth server and backends: each line the client must receive, the auth request it
 * causes, what the backend hears, the error-log lines, and when the proxy closes. After
 * each dialogue: every connection was let go (no session, socket or descriptor left
 * behind) and the server still greets a new client.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TestClient } from './helpers/client.js';
import { parseDialogue, type Step } from './helpers/dialogue.js';
import { defaultPolicy, startWorld, type Policy, type World } from './helpers/world.js';
import { expectReleased, resources } from './helpers/leaks.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = path.join(root, 'fixtures/runtime/dialogues');

function walk(d: string): string[] {
  return fs
    .readdirSync(d, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.dlg') ? [path.join(d, e.name)] : []))
    .sort();
}

const ok = (port: number, extra: Record<string, string> = {}) => ({ headers: { 'Auth-Status': 'OK', 'Auth-Server': '127.0.0.1', 'Auth-Port': port, ...extra } });

/** Auth server behaviours a fixture can ask for with `policy <name>`. */
const POLICIES: Record<string, Policy> = {
  default: defaultPolicy,
  'fail-wait1': (req, p) =>
    req.headers['auth-pass'] === 'secret' ? defaultPolicy(req, p) : { headers: { 'Auth-Status': 'Invalid login or password', 'Auth-Wait': 1 } },
  'wait-then-ok': (() => {
    let n = 0;
    return (req, p) => (n++ % 2 === 0 ? { headers: { 'Auth-Status': 'WAIT', 'Auth-Wait': 1 } } : defaultPolicy(req, p));
  })(),
  override: (req, p) => ok(p[req.headers['auth-protocol'] as 'imap'], { 'Auth-User': 'real-user', 'Auth-Pass': 'secret' }),
  errcode: () => ({ headers: { 'Auth-Status': 'Temporary problem', 'Auth-Error-Code': '451 4.3.0' } }),
  nopass: (req, p) => ok(p[req.headers['auth-protocol'] as 'imap']),
  garbage: () => ({ raw: 'garbage\r\n\r\n' }),
  'bad-header': () => ({ raw: 'HTTP/1.0 200 OK\r\nAuth Status: OK\r\n\r\n' }),
  'bad-port': () => ({ headers: { 'Auth-Status': 'OK', 'Auth-Server': '127.0.0.1', 'Auth-Port': 99999, 'Auth-Pass': 'x' } }),
  'bad-addr': () => ({ headers: { 'Auth-Status': 'OK', 'Auth-Server': 'mail.example.test', 'Auth-Port': 143, 'Auth-Pass': 'x' } }),
  'backend-down': () => ({ headers: { 'Auth-Status': 'OK', 'Auth-Server': '127.0.0.1', 'Auth-Port': 1, 'Auth-Pass': 'secret' } }),
  'backend-rejects': (req, p) => ok(p[req.headers['auth-protocol'] as 'imap'], { 'Auth-Pass': 'wrong' }),
  empty: () => ({ raw: '' }),
  big: () => ({ raw: 'HTTP/1.0 200 OK\r\nX-Pad: ' + 'p'.repeat(1100) + '\r\nAuth-Status: OK\r\n\r\n' }),
  'status-case': () => ({ raw: 'HTTP/1.0 500 Oops\r\nauth-status:   ok   \r\n\r\n' }),
};

/** The lines the latest backend connection of a protocol received. */
function backendLines(w: World, protocol: 'imap' | 'pop3' | 'smtp'): string[] {
  const got = w[protocol].received.at(-1);
  return got ? got.toString('latin1').split('\r\n') : [];
}

async function run(w: World, port: number, protocol: 'imap' | 'pop3' | 'smtp', steps: Step[]): Promise<void> {
  let c = await TestClient.connect(port);
  try {
    for (const step of steps) {
      switch (step.kind) {
        case 'send':
          c.send(step.data);
          break;
        case 'expect':
          expect(await c.read(/\r\n/, 4000)).toBe(step.line + '\r\n');
          break;
        case 'match':
          expect(await c.read(/\r\n/, 4000)).toMatch(step.re);
          break;
        case 'auth':
          expect(w.auth.requests.at(-1)?.lines ?? []).toContain(step.line);
          break;
        case 'authNot':
          expect((w.auth.requests.at(-1)?.lines ?? []).filter((l) => l.startsWith(step.prefix))).toEqual([]);
          break;
        case 'noauth':
          expect(w.auth.requests).toEqual([]);
          break;
        case 'backend':
        case 'backendMatch': {
          const seen = () => backendLines(w, protocol).some((l) => (step.kind === 'backend' ? l === step.line : step.re.test(l)));
          for (let i = 0; i < 50 && !seen(); i++) await new Promise((r) => setTimeout(r, 20));
          expect(backendLines(w, protocol)).toContainEqual(step.kind === 'backend' ? step.line : expect.stringMatching(step.re));
          break;
        }
        case 'shut':
          c.socket.end();
          break;
        case 'log': {
          const found = () => w.log().some((l) => l.replace(/^(\[\w+\]) \*\d+ /, '$1 ').startsWith(step.text));
          for (let i = 0; i < 50 && !found(); i++) await new Promise((r) => setTimeout(r, 20));
          expect(w.log().map((l) => l.replace(/^(\[\w+\]) \*\d+ /, '$1 '))).toContainEqual(expect.stringMatching(new RegExp('^' + escapeRe(step.text))));
          break;
        }
        case 'logNot':
          expect(w.log().filter((l) => l.includes(step.text))).toEqual([]);
          break;
        case 'closed':
          expect(await c.drain(200, 4000)).toBe('');
          expect(await c.waitClosed(4000)).toBe(true);
          break;
        case 'open':
          c.close();
          c = await TestClient.connect(port);
          break;
        case 'wait':
          await new Promise((r) => setTimeout(r, step.ms));
          break;
      }
    }
  } finally {
    c.close();
  }
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const GREETING = /^(\* OK |\+OK |220 )/;

/** A new client is still greeted (after a PROXY header when the listen wants one). */
async function stillServing(port: number, proxyProtocol: boolean): Promise<void> {
  const c = await TestClient.connect(port);
  try {
    if (proxyProtocol) c.send('PROXY UNKNOWN\r\n');
    expect(await c.read(/\r\n/, 4000)).toMatch(GREETING);
  } finally {
    c.close();
  }
}

const files = fs.existsSync(dir) ? walk(dir) : [];

describe('dialogue fixtures', () => {
  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThan(10);
  });
  for (const file of files) {
    const name = path.relative(dir, file);
    it(name, async () => {
      const d = parseDialogue(fs.readFileSync(file, 'utf8'), name);
      const policy = POLICIES[d.policy ?? 'default'];
      if (!policy) throw new Error(`${name}: unknown policy ${d.policy}`);
      const w = await startWorld([{ protocol: d.protocol, directives: d.directives, proxyProtocol: d.proxyProtocol }], policy);
      try {
        const before = resources();
        await run(w, w.ports[0]!, d.protocol, d.steps);
        await expectReleased(w.proxy, before);
        await stillServing(w.ports[0]!, d.proxyProtocol);
        await expectReleased(w.proxy, before);
      } finally {
        await w.close();
      }
    });
  }
});
