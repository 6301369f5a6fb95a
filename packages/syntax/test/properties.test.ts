/**
 * Properties of the parser over generated input (fast-check): it never throws, printing the
 * tree gives the input back byte for byte, and on input without lexical errors it reads the
 * same words as an independent naive tokenizer written from the spec.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, print, type Directive, type Node } from '@mailconf/syntax';
import { referenceTokens } from './reference-tokenizer.js';
import { treeTokens } from './helpers.js';

/** Pieces that exercise every reading rule: quotes, escapes, ${}, comments, braces inside words, CR/LF. */
const piece = fc.oneof(
  fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\r', ';', '{', '}', '#', '# c\n', '"', "'", '\\', '$', '${', '}', ')', '(', 'a#b', 'a}b', '\0', '\u00e9', '\ufeff'),
  fc.constantFrom('listen', 'server', 'mail', 'events', 'protocol', 'imap', '143', '"a b"', "'x y'", '"a\\"b"', '${var}', 'a\\;b', '"{;}"', '"line\nbreak"'),
  fc.string({ maxLength: 6 }),
);
const text = fc.array(piece, { maxLength: 60 }).map((p) => p.join(''));

/** Text built only from well-formed statements, so it has no lexical errors. */
const word = fc.oneof(
  fc.constantFrom('listen', 'protocol', 'a}b', 'a#b', '${x}', '$a', '"q s"', "'s q'", '"e\\"s"', '"{;}"', '"x\ny"', 'a\\;b', '1'),
  fc.stringMatching(/^[a-z0-9_.:-]{1,8}$/),
);
const ws = fc.constantFrom(' ', '\t', '\n', '\r\n', '  ');
const statement: fc.Arbitrary<string> = fc.letrec((tie) => ({
  stmt: fc.oneof(
    { depthSize: 'small' },
    fc.tuple(word, fc.array(fc.tuple(ws, word), { maxLength: 4 }), ws).map(([n, args, w]) => n + args.map(([s, a]) => s + a).join('') + w + ';'),
    fc.tuple(word, ws, fc.array(tie('stmt'), { maxLength: 3 }), ws).map(([n, w, body, w2]) => `${n}${w}{${w2}${body.join('\n')}${w2}}`),
    fc.constantFrom('# comment\n', '#;{}"\n'),
  ),
})).stmt as fc.Arbitrary<string>;
const wellFormed = fc.array(statement, { maxLength: 8 }).map((s) => s.join('\n') + '\n');

describe('parser properties', () => {
  it('never throws and prints back byte for byte', () => {
    fc.assert(
      fc.property(text, (t) => {
        const f = parse(t);
        expect(print(f)).toBe(t);
      }),
      { numRuns: 3000 },
    );
  });

  it('a lazy parse finds the same errors and, on first use, builds the same tree', () => {
    fc.assert(
      fc.property(text, (t) => {
        const eager = parse(t);
        const lazy = parse(t, { tree: 'lazy' });
        expect(JSON.stringify(lazy.errors)).toBe(JSON.stringify(eager.errors));
        expect(JSON.stringify(lazy.children)).toBe(JSON.stringify(eager.children));
      }),
      { numRuns: 1000 },
    );
  });

  it('argCount and argValue read what args holds, before and after the words are made', () => {
    const all = (nodes: readonly Node[]): Directive[] =>
      nodes.flatMap((n) => (n.type === 'directive' ? [n, ...all(n.block?.children ?? [])] : []));
    fc.assert(
      fc.property(text, (t) => {
        // Read through the word-free accessors first, on a tree whose words were never made...
        const fresh = all(parse(t).children).map((d) => ({ name: d.name, values: Array.from({ length: d.argCount }, (_, i) => d.argValue(i)) }));
        // ...then compare with the word objects of another parse of the same text.
        const made = all(parse(t).children).map((d) => ({ name: d.nameWord?.value ?? '', values: d.args.map((a) => a.value) }));
        expect(fresh).toEqual(made);
        for (const d of all(parse(t).children)) {
          expect(d.argValue(d.argCount)).toBe('');
          expect(d.argValue(-1)).toBe('');
          void d.args;
          expect(Array.from({ length: d.argCount }, (_, i) => d.argValue(i))).toEqual(d.args.map((a) => a.value));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary unicode strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (t) => {
        expect(print(parse(t))).toBe(t);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads the same words as the reference tokenizer when there is no lexical error', () => {
    fc.assert(
      fc.property(wellFormed, (t) => {
        const ref = referenceTokens(t);
        const f = parse(t);
        expect(ref).not.toBeNull();
        expect(f.errors).toEqual([]);
        expect(treeTokens(f)).toEqual(ref);
      }),
      { numRuns: 1500 },
    );
  });

  it('reports a syntax error exactly when the reference tokenizer sees a lexical one', () => {
    fc.assert(
      fc.property(text, (t) => {
        const ref = referenceTokens(t);
        const f = parse(t);
        const lexical = f.errors.some((e) => e.code === 'unexpected-after-quote' || (e.code === 'eof-expecting-semicolon' && /["']/.test(t)));
        if (ref === null) expect(f.errors.length).toBeGreaterThan(0);
        else expect(lexical && f.errors.every((e) => e.code === 'unexpected-after-quote')).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('pathological input', () => {
  it('deep nesting does not overflow the stack', () => {
    const depth = 100_000;
    const t = 'a {'.repeat(depth) + '}'.repeat(depth);
    const f = parse(t);
    expect(f.errors).toEqual([]);
    expect(print(f)).toBe(t);
  });

  it('megabytes of garbage parse, and every byte comes back', () => {
    let s = '';
    const junk = ['}', '{', ';', '"', "'", '#', '\\', '\n', 'x', ' ', '\0', '\u00ff'];
    let seed = 7;
    for (let i = 0; i < 2_000_000; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      s += junk[seed % junk.length];
    }
    const f = parse(s);
    expect(print(f)).toBe(s);
    expect(f.errors.length).toBeGreaterThan(0);
  });

  it('an unterminated quote at the start swallows the file and is reported once', () => {
    const t = '"' + 'events {}\n'.repeat(10_000);
    const f = parse(t);
    expect(f.errors.map((e) => e.code)).toContain('too-long-quoted');
    expect(print(f)).toBe(t);
  });
});
