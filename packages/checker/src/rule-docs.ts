/**
 * The documentation page of a rule, made from its metadata (docs/rules/<id>.md). A test
 * keeps the committed pages equal to what this renders, so docs never drift from the code.
 */
import type { Rule } from './rule.js';

export function renderRuleDoc(rule: Rule, examples: { name: string; text: string; expected: string }[] = []): string {
  const m = rule.meta;
  const lines = [
    `# ${m.id}`,
    '',
    `${m.description}.`,
    '',
    `- Kind: ${m.kind === 'nginx' ? 'nginx check (`nginx -t` reports this too)' : 'lint (advice nginx does not give)'}`,
    `- Default severity: ${m.severity}`,
  ];
  if (m.nginxChecks?.length) lines.push(`- nginx checks reproduced: ${m.nginxChecks.join(', ')} (see the checks catalogue)`);
  lines.push(`- Fixable with \`mailconf lint --fix\`: ${m.fixable ? 'yes' : 'no'}`, '', '## Why', '', m.docs.trim(), '');
  if (examples.length) {
    lines.push('## Examples', '');
    for (const e of examples) {
      lines.push(`### ${e.name}`, '', '```nginx', e.text.trimEnd(), '```', '');
      lines.push(e.expected.trim() ? 'mailconf reports:\n\n```\n' + e.expected.trimEnd() + '\n```' : 'mailconf reports nothing for this rule.', '');
    }
  }
  lines.push(
    '## Turning it off',
    '',
    'For one line: `# mailconf-disable-next-line ' + m.id + '` on the line before. For a project:',
    '',
    '```json',
    `{ "rules": { "${m.id}": "off" } }`,
    '```',
    '',
    'in `.mailconfrc.json`.',
    '',
  );
  return lines.join('\n');
}
