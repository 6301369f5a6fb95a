/**
 * Bad input never crashes the proxy nor loses a session's neighbours: over-long lines,
 * binary junk, invalid base64, CR/LF/NUL in user names, floods of bad commands, clients
 * that stall or vanish mid-auth, and thousands of connections at once (loopback only).
 * After each case every connection has been let go (sessions, sockets, descriptors).
 */
import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TestClient } from './helpers/client.js';
import { defaultPolicy, startWorld, type World } from './helpers/world.js';
import { expectReleased, resources, type Resources } from './helpers/leaks.js';

const GREETINGS = [/^\* OK IMAP4 ready\r\n$/, /^\+OK POP3 ready( <[^>]+>)?\r\n$/, /^220 mail\.example\.test ESMTP ready\r\n$/];

/** Every server still greets a new client. */
async function stillServing(w: World): Promise<void> {
  for (const [i, port] of w.ports.entries()) {
    const c = await TestClient.connect(port);
    expect(await c.read()).toMatch(GREETINGS[i]!);
    c.close();
  }
}

describe('bad input', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld(
      [
        { protocol: 'imap', directives: 'imap_auth plain login cram-md5 external; timeout 3s' },
        { protocol: 'pop3', directives: 'pop3_auth plain apop cram-md5; timeout 3s' },
        { protocol: 'smtp', directives: 'smtp_auth plain login cram-md5 none; timeout 3s' },
      ],
      (req, ports) => (req.headers['auth-user']?.startsWith('slow') ? { headers: { 'Auth-Status': 'OK' }, delayMs: 500 } : defaultPolicy(req, ports)),
    );
  });
  afterAll(() => w.close());
  let before: Resources;
  beforeEach(() => {
    before = resources();
  });
  afterEach(async () => {
    await expectReleased(w.proxy, before);
  });

  it('answers over-long lines and closes, for every protocol', async () => {
    for (const port of w.ports) {
      const c = await TestClient.connect(port);
      await c.read();
      c.send('X'.repeat(100_000) + '\r\n');
      const out = await c.drain(300, 3000);
      expect(out).toMatch(/^(\* BAD invalid command|-ERR invalid command|500 5\.5\.1 Invalid command)\r\n$/);
      expect(await c.waitClosed()).toBe(true);
    }
    await stillServing(w);
  });

  it('survives binary junk', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 }), fc.uint8Array({ minLength: 1, maxLength: 2000 }), async (i, junk) => {
        const c = await TestClient.connect(w.ports[i]!);
        await c.read();
        c.send(Buffer.from(junk));
        await c.drain(50, 500);
        c.close();
      }),
      { numRuns: 40 },
    );
    await stillServing(w);
  });

  it('rejects invalid base64 in every SASL step without counting it as an error', async () => {
    const c = await TestClient.connect(w.ports[0]!);
    await c.read();
    for (const mech of ['PLAIN', 'LOGIN', 'CRAM-MD5', 'EXTERNAL']) {
      c.send(`a1 AUTHENTICATE ${mech}\r\n`);
      expect(await c.read()).toMatch(/^\+ /);
      c.send('%%%\r\n');
      expect(await c.read()).toMatch(/BAD invalid command\r\n$/);
    }
    c.send('a2 NOOP\r\n');
    expect(await c.read()).toBe('a2 OK completed\r\n');
    c.close();
    expect(w.log().filter((l) => l.includes('invalid base64 encoding'))).toHaveLength(4);
  });

  it('never lets CR, LF or NUL of a user name into the auth request unescaped', async () => {
    const before = w.auth.requests.length;
    // IMAP literal
    let c = await TestClient.connect(w.ports[0]!);
    await c.read();
    c.send('a1 LOGIN {9+}\r\nu\r\ns\0er\nx {3+}\r\nb\ra\r\n');
    expect(await c.read()).toBe('a1 NO Invalid login or password\r\n');
    c.close();
    // SMTP AUTH PLAIN with CR/LF inside the user name
    c = await TestClient.connect(w.ports[2]!);
    await c.read();
    c.send(`AUTH PLAIN ${Buffer.from('\0ev\r\nil\0x\ny').toString('base64')}\r\n`);
    expect(await c.read()).toBe('535 5.7.0 Invalid login or password\r\n');
    c.close();
    const seen = w.auth.requests.slice(before);
    expect(seen.map((r) => r.lines.find((l) => l.startsWith('Auth-User:')))).toEqual(['Auth-User: u%0D%0As%00er%0Ax', 'Auth-User: ev%0D%0Ail']);
    expect(seen.map((r) => r.lines.find((l) => l.startsWith('Auth-Pass:')))).toEqual(['Auth-Pass: b%0Da', 'Auth-Pass: x%0Ay']);
    // no stray line breaks: the usual header lines and nothing else (SMTP adds Client-Host)
    expect(seen.map((r) => r.lines.length)).toEqual([8, 9]);
    for (const r of seen) expect(r.lines.every((l) => !/[\r\n\0]/.test(l))).toBe(true);
  });

  it('closes a flood of bad commands at max_errors and keeps nothing of it', async () => {
    const c = await TestClient.connect(w.ports[2]!);
    await c.read();
    const logged = w.log().length;
    c.send('BOGUS\r\n'.repeat(50_000));
    // the replies that reach the client before its own writes fail on the reset are all 500s
    const out = await c.drain(300, 5000);
    expect(out).toMatch(/^(500 5\.5\.1 Invalid command\r\n){1,5}$/);
    expect(await c.waitClosed()).toBe(true);
    expect(w.log().slice(logged).filter((l) => l.includes('client sent too many invalid commands'))).toHaveLength(1);
    for (let i = 0; i < 50 && w.proxy.sessionCount; i++) await new Promise((r) => setTimeout(r, 20));
    expect(w.proxy.sessionCount).toBe(0);
    await stillServing(w);
  });

  it('survives clients that vanish while the auth server thinks, or stall', async () => {
    const clients = await Promise.all([0, 1, 2].map((i) => TestClient.connect(w.ports[i]!)));
    for (const c of clients) await c.read();
    clients[0]!.send('a1 LOGIN slow secret\r\n');
    clients[1]!.send('USER slow\r\nPASS secret\r\n');
    clients[2]!.send(`AUTH PLAIN ${Buffer.from('\0slow\0secret').toString('base64')}\r\n`);
    await new Promise((r) => setTimeout(r, 100));
    // reset instead of a clean close: the proxy only notices when it writes
    for (const c of clients) c.socket.resetAndDestroy();
    // a client that sends half a line and nothing more is cut at `timeout`
    const staller = await TestClient.connect(w.ports[0]!);
    await staller.read();
    staller.send('a1 LOG');
    expect(await staller.waitClosed(5000)).toBe(true);
    await new Promise((r) => setTimeout(r, 600));
    expect(w.proxy.sessionCount).toBe(0);
    await stillServing(w);
  });
});

/** How many descriptors this process may open (tests adapt to small limits). */
function fdLimit(): number {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || 1024;
  } catch {
    return 1024;
  }
}

describe('many connections', () => {
  it('greets thousands of concurrent clients and forgets them when they leave', async () => {
    // each connection costs two descriptors here (client and proxy side)
    const n = Math.min(2000, Math.floor((fdLimit() - 200) / 2));
    const w = await startWorld([{ protocol: 'imap' }], defaultPolicy, { workerConnections: n + 10 });
    const before = resources();
    try {
      // in waves, so that the listen backlog (511, as nginx) does not push connects into SYN retries
      const clients: TestClient[] = [];
      for (let i = 0; i < n; i += 250) clients.push(...(await Promise.all(Array.from({ length: Math.min(250, n - i) }, () => TestClient.connect(w.ports[0]!)))));
      const greetings = await Promise.all(clients.map((c) => c.read(/\r\n/, 10_000)));
      expect(greetings.filter((g) => g === '* OK IMAP4 ready\r\n')).toHaveLength(n);
      for (const c of clients) c.close();
      await expectReleased(w.proxy, before, 10_000);
    } finally {
      await w.close();
    }
  }, 60_000);

  it('refuses connections beyond worker_connections and keeps serving the others', async () => {
    // 1 listener + 20 clients
    const w = await startWorld([{ protocol: 'pop3' }], defaultPolicy, { workerConnections: 21 });
    try {
      const clients = await Promise.all(Array.from({ length: 30 }, () => TestClient.connect(w.ports[0]!)));
      const first = await Promise.all(clients.map((c) => c.read(/\r\n/, 3000)));
      expect(first.filter((g) => g === '+OK POP3 ready\r\n')).toHaveLength(20);
      expect(w.log().filter((l) => l.includes('21 worker_connections are not enough')).length).toBeGreaterThan(0);
      for (const c of clients) c.close();
      for (let i = 0; i < 100 && w.proxy.sessionCount; i++) await new Promise((r) => setTimeout(r, 20));
      const again = await TestClient.connect(w.ports[0]!);
      expect(await again.read()).toBe('+OK POP3 ready\r\n');
      again.close();
    } finally {
      await w.close();
    }
  });
});

