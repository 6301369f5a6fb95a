/**
 * Answers for the checker's `resolveHost` in the language server (the `checkDns` setting): the
 * check stays synchronous, so a name it asks about for the first time is unknown for that
 * check; it is looked up in the background and, once every pending lookup has answered, the
 * workspace checks again. Answers are kept for a minute, then looked up again the next time
 * they are asked for (the old answer stands until the new one comes).
 */
import { lookUpHost, type HostAnswer } from '@mailconf/checker';

/** The addresses getaddrinfo finds for the name (as nginx resolves it), or false. */
export type Lookup = (host: string) => Promise<HostAnswer>;

const KEEP_MS = 60_000;

export class HostAnswers {
  readonly #known = new Map<string, { found: HostAnswer; at: number }>();
  readonly #pending = new Set<string>();
  #changed = false;

  constructor(
    /** Called when lookups have finished and some answer is new or different. */
    private readonly answered: () => void,
    private readonly lookup: Lookup = lookUpHost,
  ) {}

  /** What is known of the name now; starts a lookup when nothing is, or the answer is old. */
  readonly answer = (host: string): HostAnswer | undefined => {
    const known = this.#known.get(host);
    if ((!known || performance.now() - known.at > KEEP_MS) && !this.#pending.has(host)) this.#start(host);
    return known?.found;
  };

  #start(host: string): void {
    this.#pending.add(host);
    void this.lookup(host).then((found) => {
      const before = this.#known.get(host);
      if (!before || !sameAnswer(before.found, found)) this.#changed = true;
      this.#known.set(host, { found, at: performance.now() });
      this.#pending.delete(host);
      if (this.#pending.size === 0 && this.#changed) {
        this.#changed = false;
        this.answered();
      }
    });
  }
}


function sameAnswer(a: HostAnswer, b: HostAnswer): boolean {
  return a === b || (a !== false && b !== false && a.length === b.length && a.every((x, i) => x === b[i]));
}
