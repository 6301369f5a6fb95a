/**
 * The scope snapshot format (fixtures/grammar/*.conf.snap): one line per token,
 *
 *   LINE:FIRST-LAST "text" scope scope ...
 *
 * LINE and the columns are 1-based, FIRST-LAST inclusive (UTF-16 columns); "text" is the token
 * as a JSON string, so spaces, tabs and backslashes are visible; the scopes are listed outside
 * in, without the root scope source.nginx that every token has. Whitespace-only tokens are left
 * out unless they are inside a string or a comment, where they are part of the value.
 */
import type { Token } from './textmate.js';

export const SNAPSHOT_HEADER =
  '# TextMate scopes of the .conf file beside this one (grammars/test/snapshot.ts describes the format).\n' +
  '# Regenerate with UPDATE_SNAPSHOTS=1 npx vitest run grammars, then review the diff.\n';

function isInsideValue(scopes: string[]): boolean {
  return scopes.some((s) => s.startsWith('string.') || s.startsWith('comment.'));
}

export function formatSnapshot(tokens: Token[]): string {
  const lines: string[] = [];
  for (const t of tokens) {
    if (/^[ \t\r\n]*$/.test(t.text) && !isInsideValue(t.scopes)) continue;
    const scopes = t.scopes.filter((s) => s !== 'source.nginx');
    lines.push(`${t.line + 1}:${t.start + 1}-${t.end} ${JSON.stringify(t.text)} ${scopes.join(' ')}`.trimEnd());
  }
  return SNAPSHOT_HEADER + lines.join('\n') + '\n';
}
