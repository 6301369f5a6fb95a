/**
 * Before/after fixtures: fixtures/format/<case>.conf is formatted and compared byte for byte
 * with <case>.formatted.conf (and with <case>.aligned.conf under `align`), using the options
 * in <case>.options.json when present. A case with <case>.errors.txt has syntax errors and
 * must be refused: the errors are listed and the text is left alone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSource, encodeSource, parse } from '@mailconf/syntax';
import { format, formatEdits, formatRange, type FormatOptions } from '@mailconf/format';
import { fixturesDir, formatChecked } from './support.js';

const cases = fs
  .readdirSync(fixturesDir)
  .filter((f) => f.endsWith('.conf') && !f.endsWith('.formatted.conf') && !f.endsWith('.aligned.conf'))
  .map((f) => f.slice(0, -'.conf'.length))
  .sort();

const read = (name: string) => fs.readFileSync(path.join(fixturesDir, name));
const has = (name: string) => fs.existsSync(path.join(fixturesDir, name));

describe('format fixtures', () => {
  it('has fixtures to walk', () => {
    expect(cases.length).toBeGreaterThan(20);
  });

  for (const name of cases) {
    it(name, () => {
      const input = decodeSource(read(`${name}.conf`));
      const options: FormatOptions = has(`${name}.options.json`) ? JSON.parse(read(`${name}.options.json`).toString('utf8')) : {};

      if (has(`${name}.errors.txt`)) {
        const file = parse(input.text);
        const expected = read(`${name}.errors.txt`).toString('utf8').trimEnd().split('\n');
        expect(file.errors.map((e) => `${e.line}:${e.range.start.column}: ${e.message}`)).toEqual(expected);
        expect(format(file, options)).toBe(input.text);
        expect(formatEdits(file, options)).toEqual([]);
        expect(formatRange(file, { start: 0, end: input.text.length }, options)).toEqual([]);
        return;
      }

      expect(has(`${name}.formatted.conf`), `${name}.formatted.conf is missing`).toBe(true);
      const out = formatChecked(input.text, options);
      // Compared as bytes, in the input's encoding: non-UTF-8 bytes and BOMs must survive.
      expect(Buffer.from(encodeSource(out, input.encoding))).toEqual(read(`${name}.formatted.conf`));
      // The expected output is itself formatted.
      expect(formatChecked(decodeSource(read(`${name}.formatted.conf`)).text, options)).toBe(out);

      if (has(`${name}.aligned.conf`)) {
        const aligned = formatChecked(input.text, { ...options, align: true });
        expect(Buffer.from(encodeSource(aligned, input.encoding))).toEqual(read(`${name}.aligned.conf`));
      }
    });
  }
});
