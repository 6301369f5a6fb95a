/**
 * One re-armable timer, like an nginx event timer: `set` replaces a running one, `clear`
 * stops it. Node's setTimeout overflows above 2^31-1 ms (24.8 days); longer delays (a
 * `proxy_timeout 30d`) are chained.
 */
const MAX_DELAY = 2 ** 31 - 1;

export class Timer {
  private handle: NodeJS.Timeout | null = null;
  constructor(private readonly fire: () => void) {}

  get active(): boolean {
    return this.handle !== null;
  }

  set(ms: number): void {
    this.clear();
    this.arm(Date.now() + Math.max(0, ms));
  }

  private arm(deadline: number): void {
    const left = deadline - Date.now();
    this.handle = setTimeout(
      () => {
        if (left > MAX_DELAY) return this.arm(deadline);
        this.handle = null;
        this.fire();
      },
      Math.min(Math.max(left, 0), MAX_DELAY),
    );
  }

  clear(): void {
    if (this.handle) clearTimeout(this.handle);
    this.handle = null;
  }
}
