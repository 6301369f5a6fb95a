/**
 * The syntax errors PCRE2 finds when nginx compiles a regex (`location ~`, `map ~`, `if (... ~ ...)`,
 * `rewrite`, ...), in PCRE2 10.42's words and at its offset, for the mistakes people make:
 * unbalanced parentheses, an unclosed character class, a quantifier with nothing to repeat
 * (`location ~ *.php$`), a range out of order, a bad `{n,m}`, a bad or repeated group name, an
 * unknown `(?` letter, a `\` at the end.
 *
 * It reads a pattern the way PCRE2's parse_regex does, left to right, and stops at the first
 * error, as PCRE2 does. Where it cannot be sure what PCRE2 would say (extended mode `(?x)`,
 * constructs newer PCRE2 releases added, escapes it does not know), it says nothing: a missed
 * error is better than a false one. Every message and offset was checked against nginx 1.22.1
 * (Debian, PCRE2 10.42); the generated-config oracle suite compares it on random patterns.
 */

export interface PcreError {
  /** PCRE2's message, e.g. `missing closing parenthesis`. */
  message: string;
  /** Where PCRE2 stopped (nginx prints the pattern from there on, unless it is the end). */
  offset: number;
}

/** Whether a quantifier may follow: after an item, not at the start, after `(`, `|`, `^`, `$`, `\b` or an option setting. */
type State = 'item' | 'none' | 'quantifier' | 'modified' | 'unknown';

const POSIX = new Set(['alpha', 'lower', 'upper', 'alnum', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'print', 'punct', 'space', 'word', 'xdigit']);
/** Escapes that stand for a set of characters: not an end of a range. */
const CLASS_ESCAPES = 'dDsSwWhHvVpP';
/** Letter escapes that stand for characters (or sets of them), so a quantifier may follow. */
const REPEATABLE_ESCAPES = `${CLASS_ESCAPES}RXNCnrtfeaxocgk`;
/** Option letters PCRE2 10.42 knows in `(?imnsxJU-^)`; `a` and `r` came later: not judged. */
const OPTION_LETTERS = 'imnsJU^-';
const MAX_QUANTIFIER = 65535;

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isNameChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);

class Bail extends Error {}

/** The first syntax error PCRE2 would report for `pattern`, or null (none, or none we can be sure of). */
export function pcreSyntaxError(pattern: string): PcreError | null {
  const r = readOrBail(pattern);
  return r && 'message' in r ? r : null;
}

/** How many capture groups PCRE2 counts in `pattern` (PCRE2_INFO_CAPTURECOUNT), or null when it does not compile or we cannot be sure. */
export function pcreCaptureCount(pattern: string): number | null {
  const r = readOrBail(pattern);
  return r && 'captures' in r && !pattern.includes('(?|') ? r.captures : null;
}

function readOrBail(pattern: string): PcreError | { captures: number } | null {
  try {
    return read(pattern);
  } catch (e) {
    if (e instanceof Bail) return null;
    throw e;
  }
}

function read(p: string): PcreError | { captures: number } {
  const n = p.length;
  const names = new Set<string>();
  // Duplicate names are allowed with (?J) and in branch-reset groups: not judged there.
  const judgeNames = !p.includes('(?|') && !/\(\?[a-zA-Z^-]*J/.test(p);
  let depth = 0;
  let state: State = 'none';
  /** Capture groups, and the back-references `\1`..`\9` with their offsets (checked at the end, as PCRE2 does). */
  let groups = 0;
  const refs: { number: number; offset: number }[] = [];
  let i = 0;
  const fail = (message: string, offset: number): PcreError => ({ message, offset });

  while (i < n) {
    const c = p[i]!;
    switch (c) {
      case '\\': {
        if (i + 1 >= n) return fail('\\ at end of pattern', n);
        const e = p[i + 1]!;
        if (e === 'Q') {
          const end = p.indexOf('\\E', i + 2);
          const stop = end === -1 ? n : end;
          if (stop > i + 2) state = 'item';
          i = end === -1 ? n : end + 2;
          continue;
        }
        if (e === 'E') {
          // A lone \E does nothing.
          i += 2;
          continue;
        }
        if (e >= '1' && e <= '9') {
          // pcre2pattern: the digits are a back-reference when the number is below 10, starts
          // with 8 or 9, or when that many groups came before; otherwise up to three octal digits.
          let k = i + 1;
          while (isDigit(p[k])) k++;
          const number = Number(p.slice(i + 1, k));
          // PCRE2 has its own rules for numbers past 65535 ("subpattern number is too big", or a literal digit): not judged.
          if (number > 65535) throw new Bail();
          if (number < 10 || e === '8' || e === '9' || groups >= number) {
            refs.push({ number, offset: k - 1 });
            i = k;
          } else {
            k = i + 1;
            while (k < i + 4 && p[k]! >= '0' && p[k]! <= '7') k++;
            i = k;
          }
          state = 'item';
          continue;
        }
        const bad = badEscape(p, i);
        if (bad) return bad;
        const big = tooLargeCodePoint(p, i);
        if (big) return big;
        if (e === 'g' && isDigit(p[i + 2])) {
          // \g1: a back-reference by number.
          let k = i + 2;
          while (isDigit(p[k])) k++;
          const number = Number(p.slice(i + 2, k));
          if (number > 65535) throw new Bail();
          // PCRE2 names the last digit.
          refs.push({ number, offset: k - 1 });
          i = k;
          state = 'item';
          continue;
        }
        i = escapeEnd(p, i);
        // Assertions (\b \B \A \Z \z \G) and \K are not repeatable.
        state = 'bBAZzGK'.includes(e) ? 'none' : /[a-zA-Z]/.test(e) && !REPEATABLE_ESCAPES.includes(e) ? 'unknown' : 'item';
        continue;
      }
      case '[': {
        // Perl's word-boundary classes.
        if (p.startsWith('[[:<:]]', i) || p.startsWith('[[:>:]]', i)) {
          i += 7;
          state = 'none';
          continue;
        }
        // `[:alpha:]` (or `[.a.]`, `[=a=]`) with no class around it.
        if ((p[i + 1] === ':' || p[i + 1] === '.' || p[i + 1] === '=') && posixEnd(p, i) !== -1) {
          return fail(p[i + 1] === ':' ? 'POSIX named classes are supported only within a class' : 'POSIX collating elements are not supported', i);
        }
        const r = readClass(p, i);
        if ('message' in r) return r;
        i = r.end;
        state = 'item';
        continue;
      }
      case '(': {
        const r = openGroup(p, i, names, judgeNames);
        if (r.error) return r.error;
        i = r.end;
        if (r.capture) groups++;
        if (r.kind === 'group') {
          depth++;
          state = 'none';
        } else if (r.kind === 'options') state = 'none';
        else if (r.kind === 'comment') {
          // transparent
        } else state = 'unknown';
        continue;
      }
      case ')':
        if (depth === 0) return fail('unmatched closing parenthesis', i);
        depth--;
        state = 'item';
        i++;
        continue;
      case '|':
        state = 'none';
        i++;
        continue;
      case '^':
      case '$':
        state = 'none';
        i++;
        continue;
      case '*':
      case '+':
      case '?': {
        if (state === 'quantifier' && (c === '?' || c === '+')) {
          state = 'modified';
          i++;
          continue;
        }
        if (state === 'none' || state === 'quantifier' || state === 'modified') return fail('quantifier does not follow a repeatable item', i);
        state = state === 'item' ? 'quantifier' : 'unknown';
        i++;
        continue;
      }
      case '{': {
        const q = readBraces(p, i);
        if (!q) {
          state = 'item';
          i++;
          continue;
        }
        const close = q.end - 1;
        if (q.overflow !== null) return fail('number too big in {} quantifier', q.overflow);
        if (q.max !== null && q.max < q.min) return fail('numbers out of order in {} quantifier', close);
        if (state === 'none' || state === 'quantifier' || state === 'modified') return fail('quantifier does not follow a repeatable item', close);
        state = state === 'item' ? 'quantifier' : 'unknown';
        i = q.end;
        continue;
      }
      default:
        state = 'item';
        i++;
    }
  }
  if (depth > 0) return fail('missing closing parenthesis', n);
  // Branch-reset groups number their captures differently: not judged.
  const missing = p.includes('(?|') ? undefined : refs.find((r) => r.number > groups);
  if (missing) return fail('reference to non-existent subpattern', missing.offset);
  return { captures: groups };
}

/** Letters PCRE2 10.42 does not know after a `\`, and those it names as Perl's it does not support. */
const UNKNOWN_ESCAPES = 'ijmqyIJMOTY';
const PERL_ONLY_ESCAPES = 'FLlUu';

/** PCRE2's error for the escape at `i`, when it is a letter PCRE2 refuses. */
function badEscape(p: string, i: number): PcreError | null {
  const e = p[i + 1]!;
  if (UNKNOWN_ESCAPES.includes(e)) return { message: 'unrecognized character follows \\', offset: i + 1 };
  if (PERL_ONLY_ESCAPES.includes(e)) return { message: 'PCRE2 does not support \\F, \\L, \\l, \\N{name}, \\U, or \\u', offset: i + 2 };
  return null;
}

/** `\x{...}` and `\o{...}` above 0xff: too large for nginx's PCRE2, which compiles without UTF mode. */
function tooLargeCodePoint(p: string, i: number): PcreError | null {
  const e = p[i + 1];
  if ((e !== 'x' && e !== 'o') || p[i + 2] !== '{') return null;
  const close = p.indexOf('}', i + 3);
  if (close === -1) return null;
  const digits = p.slice(i + 3, close);
  if (!(e === 'x' ? /^[0-9a-fA-F]+$/ : /^[0-7]+$/).test(digits)) throw new Bail();
  return parseInt(digits, e === 'x' ? 16 : 8) > 0xff ? { message: 'character code point value in \\x{} or \\o{} is too large', offset: close } : null;
}

/** Where the escape at `i` (a `\`) ends. */
function escapeEnd(p: string, i: number): number {
  const e = p[i + 1]!;
  const next = p[i + 2];
  if ('xopPgkN'.includes(e) && (next === '{' || ((e === 'g' || e === 'k') && (next === '<' || next === "'")))) {
    const closer = next === '{' ? '}' : next === '<' ? '>' : "'";
    const end = p.indexOf(closer, i + 3);
    if (end === -1) throw new Bail();
    return end + 1;
  }
  if (e === 'c') {
    if (i + 2 >= p.length) throw new Bail();
    return i + 3;
  }
  // \xhh: up to two hex digits; \pL: a one-letter property.
  if (e === 'x') {
    let k = i + 2;
    while (k < i + 4 && /[0-9a-fA-F]/.test(p[k] ?? '')) k++;
    return k;
  }
  if ((e === 'p' || e === 'P') && p[i + 2] !== undefined) return i + 3;
  if (isDigit(e)) {
    let k = i + 1;
    while (isDigit(p[k])) k++;
    return k;
  }
  return i + 2;
}

/**
 * A valid `{n}`, `{n,}` or `{n,m}` at `i` (digits only, as PCRE2 10.42 reads them), or null (then
 * `{` is a literal); `overflow` is where PCRE2 stops when a number passes 65535: right after the
 * digit that made it too big.
 */
function readBraces(p: string, i: number): { min: number; max: number | null; end: number; overflow: number | null } | null {
  let overflow: number | null = null;
  const number = (from: number): { value: number; end: number } => {
    let k = from;
    let value = 0;
    while (isDigit(p[k])) {
      value = value * 10 + (p.charCodeAt(k) - 48);
      k++;
      if (value > MAX_QUANTIFIER && overflow === null) overflow = k;
    }
    return { value, end: k };
  };
  const min = number(i + 1);
  if (min.end === i + 1) return null;
  if (p[min.end] === '}') return { min: min.value, max: min.value, end: min.end + 1, overflow };
  if (p[min.end] !== ',') return null;
  const max = number(min.end + 1);
  if (p[max.end] !== '}') return null;
  return { min: min.value, max: max.end === min.end + 1 ? null : max.value, end: max.end + 1, overflow };
}

type ClassItem = { kind: 'char'; value: number } | { kind: 'set' } | { kind: 'unknown' };

/** A character class from its `[` at `i`: where it ends, or its error. */
function readClass(p: string, i: number): { end: number } | PcreError {
  const n = p.length;
  let k = i + 1;
  // Before the first character PCRE2 skips \E and empty \Q\E, and one `^` among them.
  for (let negated = false; ; ) {
    if (p.startsWith('\\E', k)) k += 2;
    else if (p.startsWith('\\Q\\E', k)) k += 4;
    else if (p[k] === '^' && !negated) {
      negated = true;
      k++;
    } else break;
  }
  // A `]` first is a literal.
  let first = true;
  /** The last single item, when a `-` could make it the start of a range. */
  let last: ClassItem | null = null;
  while (k < n) {
    const c = p[k]!;
    if (c === '\\' && (p[k + 1] === 'Q' || p[k + 1] === 'E')) {
      // \Q...\E is literal text here too, and a lone \E or an empty \Q\E is nothing at all (a
      // `]` after it is still the first character). Ranges across them are not judged.
      if (last) last = { kind: 'unknown' };
      if (p[k + 1] === 'E') {
        k += 2;
        continue;
      }
      const close = p.indexOf('\\E', k + 2);
      const stop = close === -1 ? n : close;
      if (stop > k + 2) {
        first = false;
        last = { kind: 'unknown' };
      }
      k = close === -1 ? n : close + 2;
      continue;
    }
    if (c === ']' && !first) return { end: k + 1 };
    first = false;
    // A range: `-` after a single item, not before the closing `]`.
    if (c === '-' && last && k + 1 < n && p[k + 1] !== ']') {
      const dash = k;
      // A set before the `-` is wrong whatever follows; a POSIX class after it, whatever its name.
      if (last.kind === 'set') return { message: 'invalid range in character class', offset: dash };
      if (p[k + 1] === '[' && (p[k + 2] === ':' || p[k + 2] === '.' || p[k + 2] === '=') && posixEnd(p, k + 1) !== -1) {
        return { message: 'invalid range in character class', offset: k + 2 };
      }
      const right = readClassItem(p, k + 1);
      if ('message' in right) return right;
      if (right.item.kind === 'set') return { message: 'invalid range in character class', offset: right.end };
      if (last.kind === 'char' && right.item.kind === 'char' && right.item.value < last.value) return { message: 'range out of order in character class', offset: right.end - 1 };
      k = right.end;
      last = null;
      continue;
    }
    const r = readClassItem(p, k);
    if ('message' in r) return r;
    k = r.end;
    last = r.item;
  }
  return { message: 'missing terminating ] for character class', offset: n };
}

/** One item of a class at `k`: a character, an escape, or a POSIX class. */
function readClassItem(p: string, k: number): { item: ClassItem; end: number } | PcreError {
  const c = p[k]!;
  if (c === '\\') {
    if (k + 1 >= p.length) return { message: '\\ at end of pattern', offset: p.length };
    const e = p[k + 1]!;
    // \Q...\E and \E inside a class, and escapes with a value other than themselves: not judged.
    if (e === 'Q' || e === 'E') throw new Bail();
    const bad = badEscape(p, k);
    if (bad) return bad;
    const big = tooLargeCodePoint(p, k);
    if (big) return big;
    // Assertions, \R, \X and the like stand for no character.
    if ('ABCGKRXZkz'.includes(e)) return { message: 'escape sequence is invalid in character class', offset: k + 1 };
    if (e === 'N') {
      if (p[k + 2] === '{') throw new Bail();
      return { message: '\\N is not supported in a class', offset: k + 2 };
    }
    const end = escapeEnd(p, k);
    if (CLASS_ESCAPES.includes(e)) return { item: { kind: 'set' }, end };
    if (e === 'x') {
      const value = parseInt(p[k + 2] === '{' ? p.slice(k + 3, end - 1) : p.slice(k + 2, end) || '0', 16);
      return { item: Number.isNaN(value) ? { kind: 'unknown' } : { kind: 'char', value }, end };
    }
    // `\]`, `\-`, `\\` and other punctuation stand for themselves.
    if (!/[a-zA-Z0-9]/.test(e) && e < '\x80') return { item: { kind: 'char', value: e.charCodeAt(0) }, end };
    return { item: { kind: 'unknown' }, end };
  }
  if (c === '[' && (p[k + 1] === ':' || p[k + 1] === '.' || p[k + 1] === '=')) {
    const posix = posixClass(p, k);
    if (posix) return posix;
  }
  // nginx compiles without UTF mode: PCRE2 compares the bytes of a non-ASCII character, not judged here.
  if (c >= '\x80') return { item: { kind: 'unknown' }, end: k + 1 };
  return { item: { kind: 'char', value: c.charCodeAt(0) }, end: k + 1 };
}

/** Where the terminator (`:` of `:]`) of a POSIX class opened at `k` is, or -1 (PCRE2's check_posix_syntax: it comes before any `]`). */
function posixEnd(p: string, k: number): number {
  const kind = p[k + 1]!;
  for (let j = k + 2; p.length - j >= 2; j++) {
    if (p[j] === '\\' && (p[j + 1] === ']' || p[j + 1] === '\\')) j++;
    else if ((p[j] === '[' && p[j + 1] === kind) || p[j] === ']') return -1;
    else if (p[j] === kind && p[j + 1] === ']') return j;
  }
  return -1;
}

/** `[:name:]` at `k`, when PCRE2 reads one there. */
function posixClass(p: string, k: number): { item: ClassItem; end: number } | PcreError | null {
  const kind = p[k + 1]!;
  const j = posixEnd(p, k);
  if (j === -1) return null;
  // Collating elements ([.x.], [=x=]) are an error of their own: not judged.
  if (kind !== ':') throw new Bail();
  const nameStart = k + 2 + (p[k + 2] === '^' ? 1 : 0);
  const name = p.slice(nameStart, j);
  if (!POSIX.has(name)) return { message: 'unknown POSIX class name', offset: nameStart };
  return { item: { kind: 'set' }, end: j + 2 };
}

type Opened = { kind: 'group' | 'options' | 'comment' | 'other'; end: number; capture?: boolean; error?: undefined } | { error: PcreError; kind?: undefined; end?: undefined; capture?: undefined };

/** What a `(` at `i` opens: a group, an option setting, a comment, or something whose effect is not judged. */
function openGroup(p: string, i: number, names: Set<string>, judgeNames: boolean): Opened {
  const n = p.length;
  // `(*` at the very end is a group whose first item is a quantifier. Otherwise a name follows:
  // an alphabetic assertion `(*pla:...)` is a group; (*VERB), (*UTF)-style settings and
  // (*:NAME) are not judged; a name that cannot be one of those is PCRE2's error, after it.
  if (p[i + 1] === '*' && i + 2 < p.length) {
    const name = /^[A-Za-z0-9_]*/.exec(p.slice(i + 2))![0];
    if (/^[a-z_]+$/.test(name) && p[i + 2 + name.length] === ':') return { kind: 'group', end: i + 3 + name.length };
    if (name === '' && p[i + 2] !== ':' && p[i + 2] !== ')') return { error: { message: '(*VERB) not recognized or malformed', offset: i + 2 } };
    if (/^[0-9_]/.test(name)) return { error: { message: '(*VERB) not recognized or malformed', offset: i + 2 + name.length } };
    throw new Bail();
  }
  if (p[i + 1] !== '?') return { kind: 'group', end: i + 1, capture: true };
  const k = i + 2;
  const c = p[k];
  if (c === undefined) return { error: { message: 'missing closing parenthesis', offset: p.length } };
  if (c === '#') {
    const end = p.indexOf(')', k);
    if (end === -1) return { error: { message: 'missing ) after (?# comment', offset: n } };
    return { kind: 'comment', end: end + 1 };
  }
  // `(?*` is a non-atomic lookahead (PCRE2 10.35 on).
  if (c === ':' || c === '=' || c === '!' || c === '>' || c === '|' || c === '*') return { kind: 'group', end: k + 1 };
  // Lookbehinds, (?<* non-atomic ones (PCRE2 10.35 on) too.
  if (c === '<' && (p[k + 1] === '=' || p[k + 1] === '!' || p[k + 1] === '*')) return { kind: 'group', end: k + 2 };
  if (c === '<' || c === "'" || (c === 'P' && p[k + 1] === '<')) {
    const nameStart = c === 'P' ? k + 2 : k + 1;
    const terminator = c === "'" ? "'" : '>';
    return namedGroup(p, nameStart, terminator, names, judgeNames);
  }
  // References, recursion, conditions, callouts: items or groups whose rules are not judged here.
  if (c === 'P' || c === 'R' || c === '&' || c === '(' || c === 'C' || c === '+' || isDigit(c) || (c === '-' && isDigit(p[k + 1]))) throw new Bail();
  // An option setting: (?i) or (?i:...), (?-i), (?^).
  let j = k;
  while (j < n && p[j] !== ')' && p[j] !== ':') {
    const o = p[j]!;
    // Extended mode changes what every character means; `n` which groups capture.
    if (o === 'x' || o === 'n') throw new Bail();
    if (!OPTION_LETTERS.includes(o)) {
      // `a` and `r` are options of later PCRE2 releases, `(?[` an extended class of later ones.
      if (o === 'a' || o === 'r' || o === '[') throw new Bail();
      return { error: { message: 'unrecognized character after (? or (?-', offset: j } };
    }
    j++;
  }
  if (j >= n) throw new Bail();
  return p[j] === ':' ? { kind: 'group', end: j + 1 } : { kind: 'options', end: j + 1 };
}

/** `(?<name>`, `(?'name'` or `(?P<name>`, its name starting at `k`. */
function namedGroup(p: string, k: number, terminator: string, names: Set<string>, judgeNames: boolean): Opened {
  if (isDigit(p[k])) return { error: { message: 'subpattern name must start with a non-digit', offset: k } };
  let j = k;
  while (isNameChar(p[j])) j++;
  if (j === k) {
    if (p[j] === undefined || /[\x80-\uffff]/.test(p[j]!)) throw new Bail();
    return { error: { message: 'subpattern name expected', offset: j } };
  }
  if (j - k > 32) throw new Bail();
  if (p[j] !== terminator) {
    if (p[j] === undefined || /[\x80-\uffff]/.test(p[j]!)) throw new Bail();
    return { error: { message: 'syntax error in subpattern name (missing terminator?)', offset: j } };
  }
  const name = p.slice(k, j);
  if (name.length > 32) throw new Bail();
  if (judgeNames && names.has(name)) return { error: { message: 'two named subpatterns have the same name (PCRE2_DUPNAMES not set)', offset: j + 1 } };
  names.add(name);
  return { kind: 'group', end: j + 1, capture: true };
}
