/**
 * A counting semaphore: at most `limit` tasks run at once, the rest wait in FIFO order. The
 * scanner holds one per target (politeness: a server sees at most `limit` connections from us).
 */
/** Whatever runs a target's connections one slot each: a Limiter, or a share of the run's budget. */
export interface ConnectionSlots {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export class Limiter implements ConnectionSlots {
  readonly #limit: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`concurrency limit must be a positive integer, got ${limit}`);
    }
    this.#limit = limit;
  }

  get active(): number {
    return this.#active;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#limit) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active += 1;
    }
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      // Hand the slot straight to the next waiter so `active` never dips below the true count.
      if (next === undefined) this.#active -= 1;
      else next();
    }
  }
}
