/**
 * Diagnostics: pushed and pulled, with rule ids, documentation links and fixes; what the
 * checker finds, exactly, at the right UTF-16 positions; refreshed when an included file
 * changes, in the editor or on disk; under the settings and the project's .mailconfrc.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic, DocumentDiagnosticReport, WorkspaceDiagnosticReport } from 'vscode-languageserver-protocol';
import { checkConfigSet } from '@mailconf/checker';
import { loadConfigText } from '@mailconf/syntax';
import { LspClient, positionAt } from './support/client.js';
import { cases, fixturesDir } from './support/fixtures.js';
import { repoRoot } from './support/server-bundle.js';

const SEVERITY = ['', 'error', 'warning', 'info', 'hint'];

/** `line:col-line:col severity code: message`, 1-based, as in the .expected files. */
function show(d: Diagnostic): string {
  const r = d.range;
  return `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1} ${SEVERITY[d.severity!]} ${d.code}: ${d.message}`;
}

let client: LspClient;
beforeAll(async () => {
  client = await LspClient.start();
});
afterAll(async () => {
  await client.stop();
});

describe('diagnostics fixtures', () => {
  for (const c of cases<{ settings?: Record<string, unknown> }>('diagnostics')) {
    it(c.name, async () => {
      client.settings = c.expected.settings ?? {};
      const doc = await client.open(c.file);
      const got = (await client.diagnostics(doc)).map(show);
      await client.close(doc);
      const expected = fs.readFileSync(c.file.replace(/\.conf$/, '.expected'), 'utf8').split('\n').filter(Boolean);
      expect(got).toEqual(expected);
    });
  }
});

describe('what the checker finds, at the right positions', () => {
  // Every rule fixture, checked as a whole file: the server must report exactly the
  // checker's diagnostics, with offsets turned into editor positions.
  const dir = path.join(repoRoot, 'fixtures/rules');
  const files = fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.conf'))
    .sort()
    .map((f) => path.join(dir, f));

  it(`agrees with checkConfigSet on ${files.length} rule fixtures`, async () => {
    client.settings = { context: 'main' };
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const doc = await client.open(file, text.replaceAll('<|>', '< |>'));
      const got = (await client.diagnostics(doc)).map((d) => ({ code: d.code, start: d.range.start, end: d.range.end, message: d.message }));
      await client.close(doc);
      const set = loadConfigText(doc.text, file, { configDir: path.dirname(file) });
      const want = checkConfigSet(set, { context: 'main' })
        .diagnostics.filter((d) => d.file === file)
        .map((d) => ({ code: d.ruleId, start: positionAt(doc.text, d.range.start.offset), end: positionAt(doc.text, d.range.end.offset), message: d.message }));
      expect(got, path.relative(repoRoot, file)).toEqual(want);
    }
  });
});

describe('diagnostic fields', () => {
  it('code is the rule id and codeDescription links to its documentation page', async () => {
    client.settings = {};
    const doc = await client.open(path.join(fixturesDir, 'diagnostics/plaintext-imap.conf'));
    const [d] = await client.diagnostics(doc);
    await client.close(doc);
    expect(d!.code).toBe('plaintext-auth-without-tls');
    expect(d!.source).toBe('mailconf');
    // No fix, no data.
    expect(d!.data).toBeUndefined();
    const page = fileURLToPath(d!.codeDescription!.href);
    expect(path.basename(page)).toBe('plaintext-auth-without-tls.md');
    expect(fs.readFileSync(page, 'utf8').startsWith('# plaintext-auth-without-tls\n')).toBe(true);
  });

  it('data carries the fix as LSP edits', async () => {
    client.settings = {};
    const doc = await client.open(path.join(fixturesDir, 'code-actions/duplicate-listen.conf'));
    const diags = await client.diagnostics(doc);
    await client.close(doc);
    const dup = diags.find((d) => d.code === 'duplicate-listen')!;
    expect(dup.data).toEqual({
      ruleId: 'duplicate-listen',
      fix: {
        description: 'remove the repeated listen',
        edits: [{ uri: doc.uri, edit: { range: { start: { line: 5, character: 0 }, end: { line: 6, character: 0 } }, newText: '' } }],
      },
    });
  });

  it('a deprecated directive is tagged so editors can strike it through', async () => {
    client.settings = { nginxVersion: '1.22.1' };
    const doc = await client.open(path.join(fixturesDir, 'diagnostics/ssl-on-old-nginx.conf'));
    const diags = await client.diagnostics(doc);
    await client.close(doc);
    expect(diags.find((d) => d.code === 'ssl-directive-deprecated')!.tags).toEqual([2]);
  });

  it('diagnostics follow the text as it changes', async () => {
    client.settings = {};
    let doc = await client.open(path.join(fixturesDir, 'diagnostics/clean.conf'));
    expect(await client.diagnostics(doc)).toEqual([]);
    doc = await client.replace(doc, doc.text.replace('listen 993 ssl;', 'listen 993;'));
    const after = await client.diagnostics(doc);
    // Port 993 without ssl: passwords in the clear, and clients that start with TLS fail.
    expect(after.map((d) => d.code)).toEqual(['plaintext-auth-without-tls', 'tls-port-mismatch']);
    await client.close(doc);
  });
});

describe('settings', () => {
  it('checkFiles reports a missing certificate only when asked', async () => {
    const file = path.join(fixturesDir, '../rules/missing-file/missing-certificate.conf');
    client.settings = {};
    let doc = await client.open(file);
    expect((await client.diagnostics(doc)).map((d) => d.code)).not.toContain('missing-file');
    await client.close(doc);
    client.settings = { checkFiles: true };
    doc = await client.open(file);
    const missing = (await client.diagnostics(doc)).filter((d) => d.code === 'missing-file');
    await client.close(doc);
    expect(missing.map((d) => `${d.range.start.line + 1}: ${d.message.replace(path.dirname(file), '<dir>')}`)).toEqual([
      '8: cannot load certificate "<dir>/missing.pem": BIO_new_file() failed (the file does not exist on this machine)',
    ]);
    client.settings = {};
  });

  it('checkDns: host names that do not resolve are reported once looked up, and only when asked', async () => {
    const file = path.join(os.tmpdir(), `mailconf-lsp-dns-${process.pid}.conf`);
    fs.writeFileSync(file, 'events {}\nmail {\n    auth_http mailconf-auth.invalid:9000/auth;\n    server {\n        listen localhost:10143;\n        protocol imap;\n    }\n}\n');
    try {
      client.settings = {};
      let doc = await client.open(file);
      expect((await client.diagnostics(doc)).map((d) => d.message).filter((m) => m.startsWith('host not found'))).toEqual([]);
      await client.close(doc);
      client.settings = { checkDns: true };
      doc = await client.open(file);
      // The first check does not know the names yet; the next one, after the lookups, does.
      let found: string[] = [];
      for (let n = 0; n < 3 && !found.length; n++) {
        found = (await client.nextDiagnostics(doc, doc.seen + n)).map((d) => d.message).filter((m) => m.startsWith('host not found'));
      }
      await client.close(doc);
      expect(found).toEqual(['host not found in auth_http "mailconf-auth.invalid:9000/auth" (the name does not resolve on this machine)']);
    } finally {
      client.settings = {};
      fs.rmSync(file, { force: true });
    }
  });

  it('.mailconfrc.json sets the nginx version and rule levels; the editor settings win', async () => {
    const file = path.join(fixturesDir, 'workspace/rc/mail.conf');
    client.settings = {};
    let doc = await client.open(file);
    // 1.22.1 knows `ssl on` (deprecated: raised to error by the file); plaintext is off.
    expect((await client.diagnostics(doc)).map(show)).toEqual([
      '7:9-7:16 error ssl-directive-deprecated: the "ssl" directive is deprecated, use the "listen ... ssl" directive instead',
    ]);
    await client.close(doc);
    client.settings = { rules: { 'ssl-directive-deprecated': 'info' } };
    doc = await client.open(file);
    expect((await client.diagnostics(doc)).map((d) => `${SEVERITY[d.severity!]} ${d.code}`)).toEqual(['info ssl-directive-deprecated']);
    await client.close(doc);
  });

  it('a broken .mailconfrc.json is reported, and what makes sense in it still applies', async () => {
    client.settings = {};
    const doc = await client.open(path.join(fixturesDir, 'workspace/rc-broken/mail.conf'));
    expect(await client.diagnostics(doc)).toEqual([]);
    await client.close(doc);
    const said = client.logs.join('\n');
    expect(said).toContain('unknown rule "no-such-rule"');
    expect(said).toContain('rule "duplicate-listen": level must be one of off, info, warning, error');
    expect(said).toContain('"nginxVersion" must be a version such as "1.22.1"');
  });

  it('a change of settings re-checks open documents', async () => {
    client.settings = {};
    const doc = await client.open(path.join(fixturesDir, 'diagnostics/plaintext-imap.conf'));
    expect((await client.diagnostics(doc)).map((d) => d.code)).toEqual(['plaintext-auth-without-tls']);
    const seen = client.published.get(doc.uri)!.length;
    client.settings = { rules: { 'plaintext-auth-without-tls': 'off' } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    expect(await client.nextDiagnostics(doc, seen)).toEqual([]);
    await client.close(doc);
  });

  it('settings given as initializationOptions apply', async () => {
    const c = await LspClient.start({
      capabilities: { workspace: { configuration: false } },
      initializationOptions: { mailconf: { rules: { 'plaintext-auth-without-tls': 'off' } } },
    });
    try {
      const doc = await c.open(path.join(fixturesDir, 'diagnostics/plaintext-imap.conf'));
      expect(await c.diagnostics(doc)).toEqual([]);
    } finally {
      await c.stop();
    }
  });

  it('clients that cannot be asked push their settings', async () => {
    const c = await LspClient.start({ capabilities: { workspace: { configuration: false } } });
    try {
      const doc = await c.open(path.join(fixturesDir, 'diagnostics/plaintext-imap.conf'));
      expect((await c.diagnostics(doc)).map((d) => d.code)).toEqual(['plaintext-auth-without-tls']);
      const seen = c.published.get(doc.uri)!.length;
      await c.connection.sendNotification('workspace/didChangeConfiguration', { settings: { mailconf: { rules: { 'plaintext-auth-without-tls': 'error' } } } });
      expect((await c.nextDiagnostics(doc, seen)).map((d) => SEVERITY[d.severity!])).toEqual(['error']);
    } finally {
      await c.stop();
    }
  });
});

describe('includes', () => {
  const ws = path.join(fixturesDir, 'workspace/includes');

  it('a fragment is checked inside the nginx.conf that includes it', async () => {
    client.settings = {};
    // Alone, this server has no auth_http; nginx.conf above gives it one through mail {}.
    const doc = await client.open(path.join(ws, 'mail.d/servers/imap.conf'));
    expect(await client.diagnostics(doc)).toEqual([]);
    await client.close(doc);
  });

  it('a change in an included file refreshes the files that include it', async () => {
    client.settings = {};
    const main = await client.open(path.join(ws, 'nginx.conf'));
    let common = await client.open(path.join(ws, 'mail.d/common.conf'));
    expect(await client.diagnostics(main)).toEqual([]);
    expect(await client.diagnostics(common)).toEqual([]);
    const seen = client.published.get(main.uri)!.length;
    // The included file now sets proxy_timeout before nginx.conf does: nginx.conf's own line is the duplicate.
    common = await client.replace(common, 'auth_http 127.0.0.1:9000/auth;\nproxy_timeout 45m;\n');
    const mainAfter = await client.nextDiagnostics(main, seen);
    expect(mainAfter.map(show)).toEqual(['4:5-4:23 error duplicate-directive: "proxy_timeout" directive is duplicate (first set on line 2 of common.conf)']);
    await client.close(common);
    await client.close(main);
  });

  it('a listen repeated in another file is found', async () => {
    client.settings = {};
    let pop3 = await client.open(path.join(ws, 'mail.d/servers/pop3.conf'));
    expect(await client.diagnostics(pop3)).toEqual([]);
    pop3 = await client.replace(pop3, pop3.text.replace('listen 995 ssl;', 'listen 993 ssl;'));
    const dup = (await client.diagnostics(pop3)).filter((d) => d.code === 'duplicate-listen');
    expect(dup).toHaveLength(1);
    expect(dup[0]!.message).toContain('imap.conf');
    await client.close(pop3);
  });

  it('a file created on disk is picked up when the editor reports it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-lsp-'));
    try {
      client.settings = {};
      const main = path.join(dir, 'mail.conf');
      fs.writeFileSync(main, 'events {}\nmail {\n    include extra.conf;\n}\n');
      const doc = await client.open(main);
      expect((await client.diagnostics(doc)).map((d) => d.code)).toEqual(['include-not-found']);
      const seen = client.published.get(doc.uri)!.length;
      fs.writeFileSync(path.join(dir, 'extra.conf'), 'auth_http 127.0.0.1:9000/auth;\n');
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(dir, 'extra.conf')).href, type: 1 }] });
      expect(await client.nextDiagnostics(doc, seen)).toEqual([]);
      await client.close(doc);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pull diagnostics', () => {
  const ws = path.join(fixturesDir, 'workspace/includes');
  let pull: LspClient;
  beforeAll(async () => {
    pull = await LspClient.start({ capabilities: { textDocument: { diagnostic: { dynamicRegistration: false } }, workspace: { diagnostics: { refreshSupport: true } } } });
  });
  afterAll(async () => {
    await pull.stop();
  });

  it('declares a pull provider with inter-file dependencies and does not push', async () => {
    expect(pull.initializeResult.capabilities.diagnosticProvider).toEqual({ identifier: 'mailconf', interFileDependencies: true, workspaceDiagnostics: true });
    const doc = await pull.open(path.join(fixturesDir, 'diagnostics/plaintext-imap.conf'));
    const report = await pull.request<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri: doc.uri } });
    expect(report.kind).toBe('full');
    expect((report as { items: Diagnostic[] }).items.map((d) => d.code)).toEqual(['plaintext-auth-without-tls']);
    const again = await pull.request<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri: doc.uri }, previousResultId: report.resultId });
    expect(again).toEqual({ kind: 'unchanged', resultId: report.resultId });
    await pull.close(doc);
    expect(pull.published.size).toBe(0);
  });

  it('asks the client to pull again when an included file changes', async () => {
    const main = await pull.open(path.join(ws, 'nginx.conf'));
    let common = await pull.open(path.join(ws, 'mail.d/common.conf'));
    const before = await pull.request<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri: main.uri } });
    expect((before as { items: Diagnostic[] }).items).toEqual([]);
    const refreshes = pull.refreshRequests;
    common = await pull.replace(common, 'auth_http 127.0.0.1:9000/auth;\nproxy_timeout 45m;\n');
    await pull.until(() => pull.refreshRequests > refreshes, 'workspace/diagnostic/refresh');
    const after = await pull.request<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri: main.uri }, previousResultId: before.resultId });
    expect((after as { items: Diagnostic[] }).items.map((d) => d.code)).toEqual(['duplicate-directive']);
    const wsReport = await pull.request<WorkspaceDiagnosticReport>('workspace/diagnostic', { previousResultIds: [] });
    expect(wsReport.items.map((i) => [path.basename(fileURLToPath(i.uri)), i.kind === 'full' ? i.items.length : -1]).sort()).toEqual([
      ['common.conf', 0],
      ['nginx.conf', 1],
    ]);
    await pull.close(common);
    await pull.close(main);
  });
});
