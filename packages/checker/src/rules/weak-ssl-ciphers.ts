import { defineRule } from '../rule.js';
import { cstr } from '../mail/listen.js';

/** OpenSSL aliases (one word of an element, `+`-joined) that select broken or unauthenticated suites, by family. */
const ALIASES: Record<string, string> = {
  RC4: 'RC4',
  RC2: 'RC2',
  DES: 'DES',
  '3DES': '3DES',
  NULL: 'eNULL',
  ENULL: 'eNULL',
  ANULL: 'aNULL',
  ADH: 'aNULL',
  AECDH: 'aNULL',
  EXP: 'EXPORT',
  EXPORT: 'EXPORT',
  EXPORT40: 'EXPORT',
  EXPORT56: 'EXPORT',
  LOW: 'LOW',
  MD5: 'MD5',
};

/** The same families as they appear inside suite names (`DES-CBC3-SHA`, `EXP-RC4-MD5`, `ADH-AES256-SHA`). */
const NAME_PARTS: Record<string, string> = { RC4: 'RC4', RC2: 'RC2', DES: 'DES', CBC3: '3DES', NULL: 'eNULL', EXP: 'EXPORT', MD5: 'MD5', ADH: 'aNULL', AECDH: 'aNULL' };

/** The weak family of a suite name, if any: `DES-CBC3-SHA` is 3DES (not single DES). */
function suiteFamily(name: string): string | undefined {
  const found = name.toUpperCase().split('-').map((p) => NAME_PARTS[p]).filter((f): f is string => !!f);
  return found.includes('3DES') ? '3DES' : found[0];
}

/** Families an exclusion also takes out: `!LOW` removes single DES, `!NULL` the null ciphers. */
const EXCLUDED_BY: Record<string, string[]> = { DES: ['DES', 'LOW'], eNULL: ['eNULL'], aNULL: ['aNULL'], EXPORT: ['EXPORT'] };

/**
 * What an ssl_ciphers list turns on that it should not: elements (split at `:`, `,` or spaces)
 * that add suites (no `!`, `-` or `+` in front) and name a weak family, unless the list removes
 * that family with `!` or `-`. An approximation of OpenSSL's rules, erring on the side of silence.
 */
export function weakCipherElements(list: string): { element: string; family: string }[] {
  const elements = list.split(/[:, ]+/).filter(Boolean);
  const excluded = new Set<string>();
  for (const e of elements) {
    if (e[0] !== '!' && e[0] !== '-') continue;
    const a = ALIASES[e.slice(1).toUpperCase()];
    if (a) excluded.add(a);
  }
  const isExcluded = (family: string) => (EXCLUDED_BY[family] ?? [family]).some((f) => excluded.has(f));
  const out: { element: string; family: string }[] = [];
  for (const e of elements) {
    if (e[0] === '!' || e[0] === '-' || e[0] === '+' || e[0] === '@') continue;
    let family: string | undefined;
    for (const word of e.split('+')) {
      family = ALIASES[word.toUpperCase()];
      if (!family && word.includes('-')) family = suiteFamily(word);
      if (family) break;
    }
    if (family && !isExcluded(family)) out.push({ element: e, family });
  }
  return out;
}

/** Lint: broken or unauthenticated cipher suites enabled. */
export default defineRule({
  meta: {
    id: 'weak-ssl-ciphers',
    description: 'ssl_ciphers turns on RC4, DES, 3DES, export, NULL or anonymous suites',
    kind: 'lint',
    severity: 'warning',
    docs: `Cipher lists copied from old guides often turn on suites that are broken (RC4, DES, 3DES,
export-grade, MD5) or that encrypt nothing (\`NULL\`, \`eNULL\`) or authenticate no one (\`aNULL\`,
\`ADH\`: anyone in the middle can read the passwords). An element that adds such a family
(\`RC4-SHA\`, \`DES-CBC3-SHA\`, \`kEDH+3DES\`, \`ADH\`) is reported unless the list also removes it
with \`!\` (\`HIGH:!aNULL:!MD5\`, nginx's default, is fine). TLS 1.3 suites are not set here.`,
  },
  stage: 'value',
  names: ['ssl_ciphers'],
  directive(entry, ctx) {
    const d = entry.directive;
    if (d.name !== 'ssl_ciphers' || !entry.context?.startsWith('mail') || d.argCount !== 1) return;
    const weak = weakCipherElements(cstr(d.argValue(0)));
    if (!weak.length) return;
    ctx.report({
      entry,
      message: `ssl_ciphers enables ${weak.map((w) => (w.element.toUpperCase() === w.family.toUpperCase() ? w.element : `${w.element} (${w.family})`)).join(', ')}`,
      hint: 'remove them, or start from nginx\'s default "HIGH:!aNULL:!MD5"',
      range: d.args[0]!.range,
      line: d.line,
    });
  },
});
