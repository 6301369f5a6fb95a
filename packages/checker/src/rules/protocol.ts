import { defineRule } from '../rule.js';
import { cstr } from '../mail/listen.js';

export const MAIL_PROTOCOLS = ['imap', 'pop3', 'smtp'] as const;

/** D3: `protocol` names one of the compiled-in mail protocols, exactly. */
export default defineRule({
  meta: {
    id: 'unknown-protocol',
    description: 'A protocol value other than imap, pop3 or smtp',
    kind: 'nginx',
    severity: 'error',
    nginxChecks: ['D3'],
    docs: `\`protocol\` takes \`imap\`, \`pop3\` or \`smtp\`, in lowercase: \`IMAP\` is an unknown protocol.`,
  },
  stage: 'value',
  names: ['protocol'],
  directive(entry, ctx) {
    const d = entry.directive;
    if (d.name !== 'protocol' || entry.context !== 'mail:server' || d.argCount !== 1) return;
    const v = cstr(d.argValue(0));
    if ((MAIL_PROTOCOLS as readonly string[]).includes(v)) return;
    const lower = v.toLowerCase();
    const hint = (MAIL_PROTOCOLS as readonly string[]).includes(lower) ? `protocol names are lowercase: "${lower}"` : 'expected imap, pop3 or smtp';
    const fix = (MAIL_PROTOCOLS as readonly string[]).includes(lower)
      ? { description: `write "${lower}"`, edits: [{ file: entry.file, start: d.args[0]!.range.start.offset, end: d.args[0]!.range.end.offset, newText: lower }] }
      : undefined;
    ctx.report({ entry, message: `unknown protocol "${v}"`, hint, ...(fix ? { fix } : {}) });
  },
});
