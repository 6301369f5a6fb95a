/**
 * Decoding a file's bytes: valid UTF-8 as UTF-8, exactly as a strict decoder reads it, whatever
 * the size (large files are decoded in pieces, cut only between characters); anything else as
 * latin1, one character per byte; and encoding back gives the same bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSource, encodeSource } from '@mailconf/syntax';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

describe('decodeSource', () => {
  it('reads large UTF-8 texts as a strict decoder does, multi-byte characters across every cut', () => {
    // 1, 2, 3 and 4-byte characters, repeated past several 256 KB pieces at shifting offsets.
    for (const unit of ['a', 'é', '€', '😀', 'ab€é😀x', '\ufeff']) {
      const text = `server_name ${unit.repeat(Math.ceil(700_000 / unit.length))};\n# ${'é'.repeat(3)}`;
      const bytes = new TextEncoder().encode(text);
      const decoded = decodeSource(bytes);
      expect(decoded.encoding).toBe('utf8');
      expect(decoded.text === strict.decode(bytes), unit).toBe(true);
      expect(Buffer.from(encodeSource(decoded.text, 'utf8')).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it('round-trips any bytes, small or large, as UTF-8 when they are, as latin1 when not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 600_000 }), (tail, padding) => {
        const bytes = new Uint8Array(padding + tail.length);
        bytes.fill(0x61, 0, padding);
        bytes.set(tail, padding);
        const { text, encoding } = decodeSource(bytes);
        let utf8: string | null = null;
        try {
          utf8 = strict.decode(bytes);
        } catch {
          utf8 = null;
        }
        expect(encoding).toBe(utf8 === null ? 'latin1' : 'utf8');
        if (utf8 !== null) expect(text === utf8).toBe(true);
        else expect(text.length).toBe(bytes.length);
        expect(Buffer.from(encodeSource(text, encoding)).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
