/** The safety net of `mailconf fmt`: verifyFormatted refuses any text that nginx would read differently. */
import { describe, expect, it } from 'vitest';
import { parse } from '@mailconf/syntax';
import { verifyFormatted } from '@mailconf/format';

const check = (before: string, after: string) => verifyFormatted(parse(before), after);

describe('verifyFormatted', () => {
  it('accepts whitespace-only changes, quoting that keeps the value, and trailing comment spaces', () => {
    expect(check('a  b ;\n', 'a b;\n')).toBeNull();
    expect(check('a "b";', "a b;")).toBeNull();
    expect(check('a b; # c   \n', 'a b; # c\n')).toBeNull();
    expect(check('x{y z;}', 'x {\n    y z;\n}\n')).toBeNull();
  });
  it('refuses a split or joined word, a lost quote, moved punctuation, changed comments', () => {
    expect(check('a "b c";', 'a b c;')).toMatch(/read differently at token 2/);
    expect(check('a b c;', 'a bc;')).toMatch(/read differently/);
    expect(check('a ${x};', 'a $ {x};')).toMatch(/read differently/);
    expect(check('a b; # c\n', 'a b;\n')).toMatch(/longer|read differently/);
    expect(check('a b; # c\n', 'a b; # d\n')).toMatch(/a comment became a comment/);
    expect(check('a {b;}', 'a {b;};')).toMatch(/longer/);
  });
  it('refuses a token glued to a closing quote', () => {
    expect(check('a "b" c;', 'a "b"c;')).toMatch(/would not parse/);
  });
});
