import { endOffset } from '@mailconf/syntax';
import { defineRule } from '../rule.js';
import type { Fix } from '../diagnostic.js';
import { cstr } from '../mail/listen.js';
import type { Entry } from '../walk.js';

/**
 * The capabilities nginx writes itself, per directive (proxy-runtime.md §2.3, §3.4, §4.3):
 * the item's first word, upper-cased, and the directive it comes from. IMAP items are words
 * (a quoted item may hold several); POP3 and SMTP items are whole lines, named by their first word.
 */
const MANAGED: Record<string, { words: Record<string, string>; prefix?: [string, string] }> = {
  imap_capabilities: { words: { STARTTLS: 'starttls', LOGINDISABLED: 'starttls only' }, prefix: ['AUTH=', 'imap_auth'] },
  pop3_capabilities: { words: { STLS: 'starttls', SASL: 'pop3_auth' } },
  smtp_capabilities: { words: { STARTTLS: 'starttls', AUTH: 'smtp_auth' } },
};

/** Lint: a capability nginx advertises by itself, listed by hand. */
export default defineRule({
  meta: {
    id: 'capability-set-by-nginx',
    description: 'A capability listed by hand that nginx advertises itself (STARTTLS, STLS, LOGINDISABLED, AUTH, SASL)',
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
Leave these items out and set the directive they come from. \`--fix\` removes the item when
others remain in the list.`,
  },
  stage: 'value',
  names: Object.keys(MANAGED),
  directive(entry, ctx) {
    const d = entry.directive;
    const managed = MANAGED[d.name];
    if (!managed || !entry.context?.startsWith('mail')) return;
    const found: { arg: number; word: string; from: string; wholeItem: boolean }[] = [];
    for (let i = 0; i < d.argCount; i++) {
      const item = cstr(d.argValue(i));
      // IMAP appends each word of an item; POP3 and SMTP send an item as one line.
      const words = d.name === 'imap_capabilities' ? item.split(' ').filter(Boolean) : [item.split(' ')[0] ?? ''];
      for (const w of words) {
        const upper = w.toUpperCase();
        const from = managed.words[upper] ?? (managed.prefix && upper.startsWith(managed.prefix[0]) ? managed.prefix[1] : undefined);
        if (!from) continue;
        found.push({ arg: i, word: w, from, wholeItem: words.length === 1 });
        break;
      }
    }
    // Fixes only while an item is left: the directive needs one, and with none the defaults
    // would come back, which is more than removing the item.
    const removable = found.filter((f) => f.wholeItem).length;
    for (const f of found) {
      const fix = f.wholeItem && removable < d.argCount ? removeItemFix(entry, f.arg) : null;
      ctx.report({
        entry,
        message: `"${f.word}" in ${d.name}: nginx adds it itself, following "${f.from}"`,
        hint: 'listed here it is advertised twice, or advertised while not enabled and then refused',
        range: d.args[f.arg]!.range,
        line: d.line,
        ...(fix ? { fix } : {}),
      });
    }
  },
});

/** Removes argument `i` with the space before it. */
function removeItemFix(entry: Entry, i: number): Fix | null {
  const d = entry.directive;
  const word = d.args[i]!;
  const before = i === 0 ? d.nameWord : d.args[i - 1];
  if (!before) return null;
  return {
    description: `remove "${word.raw}"`,
    edits: [{ file: entry.file, start: endOffset(before.range), end: endOffset(word.range), newText: '' }],
  };
}
