/**
 * Reading configuration bytes as text without losing any byte: nginx reads bytes, editors
 * read text. Valid UTF-8 (the usual case) is decoded as UTF-8; anything else is decoded as
 * latin1, which maps every byte to one character, so encoding back gives the same bytes.
 */
export type SourceEncoding = 'utf8' | 'latin1';

export interface DecodedSource {
  text: string;
  encoding: SourceEncoding;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeSource(bytes: Uint8Array): DecodedSource {
  try {
    return { text: strictUtf8.decode(bytes), encoding: 'utf8' };
  } catch {
    let text = '';
    for (let i = 0; i < bytes.length; i += 8192) {
      text += String.fromCharCode(...bytes.subarray(i, i + 8192));
    }
    return { text, encoding: 'latin1' };
  }
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
