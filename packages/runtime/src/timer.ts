/**
 * Re-armable timers, like nginx's event timers: `set` replaces a running one, `clear`
 * stops it. A proxy has thousands of them with a handful of durations (`timeout`,
 * `proxy_timeout`, ...), so timers of one duration are kept in a list in deadline order
 * (each one set is the latest) behind a single Node timeout, as Node does internally but
 * without a Timeout object and a closure per timer: setting, moving and clearing a timer
 * is unlinking and appending a list node. The list's timeout is re-armed lazily: when it
 * fires early (its first timer was pushed back) it waits for the rest. Node's setTimeout
 * overflows above 2^31-1 ms (24.8 days); longer waits (a `proxy_timeout 30d`) are chained.
 */
import { performance } from 'node:perf_hooks';

const MAX_DELAY = 2 ** 31 - 1;
/** A timer this close to its deadline fires now (Node's clock and performance.now() differ by a fraction). */
const SLACK_MS = 1;

/** The timers of one duration, earliest first, behind one Node timeout. */
class TimerList {
  head: Timer | null = null;
  tail: Timer | null = null;
  private handle: NodeJS.Timeout | null = null;
  /** When the Node timeout is due; 0 when none is armed. */
  private due = 0;

  append(t: Timer): void {
    t.list = this;
    t.prev = this.tail;
    t.next = null;
    if (this.tail) this.tail.next = t;
    else this.head = t;
    this.tail = t;
    if (!this.handle || this.due > t.deadline) this.arm(t.deadline);
  }

  unlink(t: Timer): void {
    if (t.prev) t.prev.next = t.next;
    else this.head = t.next;
    if (t.next) t.next.prev = t.prev;
    else this.tail = t.prev;
    t.prev = t.next = t.list = null;
    if (!this.head && this.handle) {
      // nothing waits: let the event loop go
      clearTimeout(this.handle);
      this.handle = null;
      this.due = 0;
    }
  }

  private arm(deadline: number): void {
    if (this.handle) clearTimeout(this.handle);
    const delay = Math.min(Math.max(deadline - performance.now(), 0), MAX_DELAY);
    this.due = performance.now() + delay;
    this.handle = setTimeout(expire, delay, this);
  }

  /** @internal the Node timeout fired: fire what is due, wait for the rest */
  expire(): void {
    this.handle = null;
    this.due = 0;
    for (;;) {
      const t = this.head;
      if (!t) return;
      if (t.deadline - performance.now() > SLACK_MS) return this.arm(t.deadline);
      this.unlink(t);
      t.fire();
    }
  }
}

function expire(list: TimerList): void {
  list.expire();
}

const lists = new Map<number, TimerList>();

export class Timer {
  /** When the timer is due (performance.now() time). */
  deadline = 0;
  /** @internal list links */
  list: TimerList | null = null;
  /** @internal */
  prev: Timer | null = null;
  /** @internal */
  next: Timer | null = null;

  constructor(readonly fire: () => void) {}

  get active(): boolean {
    return this.list !== null;
  }

  set(ms: number): void {
    if (this.list) this.list.unlink(this);
    const d = Math.max(0, Math.round(ms));
    let list = lists.get(d);
    if (!list) lists.set(d, (list = new TimerList()));
    this.deadline = performance.now() + d;
    list.append(this);
  }

  clear(): void {
    if (this.list) this.list.unlink(this);
  }
}
