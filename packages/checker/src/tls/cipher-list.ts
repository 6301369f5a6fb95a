/**
 * What SSL_CTX_set_cipher_list refuses of an `ssl_ciphers` string, read as OpenSSL 3's
 * ssl_cipher_process_rulestr reads it, with the error text OpenSSL 3.0 puts in nginx's
 * message. Only what every OpenSSL 3 build refuses is judged:
 *
 * - "invalid command": a character that is neither a separator (`:`, `,`, `;`, space), a
 *   prefix (`!`, `-`, `+`, `@`) nor part of a name where an element starts (`HIGH:*`, `HIGH:!`),
 *   or an `@` command other than `@STRENGTH` and `@SECLEVEL=0`..`5`. OpenSSL records one error
 *   for each bad `@` command and stops at the first bad character.
 * - "no cipher match": the string selects no TLS 1.2 suite, because each element that adds
 *   suites names something no OpenSSL 3 knows (names are exact: `high` is not `HIGH`), names
 *   only TLS 1.3 suites (those belong in `ssl_conf_command Ciphersuites`), or is taken out
 *   again by the same element after `!` (anywhere) or `-` (after it), or by `!ALL`/`-ALL`.
 *
 * After an element OpenSSL knows it reads on without a separator (`HIGH@STRENGTH`); after one
 * it does not know it skips to the next separator. Where that depends on the build (a name
 * some builds leave out followed by more text), the string is not judged.
 */
import { ALIASES, BUILD_DEPENDENT, CORE_ALIASES, SUITE_NAMES, TLS13_SUITES } from './openssl-ciphers.js';

const NO_MATCH = 'error:0A0000B9:SSL routines::no cipher match';
const INVALID_COMMAND = 'error:0A000118:SSL routines::invalid command';

export interface CipherListProblem {
  /** OpenSSL's errors as nginx prints them after "(SSL: ". */
  errors: string;
  /** What to change, when one cause is clear. */
  hint?: string;
}

const IANA = /^TLS_.+_WITH_/;
const isSeparator = (c: string | undefined) => c === ':' || c === ' ' || c === ';' || c === ',';
const isNameChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9\-_.=]/.test(c);

/** Whether some OpenSSL 3 build has the word in its lookup list (names are exact). */
function mayKnow(word: string): boolean {
  // IANA names of TLS 1.2 suites: OpenSSL 3.0 does not take them, later releases might.
  return TLS13_SUITES.has(word) || ALIASES.has(word) || SUITE_NAMES.has(word) || BUILD_DEPENDENT.test(word) || IANA.test(word);
}

/**
 * Words that add no TLS 1.2 suite in any OpenSSL 3 build: TLS 1.3 suites (set apart, with
 * ssl_conf_command Ciphersuites), and LOW, whose 56- and 64-bit suites OpenSSL 1.1.0 removed.
 */
const selectsNothing = (word: string) => TLS13_SUITES.has(word) || word === 'LOW';

/** Whether OpenSSL reads on after these words whatever the build: one alias every build has. */
const certainlyKnown = (words: readonly string[]) => words.length === 1 && CORE_ALIASES.has(words[0]!);

interface Element {
  rule: 'add' | 'kill' | 'del' | 'ord';
  text: string;
  /** Adds no TLS 1.2 suite in any build. */
  nothing: boolean;
  /** `!ALL`/`-ALL` may leave some of it: the eNULL suites, which ALL does not include. */
  outsideAll: boolean;
  /** Adds only eNULL suites (`eNULL`, `NULL-SHA`, `ECDHE-RSA-NULL-SHA`). */
  onlyENull: boolean;
}

/** The problem OpenSSL 3 reports for a cipher string, or null when none is certain. */
export function cipherListProblem(list: string): CipherListProblem | null {
  const elements: Element[] = [];
  const unknownWords: string[] = [];
  let invalid = 0;
  let s = list;
  // ssl_create_cipher_list replaces a string starting with SUITEB.
  if (s.startsWith('SUITEB')) return null;
  // Fedora, RHEL and openSUSE patch OpenSSL to read PROFILE=SYSTEM as the system policy.
  if (s.startsWith('PROFILE=SYSTEM')) return null;
  // `_` is part of a name from OpenSSL 3.2 on (with IANA names), not before: only TLS 1.3 and
  // IANA suite names come out the same either way.
  for (const run of s.match(/[A-Za-z0-9_.=-]+/g) ?? []) {
    const word = run.replace(/^-+/, '');
    if (word.includes('_') && !TLS13_SUITES.has(word) && !IANA.test(word)) return null;
  }
  // A leading DEFAULT is the default list (all of it within ALL), then the rest.
  if (s.startsWith('DEFAULT')) {
    elements.push({ rule: 'add', text: 'DEFAULT', nothing: false, outsideAll: false, onlyENull: false });
    s = s.slice(s[7] === ':' ? 8 : 7);
  }
  let i = 0;
  while (i < s.length) {
    const ch = s[i];
    let rule: Element['rule'] | 'special' = 'add';
    if (ch === '-') rule = 'del';
    else if (ch === '+') rule = 'ord';
    else if (ch === '!') rule = 'kill';
    else if (ch === '@') rule = 'special';
    if (rule !== 'add') i++;
    else if (isSeparator(ch)) {
      i++;
      continue;
    }
    // The words of the element, `+`-joined.
    const words: string[] = [];
    let known = true;
    let start = i;
    for (;;) {
      start = i;
      while (isNameChar(s[i])) i++;
      if (i === start) {
        // A character OpenSSL cannot read: certain only when every word before it in this
        // element is one every build has (else OpenSSL may have skipped it).
        if (words.length === 0 || certainlyKnown(words)) {
          const what = i < s.length ? `"${s[i]}"` : 'the end of the string';
          return { errors: repeat(INVALID_COMMAND, invalid + 1), hint: `OpenSSL expects a cipher name or alias ${rule === 'add' ? 'here' : `after "${ch}"`}, not ${what}` };
        }
        return null;
      }
      if (rule === 'special') break;
      const word = s.slice(start, i);
      const multi = s[i] === '+';
      if (multi) i++;
      if (!mayKnow(word)) {
        unknownWords.push(word);
        known = false;
        break;
      }
      words.push(word);
      if (!multi) break;
    }
    if (rule === 'special') {
      const command = s.slice(start, i);
      if (command !== 'STRENGTH' && !/^SECLEVEL=[0-5]$/.test(command)) invalid++;
      while (i < s.length && !isSeparator(s[i])) i++;
      continue;
    }
    if (!known) {
      while (i < s.length && !isSeparator(s[i])) i++;
      continue;
    }
    // Found, in some builds at least: OpenSSL reads on from here. Followed by more than a
    // separator, that is certain only after one word every build has.
    if (i < s.length && !isSeparator(s[i]) && !certainlyKnown(words)) return null;
    const text = words.join('+');
    elements.push({ rule, text, nothing: words.some(selectsNothing), outsideAll: !words.some(withinAll), onlyENull: words.some(encryptsNothing) });
  }
  if (invalid) return { errors: repeat(INVALID_COMMAND, invalid), hint: 'the commands are @STRENGTH and @SECLEVEL=0 to @SECLEVEL=5' };

  // The eNULL suites are out for good after a leading DEFAULT (ALL:!COMPLEMENTOFDEFAULT:!eNULL)
  // or a `!eNULL`: then `!ALL`/`-ALL` leaves nothing of any element.
  const eNullKilled = elements[0]?.text === 'DEFAULT' || elements.some((e) => e.rule === 'kill' && (e.text === 'eNULL' || e.text === 'NULL' || e.text === 'COMPLEMENTOFALL'));
  const adds = elements.filter((e, at) => e.rule === 'add' && !e.nothing && !(eNullKilled && e.onlyENull) && !takenOut(elements, e, at, eNullKilled));
  if (adds.length) return null;
  return { errors: NO_MATCH, ...noMatchHint(list, elements, unknownWords) };
}

/**
 * Words that select no eNULL suite, so that ALL covers them: encryption and strength aliases
 * and suites that encrypt. Key-exchange, authentication, digest and version aliases all take
 * in some eNULL suite (`SSLv3` has NULL-SHA, `ECDHE` ECDHE-RSA-NULL-SHA, `aNULL` AECDH-NULL-SHA).
 */
const ENCRYPTING = new Set([
  'HIGH',
  'MEDIUM',
  'LOW',
  'FIPS',
  'ALL',
  'COMPLEMENTOFDEFAULT',
  'DEFAULT',
  'AES',
  'AES128',
  'AES256',
  'AESGCM',
  'AESCCM',
  'AESCCM8',
  'CAMELLIA',
  'CAMELLIA128',
  'CAMELLIA256',
  'CHACHA20',
  'ARIA',
  'ARIAGCM',
  'ARIA128',
  'ARIA256',
  'CBC',
  '3DES',
  'RC4',
  'RC2',
  'IDEA',
  'SEED',
]);
function withinAll(word: string): boolean {
  if (ENCRYPTING.has(word)) return true;
  return !word.includes('NULL') && !ALIASES.has(word) && (SUITE_NAMES.has(word) || BUILD_DEPENDENT.test(word) || IANA.test(word));
}

/** Words that select only eNULL suites. */
function encryptsNothing(word: string): boolean {
  return word === 'eNULL' || word === 'NULL' || word === 'COMPLEMENTOFALL' || (!ALIASES.has(word) && /(^|-)NULL-/.test(word));
}

/** Whether the suites `e` (at index `at`) adds are all taken out by a later `-` or any `!`. */
function takenOut(elements: Element[], e: Element, at: number, eNullKilled: boolean): boolean {
  return elements.some((r, k) => (r.rule === 'kill' || (r.rule === 'del' && k > at)) && (r.text === e.text || (r.text === 'ALL' && (!e.outsideAll || eNullKilled))));
}

function repeat(error: string, n: number): string {
  return Array.from({ length: n }, () => error).join(' ');
}

function noMatchHint(list: string, elements: Element[], unknownWords: string[]): { hint?: string } {
  const cased = unknownWords.map((w) => [w, [...ALIASES, ...SUITE_NAMES].find((n) => n.toLowerCase() === w.toLowerCase())] as const).find(([, n]) => n);
  if (cased) return { hint: `names are case-sensitive: "${cased[1]}", not "${cased[0]}"` };
  if (elements.some((e) => e.nothing && e.text.split('+').some((w) => TLS13_SUITES.has(w))))
    return { hint: 'TLS 1.3 suites are set with "ssl_conf_command Ciphersuites", not ssl_ciphers' };
  if (elements.some((e) => e.nothing)) return { hint: 'LOW selects nothing: OpenSSL 1.1.0 removed its 56- and 64-bit suites' };
  const version = unknownWords.find((w) => /^TLSv1\.[13]$/.test(w));
  if (version) return { hint: `"${version}" is not an alias OpenSSL knows (it has SSLv3, TLSv1 and TLSv1.2); protocols are set with ssl_protocols` };
  if (unknownWords.includes('DEFAULT')) return { hint: '"DEFAULT" is the default list only at the start of the string' };
  if (unknownWords.length) return { hint: `OpenSSL knows no cipher or alias "${unknownWords[0]}" (see "openssl ciphers -v ${list ? `'${list}'` : "''"}")` };
  if (elements.some((e) => e.rule === 'add')) return { hint: 'every suite it adds is taken out again' };
  return {};
}
