import { endOffset, startOffset } from '@mailconf/syntax';
import { defineRule } from '../rule.js';
import type { Fix } from '../diagnostic.js';
import { cstr } from '../mail/listen.js';
import type { Entry } from '../walk.js';

/**
 * The capabilities nginx writes itself, per directive (proxy-runtime.md §2.3, §3.4, §4.3):
 * the item's first word, upper-cased, and the directive it comes from. IMAP items are words
 * (a quoted item may hold several); POP3 and SMTP items are whole lines, named by their first
 * word. `mechanisms`: the item that lists authentication mechanisms (IMAP `AUTH=X`, POP3
 * `SASL X Y`, SMTP `AUTH X Y`).
 */
const MANAGED: Record<string, { words: Record<string, string>; mechanisms: { prefix: string; from: string } }> = {
  imap_capabilities: { words: { STARTTLS: 'starttls', LOGINDISABLED: 'starttls only' }, mechanisms: { prefix: 'AUTH=', from: 'imap_auth' } },
  pop3_capabilities: { words: { STLS: 'starttls' }, mechanisms: { prefix: 'SASL', from: 'pop3_auth' } },
  smtp_capabilities: { words: { STARTTLS: 'starttls' }, mechanisms: { prefix: 'AUTH', from: 'smtp_auth' } },
};

/** The mechanisms nginx's mail modules implement (ngx_mail_*_auth_methods_names). */
const NGINX_MECHANISMS = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'EXTERNAL'];

/** Lint: a capability nginx advertises by itself, listed by hand. */
export default defineRule({
  meta: {
    id: 'capability-set-by-nginx',
    description: 'A capability listed by hand that nginx advertises itself (STARTTLS, STLS, LOGINDISABLED, AUTH, SASL), or a login mechanism nginx does not have',
    kind: 'lint',
    severity: 'warning',
    fixable: true,
    docs: `nginx builds part of each greeting's capability list itself: IMAP \`STARTTLS\` and
\`LOGINDISABLED\` from \`starttls\`, and the \`AUTH=\` items from \`imap_auth\`; POP3 \`STLS\` from
\`starttls\` and the \`SASL\` line from \`pop3_auth\`; SMTP \`STARTTLS\` from \`starttls\` and the
\`AUTH\` line from \`smtp_auth\`. The \`*_capabilities\` directives add to that list, so the same
item listed there is advertised twice — or, where the setting is off, advertised and then
refused: a client told \`STARTTLS\` with \`starttls off\` gets an error when it tries, and many
give up; one told \`AUTH=CRAM-MD5\` that \`imap_auth\` does not enable is refused at login.
nginx itself authenticates clients with PLAIN, LOGIN, CRAM-MD5 and EXTERNAL only: a mechanism
such as \`AUTH=XOAUTH2\` listed by hand is refused when a client chooses it. Leave these items
out and set the directive they come from. \`--fix\` removes the item when others remain in the
list and no comment stands in the way.`,
  },
  stage: 'value',
  names: Object.keys(MANAGED),
  directive(entry, ctx) {
    const d = entry.directive;
    const managed = MANAGED[d.name];
    if (!managed || !entry.context?.startsWith('mail')) return;
    const found: { arg: number; word: string; message: string; twice: boolean; wholeItem: boolean }[] = [];
    for (let i = 0; i < d.argCount; i++) {
      const item = cstr(d.argValue(i));
      const words = item.split(' ').filter(Boolean);
      const problem = d.name === 'imap_capabilities' ? imapProblem(words, managed) : lineProblem(words, managed);
      if (problem) found.push({ arg: i, ...problem, wholeItem: d.name !== 'imap_capabilities' || words.length === 1 });
    }
    // Fixes only while an item is left: the directive needs one, and with none the defaults
    // would come back, which is more than removing the item.
    const removable = found.filter((f) => f.wholeItem).length;
    const source = ctx.set.files.get(entry.file)?.source;
    for (const f of found) {
      const fix = f.wholeItem && removable < d.argCount && source !== undefined ? removeItemFix(entry, f.arg, source) : null;
      ctx.report({
        entry,
        message: `"${f.word}" in ${d.name}: ${f.message}`,
        hint: f.twice ? 'listed here it is advertised twice, or advertised while not enabled and then refused' : undefined,
        range: d.args[f.arg]!.range,
        line: d.line,
        ...(fix ? { fix } : {}),
      });
    }
  },
});

type Managed = (typeof MANAGED)[string];

/** An IMAP item's first word that nginx writes itself, or a mechanism it does not have. */
/** What is wrong with an item: `twice` when nginx writes it too, else a mechanism nginx lacks. */
interface Problem {
  word: string;
  message: string;
  twice: boolean;
}

function imapProblem(words: string[], managed: Managed): Problem | null {
  for (const w of words) {
    const upper = w.toUpperCase();
    const from = managed.words[upper];
    if (from) return { word: w, message: `nginx adds it itself, following "${from}"`, twice: true };
    if (!upper.startsWith(managed.mechanisms.prefix)) continue;
    const mechanism = upper.slice(managed.mechanisms.prefix.length);
    return NGINX_MECHANISMS.includes(mechanism)
      ? { word: w, message: `nginx adds it itself, following "${managed.mechanisms.from}"`, twice: true }
      : { word: w, message: `nginx does not implement ${mechanism} and refuses clients that choose it`, twice: false };
  }
  return null;
}

/** A POP3 or SMTP line nginx writes itself: STLS/STARTTLS, or the mechanisms line. */
function lineProblem(words: string[], managed: Managed): Problem | null {
  const first = (words[0] ?? '').toUpperCase();
  const from = managed.words[first];
  if (from) return { word: words[0]!, message: `nginx adds it itself, following "${from}"`, twice: true };
  if (first !== managed.mechanisms.prefix) return null;
  const unknown = words.slice(1).filter((m) => !NGINX_MECHANISMS.includes(m.toUpperCase()));
  return unknown.length
    ? { word: words.join(' '), message: `nginx does not implement ${unknown.join(', ')} and refuses clients that choose ${unknown.length > 1 ? 'them' : 'it'}`, twice: false }
    : { word: words[0]!, message: `nginx adds it itself, following "${managed.mechanisms.from}"`, twice: true };
}

/** Removes argument `i` with the space before it; not when a comment stands in between (it would go too). */
function removeItemFix(entry: Entry, i: number, source: string): Fix | null {
  const d = entry.directive;
  const word = d.args[i]!;
  const before = i === 0 ? d.nameWord : d.args[i - 1];
  if (!before) return null;
  const start = endOffset(before.range);
  if (source.slice(start, startOffset(word.range)).includes('#')) return null;
  return {
    description: `remove "${word.raw}"`,
    edits: [{ file: entry.file, start, end: endOffset(word.range), newText: '' }],
  };
}
