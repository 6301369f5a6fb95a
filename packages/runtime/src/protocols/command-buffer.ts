/**
 * The per-session command buffer and the line parser's saved state, kept the way nginx
 * keeps them because clients can see the difference (proxy-runtime.md §1.7):
 *
 * - one fixed-size buffer (`imap_client_buffer`, `smtp_client_buffer`, 128 bytes for POP3)
 *   filled with as much as fits, never compacted, rewound only when fully consumed — so a
 *   pipelined command straddling its end is a "too long command";
 * - arguments are offsets into it (IMAP unescapes quoted strings in place, SMTP's
 *   rejected-command log rewrites CR/LF to `_` in place, and later replies see that);
 * - the parser resumes where it stopped when a line arrives in pieces.
 */

export class CommandBuffer {
  readonly data: Buffer;
  readonly start = 0;
  pos = 0;
  last = 0;
  constructor(size: number, data?: Buffer) {
    this.data = data ?? Buffer.alloc(size);
  }
  get end(): number {
    return this.data.length;
  }
  rewind(): void {
    this.pos = this.start;
    this.last = this.start;
  }
  /** Rewinds when everything read has been consumed. */
  rewindIfConsumed(): void {
    if (this.pos === this.last) this.rewind();
  }
  slice(off: number, len: number): Buffer {
    return this.data.subarray(off, off + len);
  }
}

export interface Span {
  off: number;
  len: number;
}

/** Results of a parse step, as nginx's parsers return them. */
export const Parse = {
  Ok: 0,
  Again: 1,
  /** IMAP: a synchronizing literal header was read; answer `+ OK` and continue. */
  ImapNext: 2,
  Invalid: 3,
} as const;
export type ParseResult = (typeof Parse)[keyof typeof Parse];

/** What the line parsers keep between calls (nginx stores it in the session). */
export class ParserState {
  state = 0;
  args: Span[] = [];
  command = 0;
  cmdStart = 0;
  argStart = -1;
  tagStart = 0;
  /**
   * IMAP tag with its trailing space: offsets into `src`, the command buffer when null
   * (nginx keeps a pointer, so a stale tag shows whatever the buffer holds now).
   */
  tag: { src: Buffer | null; off: number; len: number } = { src: null, off: 0, len: 0 };
  quoted = false;
  backslash = false;
  /** Bytes of literal still to read; size_t arithmetic, so a bigint that wraps at 2^64. */
  literalLen = 0n;
  noSyncLiteral = false;
  /** The command verb (offsets), set once recognised. */
  cmd: Span = { off: 0, len: 0 };
  /** Set by the IMAP parser when an invalid line ended with a `{N+}` marker. */
  quit = false;
}
