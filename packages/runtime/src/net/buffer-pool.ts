/**
 * Free lists of same-size buffers for what every login needs once and drops: the backend's
 * reply buffer and its read buffer (both `proxy_buffer` bytes). A fresh buffer each time
 * is external memory to V8, and with the small heap of a proxy that pressure alone starts
 * a full garbage collection every few dozen logins. Reused buffers are not cleared: their
 * users never read past what they wrote (as with nginx's pool buffers).
 */
const MAX_POOLED_BYTES = 2 * 1024 * 1024;
const MAX_POOLED = 64;

const pools = new Map<number, Buffer[]>();

export function takeBuffer(size: number): Buffer {
  return pools.get(size)?.pop() ?? Buffer.allocUnsafeSlow(size);
}

/** Gives a buffer back once nothing refers to it any more. */
export function giveBuffer(b: Buffer): void {
  let free = pools.get(b.length);
  if (!free) pools.set(b.length, (free = []));
  if (free.length < MAX_POOLED && (free.length + 1) * b.length <= MAX_POOLED_BYTES) free.push(b);
}
