/**
 * Reading configuration bytes as text without losing any byte: nginx reads bytes, editors
 * read text. Valid UTF-8 (the usual case) is decoded as UTF-8; anything else is decoded as
 * latin1, which maps every byte to one character, so encoding back gives the same bytes.
 */
import { Buffer, isUtf8 } from 'node:buffer';
export type SourceEncoding = 'utf8' | 'latin1';

export interface DecodedSource {
  text: string;
  encoding: SourceEncoding;
}

/**
 * Node decodes a text of a megabyte or more into an external string (its characters kept
 * outside V8's heap), which V8 reads several times slower than its own strings: the scanner
 * took 17 ms instead of 6 on the 1.2 MB benchmark. So a large file is decoded in pieces below
 * that size, joined, and flattened once into one string of V8's own before anyone reads it.
 */
const PIECE = 256 * 1024;

export function decodeSource(bytes: Uint8Array): DecodedSource {
  if (isUtf8(bytes)) return { text: decodeUtf8(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)), encoding: 'utf8' };
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return { text, encoding: 'latin1' };
}

export function encodeSource(text: string, encoding: SourceEncoding): Uint8Array {
  if (encoding === 'utf8') return new TextEncoder().encode(text);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/**
 * Frees the bytes of a file once they are decoded, instead of at the next garbage collection:
 * for a large file the bytes and the text would otherwise both count at the peak. Only a
 * buffer that owns its whole memory is freed (small buffers share Node's pool); `bytes` must
 * not be used afterwards.
 */
export function releaseBytes(bytes: Uint8Array): void {
  if (!(bytes.buffer instanceof ArrayBuffer)) return;
  const buffer = bytes.buffer as ArrayBuffer & { transfer?: (n: number) => ArrayBuffer; detached?: boolean };
  if (bytes.byteLength < 65536 || bytes.byteOffset !== 0 || bytes.byteLength !== buffer.byteLength) return;
  if (typeof buffer.transfer === 'function' && !buffer.detached) buffer.transfer(0);
}

function decodeUtf8(buffer: Buffer): string {
  if (buffer.length <= PIECE) return buffer.toString('utf8');
  let text = '';
  for (let start = 0; start < buffer.length; ) {
    let end = Math.min(buffer.length, start + PIECE);
    // Cut before a character, not inside one (continuation bytes are 10xxxxxx).
    while (end < buffer.length && (buffer[end]! & 0xc0) === 0x80) end--;
    text += buffer.toString('utf8', start, end);
    start = end;
  }
  // Reading one character makes V8 flatten the joined pieces into one string, now rather than
  // in the middle of the scanner's loop.
  text.charCodeAt(0);
  return text;
}
