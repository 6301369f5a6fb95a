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
  ADH: 'ADH',
  AECDH: 'AECDH',
  EXP: 'EXPORT',
  EXPORT: 'EXPORT',
  EXPORT40: 'EXPORT',
  EXPORT56: 'EXPORT',
  LOW: 'LOW',
  MD5: 'MD5',
};

/** The same families as they appear inside suite names (`DES-CBC3-SHA`, `EXP-RC4-MD5`, `ADH-AES256-SHA`). */
const NAME_PARTS: Record<string, string> = { RC4: 'RC4', RC2: 'RC2', DES: 'DES', CBC3: '3DES', NULL: 'eNULL', EXP: 'EXPORT', MD5: 'MD5', ADH: 'ADH', AECDH: 'AECDH' };

/**
 * The removals that take a family out: `!LOW` also removes single DES, `!aNULL` every
 * anonymous suite, while `!ADH` leaves the anonymous ECDH ones (and `!AECDH` the DH ones).
 */
const REMOVED_BY: Record<string, string[]> = { DES: ['DES', 'LOW'], ADH: ['ADH', 'aNULL'], AECDH: ['AECDH', 'aNULL'] };

/** The weak family of a suite name, if any: `DES-CBC3-SHA` is 3DES (not single DES). */
function suiteFamily(name: string): string | undefined {
  const found = name.toUpperCase().split('-').map((p) => NAME_PARTS[p]).filter((f): f is string => !!f);
  return found.includes('3DES') ? '3DES' : found[0];
}

/** The weak family an element adds, if any. */
function elementFamily(e: string): string | undefined {
  for (const word of e.split('+')) {
    const family = ALIASES[word.toUpperCase()] ?? (word.includes('-') ? suiteFamily(word) : undefined);
    if (family) return family;
  }
  return undefined;
}

/**
 * What an ssl_ciphers list leaves on that it should not, read in order as OpenSSL does:
 * elements (split at `:`, `,` or spaces) without a prefix add suites; `-X` takes X out of what
 * was added before it (a later element can add it again); `!X` takes it out for good, wherever
 * it stands; `+X` and `@...` only reorder. An approximation of OpenSSL's rules, erring on the
 * side of silence (aliases it does not know, such as ALL or MEDIUM, are not judged).
 */
export function weakCipherElements(list: string): { element: string; family: string }[] {
  const elements = list.split(/[:, ]+/).filter(Boolean);
  const banned = new Set<string>();
  for (const e of elements) {
    const family = e[0] === '!' ? ALIASES[e.slice(1).toUpperCase()] : undefined;
    if (family) banned.add(family);
  }
  /** Whether removing `removal` (or, with a set, any of them) takes `family` out. */
  const removedBy = (family: string, removal: string | Set<string>) =>
    (REMOVED_BY[family] ?? [family]).some((f) => (typeof removal === 'string' ? f === removal : removal.has(f)));
  // Family → the element that (last) added it, in the order they were added.
  const added = new Map<string, string>();
  for (const e of elements) {
    if (e[0] === '!' || e[0] === '+' || e[0] === '@') continue;
    if (e[0] === '-') {
      const removed = ALIASES[e.slice(1).toUpperCase()];
      if (removed) for (const f of [...added.keys()]) if (removedBy(f, removed)) added.delete(f);
      continue;
    }
    const family = elementFamily(e);
    if (family && !removedBy(family, banned)) added.set(family, e);
  }
  return [...added].map(([family, element]) => ({ element, family }));
}

/** How each family is named in messages. */
const DESCRIBED: Record<string, string> = {
  eNULL: 'no encryption',
  aNULL: 'no authentication',
  ADH: 'no authentication',
  AECDH: 'no authentication',
  EXPORT: 'export-grade',
  LOW: 'low strength',
};

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
(\`RC4-SHA\`, \`DES-CBC3-SHA\`, \`kEDH+3DES\`, \`ADH\`) is reported unless the list takes it out again:
with \`!\` anywhere (\`HIGH:!aNULL:!MD5\`, nginx's default, is fine), or with \`-\` after it (a
later element adds it back). \`!ADH\` leaves the anonymous ECDH suites; \`!aNULL\` removes both.
TLS 1.3 suites are not set here.`,
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
      message: `ssl_ciphers enables ${weak.map((w) => `${w.element} (${DESCRIBED[w.family] ?? w.family})`).join(', ')}`,
      hint: 'remove them, or start from nginx\'s default "HIGH:!aNULL:!MD5"',
      range: d.args[0]!.range,
      line: d.line,
    });
  },
});
