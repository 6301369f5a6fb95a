import * as fs from 'node:fs';
import * as path from 'node:path';
import { defineRule, type RuleContext } from '../rule.js';
import type { ServerModel } from '../model.js';
import type { Entry } from '../walk.js';
import { postParseOrder, serverEntry } from './server-checks-util.js';

/**
 * The files a TLS server makes nginx load, in the order ngx_mail_ssl_merge_conf loads them,
 * with the words nginx fails with (its SSL library appends the reason, which differs by build).
 */
const TLS_FILES: {
  name: string;
  message: (file: string) => string;
  when?: (server: ServerModel) => boolean;
  /**
   * Read by nginx itself rather than by its SSL library: the message then names the line where
   * nginx was when it read the file, the `}` that ends `mail {}` (it merges the servers there).
   */
  ownRead?: boolean;
}[] = [
  { name: 'ssl_certificate', message: (f) => `cannot load certificate "${f}": BIO_new_file() failed` },
  { name: 'ssl_certificate_key', message: (f) => `cannot load certificate key "${f}": BIO_new_file() failed` },
  { name: 'ssl_dhparam', message: (f) => `BIO_new_file("${f}") failed` },
  { name: 'ssl_client_certificate', message: (f) => `SSL_CTX_load_verify_locations("${f}") failed`, when: verifies },
  { name: 'ssl_trusted_certificate', message: (f) => `SSL_CTX_load_verify_locations("${f}") failed`, when: verifies },
  { name: 'ssl_crl', message: (f) => `X509_LOOKUP_load_file("${f}") failed`, when: verifies },
  { name: 'ssl_session_ticket_key', message: (f) => `open() "${f}" failed (2: No such file or directory)`, ownRead: true },
];

/** What a session ticket key file may hold: 48 bytes (AES-128 keys) or 80 (AES-256), nothing else. */
const TICKET_KEY_SIZES = [48, 80];
const TICKET_KEY_HINT = 'a ticket key file holds 48 or 80 random bytes: openssl rand 80 > FILE';

function verifies(server: ServerModel): boolean {
  return server.settings.ssl_verify_client.value !== 'off';
}

const HINT = 'the file does not exist on this machine';

/** D8, D10, E6 (the file part): files nginx reads when it starts, checked with `--check-files`. */
export default defineRule({
  meta: {
    id: 'missing-file',
    description: 'A certificate, key or other file nginx reads at start-up does not exist (with --check-files)',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['D8', 'D10', 'E6'],
    docs: `Runs only when asked (\`mailconf lint --check-files\`, \`"checkFiles": true\` in .mailconfrc.json),
on the machine nginx runs on: elsewhere the production certificates are rarely present.

nginx reads \`ssl_password_file\` while it parses, whether or not TLS is used. For every server that
speaks TLS (\`listen ... ssl\`, \`starttls\`, \`ssl on\`) it then loads the certificates and keys in
effect there (its own or those of \`mail {}\`), \`ssl_dhparam\`, the \`ssl_session_ticket_key\` files,
and, when \`ssl_verify_client\` is on, the CA and CRL files; a missing one stops \`nginx -t\` and the
reload. A session ticket key file must also hold exactly 48 or 80 bytes (\`openssl rand 32\` makes
one nginx refuses). Relative paths are taken from the directory of the main configuration file, as nginx's
conf prefix. Only existence is checked: nginx reads these files as root, so a file the linting
user cannot read is not a problem. \`data:\` certificates and \`engine:\` keys are not files.`,
  },
  names: ['ssl_password_file'],
  directive(entry, ctx) {
    if (!ctx.options.checkFiles) return;
    const value = entry.directive.args[0]?.value;
    if (value === undefined) return;
    const full = fullName(ctx, value);
    if (!exists(full)) ctx.report({ entry, message: `open() "${full}" failed (2: No such file or directory)`, hint: HINT });
  },
  config(ctx) {
    if (!ctx.options.checkFiles) return;
    const reported = new Set<Entry>();
    const servers = ctx.model.servers;
    // Indexed: runs per server (see engine.ts on for...of).
    for (let si = 0; si < servers.length; si++) {
      const server = servers[si]!;
      if (!server.sslMode || !server.listens.length) continue;
      let sub = 2;
      for (const spec of TLS_FILES) {
        sub++;
        if (spec.when && !spec.when(server)) continue;
        for (const entry of entriesInEffect(ctx, server, spec.name)) {
          if (reported.has(entry)) continue;
          for (const arg of entry.directive.args) {
            if (/^(data|engine):/.test(arg.value)) continue;
            const full = fullName(ctx, arg.value);
            const size = fileSize(full);
            const message =
              size === null ? spec.message(full) : spec.name === 'ssl_session_ticket_key' && size !== undefined && !TICKET_KEY_SIZES.includes(size) ? `"${full}" must be 48 or 80 bytes` : null;
            if (!message) continue;
            reported.add(entry);
            const hint = size === null ? HINT : TICKET_KEY_HINT;
            // nginx names the end of mail {}: say where the file was named.
            const line = spec.ownRead ? mailEndLine(ctx) : undefined;
            const where = line && line !== entry.directive.line ? `; named at line ${entry.directive.line}` : '';
            ctx.report({ entry, message, hint: hint + where, order: postParseOrder(ctx, 'ssl', server, sub), ...(line ? { line } : {}) });
            break;
          }
        }
      }
    }
  },
});

/** The statements a server's value of `name` comes from: its own, or else those of mail {}. */
function entriesInEffect(ctx: RuleContext, server: ServerModel, name: string): Entry[] {
  const setting = (server.settings as unknown as Record<string, { origin: string }>)[name];
  if (!setting || setting.origin === 'default') return [];
  if (setting.origin === 'server') return serverEntry(ctx, server)?.children.filter((c) => c.directive.name === name && !ctx.invalid.has(c)) ?? [];
  const mail = ctx.walk.roots.find((e) => e.directive === ctx.model.mail);
  return (mail ? mail.children : ctx.walk.roots).filter((c) => c.directive.name === name && !ctx.invalid.has(c));
}

/** nginx's ngx_conf_full_name with the conf prefix: relative to the main file's directory. */
function fullName(ctx: RuleContext, value: string): string {
  return path.resolve(ctx.set.configDir, value);
}

function exists(file: string): boolean {
  return fileSize(file) !== null;
}

/**
 * The file's size; null when it is not there; undefined when that cannot be told here (no
 * permission to look): nginx, as root, may well get past it.
 */
function fileSize(file: string): number | null | undefined {
  try {
    return fs.statSync(file).size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? null : undefined;
  }
}

/** The line of the `}` that ends `mail {}`, where nginx merges its servers' TLS settings. */
function mailEndLine(ctx: RuleContext): number | undefined {
  return ctx.model.mail?.block?.close?.start.line;
}
