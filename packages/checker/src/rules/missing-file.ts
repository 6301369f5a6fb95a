import * as fs from 'node:fs';
import * as path from 'node:path';
import { defineRule, type RuleContext } from '../rule.js';
import type { ServerModel } from '../model.js';
import type { Entry } from '../walk.js';
import { mergeOrder } from '../http-phases.js';
import { tlsServers } from '../http-servers.js';
import { postParseOrder, serverEntry } from './server-checks-util.js';
import { upstreamTlsConfs, type UpstreamTlsConf } from '../upstream-tls-confs.js';

type Family = 'mail' | 'http' | 'stream';

/**
 * The files a TLS server makes nginx load, in the order the ssl modules' merge functions load
 * them (mail, http and stream alike, 1.22.1 to the newest), with the words nginx fails with
 * (its SSL library appends the reason, which differs by build). `mailStep` and `blockStep` place
 * each among the other checks of the same merge (ssl-ciphers, ssl-ecdh-curve, ssl-conf-command).
 */
const TLS_FILES: {
  name: string;
  message: (file: string) => string;
  /**
   * Loaded only when clients are verified: the CA file everywhere; in mail and stream also the
   * trusted certificates and the CRL, which http loads whenever they are set.
   */
  verifyOnly?: (family: Family) => boolean;
  /** Loaded only where this holds of the statements in effect. */
  onlyIf?: (family: Family, pick: (name: string) => Entry[]) => boolean;
  /**
   * Read by nginx itself rather than by its SSL library: the message then names the line where
   * nginx was when it read the file, the `}` that ends the block (it merges the servers there).
   */
  ownRead?: boolean;
  mailStep: number;
  blockStep: number;
}[] = [
  // Certificates and keys load in pairs (the first certificate, its key, the second...): checkServer's pairStep orders them.
  { name: 'ssl_certificate', message: (f) => `cannot load certificate "${f}": BIO_new_file() failed`, mailStep: 3, blockStep: 0.6 },
  { name: 'ssl_certificate_key', message: (f) => `cannot load certificate key "${f}": BIO_new_file() failed`, mailStep: 3, blockStep: 0.6 },
  { name: 'ssl_client_certificate', message: (f) => `SSL_CTX_load_verify_locations("${f}") failed`, verifyOnly: () => true, mailStep: 4, blockStep: 0.71 },
  { name: 'ssl_trusted_certificate', message: (f) => `SSL_CTX_load_verify_locations("${f}") failed`, verifyOnly: (f) => f !== 'http', mailStep: 5, blockStep: 0.75 },
  { name: 'ssl_crl', message: (f) => `X509_LOOKUP_load_file("${f}") failed`, verifyOnly: (f) => f !== 'http', mailStep: 6, blockStep: 0.8 },
  { name: 'ssl_dhparam', message: (f) => `BIO_new_file("${f}") failed`, mailStep: 7, blockStep: 0.85 },
  { name: 'ssl_session_ticket_key', message: (f) => `open() "${f}" failed (2: No such file or directory)`, ownRead: true, mailStep: 8.7, blockStep: 0.95 },
  {
    name: 'ssl_stapling_file',
    message: (f) => `BIO_new_file("${f}") failed`,
    // http only, and only with stapling on.
    onlyIf: (family, pick) => family === 'http' && pick('ssl_stapling').at(-1)?.directive.argValue(0).toLowerCase() === 'on',
    mailStep: 9.5,
    blockStep: 0.97,
  },
];

/** What a session ticket key file may hold: 48 bytes (AES-128 keys) or 80 (AES-256), nothing else. */
const TICKET_KEY_SIZES = [48, 80];
const TICKET_KEY_HINT = 'a ticket key file holds 48 or 80 random bytes: openssl rand 80 > FILE';

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

nginx reads \`ssl_password_file\` (and \`proxy_ssl_password_file\`, \`grpc_ssl_password_file\`,
\`uwsgi_ssl_password_file\`) while it parses, whether or not TLS is used. For every server whose
TLS it sets up — in mail a server that speaks TLS (\`listen ... ssl\`, \`starttls\`, \`ssl on\`), in http
and stream a server with a certificate (a stream server with \`listen ... ssl\` up to 1.25.4) — it
then loads the certificates and keys in effect there (its own or its block's), the CA file when
\`ssl_verify_client\` is on, the trusted certificates and the CRL (in http whenever they are set, in
mail and stream when clients are verified), \`ssl_dhparam\`, the \`ssl_session_ticket_key\` files and, in
http with \`ssl_stapling on\`, \`ssl_stapling_file\`.
A missing one stops \`nginx -t\` and the reload. A session ticket key file must also hold exactly 48
or 80 bytes (\`openssl rand 32\` makes one nginx refuses). Relative paths are taken from the
directory of the main configuration file, as nginx's conf prefix. Only existence (and the ticket
keys' size) is checked: nginx reads these files as root, so a file the linting user cannot read
is not a problem. \`data:\` certificates, \`engine:\` keys and, in http and stream, certificates named
with variables (loaded per connection) are not checked.

Where nginx talks TLS to an upstream (\`proxy_pass https://\`, \`grpcs://\`, \`suwsgi://\`, or with
variables; stream \`proxy_ssl on\`) it loads the client certificate and key set there
(\`proxy_ssl_certificate\`, \`proxy_ssl_certificate_key\`, and the grpc and uwsgi ones) and, with
\`proxy_ssl_verify on\`, \`proxy_ssl_trusted_certificate\` and \`proxy_ssl_crl\`: those are checked too.`,
  },
  // Read while parsing, by the same function, for the server side and for TLS to upstreams.
  names: ['ssl_password_file', 'proxy_ssl_password_file', 'grpc_ssl_password_file', 'uwsgi_ssl_password_file'],
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
    const mailEnd = ctx.model.mail?.block?.close?.start.line;
    // Indexed: runs per server (see engine.ts on for...of).
    for (let si = 0; si < servers.length; si++) {
      const server = servers[si]!;
      if (!server.sslMode || !server.listens.length) continue;
      const verifies = server.settings.ssl_verify_client.value !== 'off';
      checkServer(ctx, reported, 'mail', verifies, (name) => entriesInEffect(ctx, server, name), mailEnd, (step) => postParseOrder(ctx, 'ssl', server, step));
    }
    for (const s of tlsServers(ctx)) {
      const family = s.block.directive.name as Family;
      const verify = s.pick('ssl_verify_client').at(-1);
      const verifies = verify !== undefined && verify.directive.argValue(0).toLowerCase() !== 'off';
      // Certificates named with variables are loaded for each connection, none at start.
      const pick = (name: string) => (/^ssl_certificate(_key)?$/.test(name) && hasVariables(s.pick('ssl_certificate'), s.pick('ssl_certificate_key')) ? [] : s.pick(name));
      const blockEnd = s.block.directive.block?.close?.start.line;
      checkServer(ctx, reported, family, verifies, pick, blockEnd, (step) => mergeOrder(s.block, 'ssl', s.server.seq, step));
    }
    for (const conf of upstreamTlsConfs(ctx)) checkUpstream(ctx, reported, conf);
  },
});

/**
 * The files TLS to an upstream loads (ngx_http_proxy_set_ssl and its twins): the client
 * certificate and key when both are set and named without variables, and, with *_ssl_verify on,
 * the trusted certificates and the CRL. (A certificate without its key, or verify without
 * trusted certificates, is upstream-tls's: nginx stops there first.)
 */
function checkUpstream(ctx: RuleContext, reported: Set<Entry>, { prefix, pick, order }: UpstreamTlsConf): void {
  const check = (entry: Entry | undefined, message: (file: string) => string, step: number): boolean => {
    if (!entry || entry.directive.argCount !== 1 || reported.has(entry)) return true;
    const value = entry.directive.argValue(0);
    if (value === '' || value.startsWith('data:') || value.startsWith('engine:')) return true;
    const full = fullName(ctx, value);
    if (fileSize(full) !== null) return true;
    reported.add(entry);
    ctx.report({ entry, message: message(full), hint: HINT, order: order(step) });
    return false;
  };
  const cert = pick(`${prefix}_ssl_certificate`);
  const key = pick(`${prefix}_ssl_certificate_key`);
  if (cert && key && !hasVariables([cert], [key])) {
    if (!check(cert, (f) => `cannot load certificate "${f}": BIO_new_file() failed`, 0.91)) return;
    if (!check(key, (f) => `cannot load certificate key "${f}": BIO_new_file() failed`, 0.92)) return;
  } else if (cert && !key) return;
  const verify = pick(`${prefix}_ssl_verify`);
  if (!verify || verify.directive.argCount !== 1 || verify.directive.argValue(0).toLowerCase() !== 'on') return;
  if (!check(pick(`${prefix}_ssl_trusted_certificate`), (f) => `SSL_CTX_load_verify_locations("${f}") failed`, 0.93)) return;
  check(pick(`${prefix}_ssl_crl`), (f) => `X509_LOOKUP_load_file("${f}") failed`, 0.94);
}

/**
 * The files one server makes nginx load, checked in nginx's order; a statement several servers
 * share is reported once. `pick` gives the statements in effect for a name (the server's own, or
 * its block's); `end` is the line of the `}` where nginx merges the servers.
 */
function checkServer(
  ctx: RuleContext,
  reported: Set<Entry>,
  family: Family,
  verifies: boolean,
  pick: (name: string) => Entry[],
  end: number | undefined,
  order: (step: number) => number[],
): void {
  const certificates = pick('ssl_certificate');
  const keys = pick('ssl_certificate_key');
  for (const spec of TLS_FILES) {
    if ((spec.verifyOnly?.(family) && !verifies) || (spec.onlyIf && !spec.onlyIf(family, pick))) continue;
    const entries = spec.name === 'ssl_certificate' ? certificates : spec.name === 'ssl_certificate_key' ? keys : pick(spec.name);
    for (let k = 0; k < entries.length; k++) {
      const entry = entries[k]!;
      if (reported.has(entry)) continue;
      for (const arg of entry.directive.args) {
        // Certificates and keys may be given inline (data:), keys by an OpenSSL engine (engine:); any other file is opened as named.
        if ((spec.name === 'ssl_certificate' || spec.name === 'ssl_certificate_key') && arg.value.startsWith('data:')) continue;
        if (spec.name === 'ssl_certificate_key' && arg.value.startsWith('engine:')) continue;
        const full = fullName(ctx, arg.value);
        const size = fileSize(full);
        const wrongSize = spec.name === 'ssl_session_ticket_key' && size !== null && size !== undefined && !TICKET_KEY_SIZES.includes(size);
        if (size !== null && !wrongSize) continue;
        reported.add(entry);
        const hint = size === null ? HINT : TICKET_KEY_HINT;
        // nginx names the end of the block: say where the file was named.
        const line = spec.ownRead ? end : undefined;
        const where = line && line !== entry.directive.line ? `; named at line ${entry.directive.line}` : '';
        // The k-th certificate, then its key, then the next certificate.
        const step = spec.name === 'ssl_certificate' || spec.name === 'ssl_certificate_key' ? pairStep(spec, k) : family === 'mail' ? spec.mailStep : spec.blockStep;
        ctx.report({
          entry,
          message: wrongSize ? `"${full}" must be 48 or 80 bytes` : spec.message(full),
          hint: hint + where,
          order: order(step),
          ...(line ? { line } : {}),
        });
        break;
      }
    }
  }
  function pairStep(spec: (typeof TLS_FILES)[number], k: number): number {
    // Within the pairs' step: a ten-thousandth per pair, half of it for the key.
    return (family === 'mail' ? spec.mailStep : spec.blockStep) + (k * 2 + (spec.name === 'ssl_certificate_key' ? 1 : 0)) / 20000;
  }
}

/** Whether any certificate or key is named with a variable (http and stream load those per connection). */
function hasVariables(...lists: Entry[][]): boolean {
  return lists.some((list) => list.some((e) => e.directive.args.some((a) => a.value.includes('$'))));
}

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
