/**
 * The run's one connection budget: at most `maxConnections` connections open at once across
 * every target, at most `maxPerAddress` to any one address, and at most a target's own
 * `concurrency`. A connection takes its slots in that nesting (target, address, run) and gives
 * them back in reverse, so no two waiters can hold what the other needs. Every wait ends with the
 * target's signal: a target at its deadline stops waiting for a slot.
 */
import type { ConnectionSlots } from "./limiter.js";

export interface ConnectionBudgetOptions {
  /** Connections open at once in the whole run. */
  maxConnections: number;
  /** Connections open at once to one address. */
  maxPerAddress: number;
}

/**
 * What ends a wait: an AbortSignal wrapped by `cutBy`, or a target's one fan-out (a signal takes
 * one listener per target instead of one per waiting connection).
 */
export interface WaitCut {
  readonly aborted: boolean;
  readonly reason: unknown;
  /** Calls `onCut` once when cut; returns the unsubscribe. */
  subscribe(onCut: () => void): () => void;
}

/** A WaitCut over an AbortSignal (one listener per wait). */
export function cutBy(signal: AbortSignal): WaitCut {
  return {
    get aborted() {
      return signal.aborted;
    },
    get reason() {
      return abortReason(signal);
    },
    subscribe(onCut) {
      signal.addEventListener("abort", onCut, { once: true });
      return () => signal.removeEventListener("abort", onCut);
    },
  };
}

/** One listener on `signal`, fanned out to every wait subscribed. */
export class FanOutCut implements WaitCut {
  readonly #signal: AbortSignal;
  readonly #waiting = new Set<() => void>();
  readonly #onAbort = (): void => {
    const waiting = [...this.#waiting];
    this.#waiting.clear();
    for (const onCut of waiting) onCut();
  };

  constructor(signal: AbortSignal) {
    this.#signal = signal;
    signal.addEventListener("abort", this.#onAbort, { once: true });
  }

  get aborted(): boolean {
    return this.#signal.aborted;
  }

  get reason(): unknown {
    return abortReason(this.#signal);
  }

  subscribe(onCut: () => void): () => void {
    this.#waiting.add(onCut);
    return () => this.#waiting.delete(onCut);
  }

  /** Takes the listener off the signal, for a signal that outlives the waits. */
  close(): void {
    this.#signal.removeEventListener("abort", this.#onAbort);
  }
}

/** FIFO counting semaphore whose waits can be cut. */
export class Slots {
  readonly #limit: number;
  #active = 0;
  readonly #waiting: { grant: () => void }[] = [];

  constructor(limit: number, what: string) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`${what} must be a positive integer, got ${limit}`);
    }
    this.#limit = limit;
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** Resolves holding one slot; rejects with the cut's reason if it is cut first. */
  acquire(cut?: WaitCut): Promise<void> {
    if (cut?.aborted === true) return Promise.reject(cut.reason);
    if (this.#active < this.#limit && this.#waiting.length === 0) {
      this.#active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      let unsubscribe = (): void => undefined;
      const waiter = {
        grant: (): void => {
          unsubscribe();
          resolve();
        },
      };
      if (cut !== undefined) {
        unsubscribe = cut.subscribe(() => {
          const at = this.#waiting.indexOf(waiter);
          if (at !== -1) this.#waiting.splice(at, 1);
          reject(cut.reason);
        });
      }
      this.#waiting.push(waiter);
    });
  }

  release(): void {
    const next = this.#waiting.shift();
    // The slot passes straight to the next waiter, so `active` never dips below the true count.
    if (next === undefined) this.#active -= 1;
    else next.grant();
  }
}

export class ConnectionBudget {
  readonly maxConnections: number;
  readonly maxPerAddress: number;
  readonly #run: Slots;
  /** Per address; dropped when no connection holds or waits for it. */
  readonly #addresses = new Map<string, { slots: Slots; users: number }>();
  #peak = 0;

  constructor(options: ConnectionBudgetOptions) {
    this.#run = new Slots(options.maxConnections, "max connections");
    // Checked here so that a bad value fails at once, not at the first connection.
    new Slots(options.maxPerAddress, "max connections per address");
    this.maxConnections = options.maxConnections;
    this.maxPerAddress = options.maxPerAddress;
  }

  /** Connections open now, and the most open at once so far. */
  get active(): number {
    return this.#run.active;
  }

  get peak(): number {
    return this.#peak;
  }

  /** The slots one target's connections run under; `signal` (the target's) cuts every wait. */
  forTarget(
    address: string,
    options: { concurrency: number; signal?: AbortSignal | undefined },
  ): TargetConnections {
    return new TargetConnections(this, address, options.concurrency, options.signal);
  }

  /** @internal Takes an address slot then a run slot; gives back what it took if cut. */
  async acquire(address: string, cut: WaitCut | undefined): Promise<() => void> {
    let entry = this.#addresses.get(address);
    if (entry === undefined) {
      entry = { slots: new Slots(this.maxPerAddress, "max per address"), users: 0 };
      this.#addresses.set(address, entry);
    }
    const held = entry;
    held.users += 1;
    const done = (): void => {
      held.users -= 1;
      if (held.users === 0) this.#addresses.delete(address);
    };
    try {
      await held.slots.acquire(cut);
    } catch (error) {
      done();
      throw error;
    }
    try {
      await this.#run.acquire(cut);
    } catch (error) {
      held.slots.release();
      done();
      throw error;
    }
    this.#peak = Math.max(this.#peak, this.#run.active);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#run.release();
      held.slots.release();
      done();
    };
  }
}

/** One target's share of the budget: its own limit, then the address's, then the run's. */
export class TargetConnections implements ConnectionSlots {
  readonly #budget: ConnectionBudget;
  readonly #address: string;
  readonly #own: Slots;
  readonly #cut: WaitCut | undefined;

  constructor(
    budget: ConnectionBudget,
    address: string,
    concurrency: number,
    signal: AbortSignal | undefined,
  ) {
    this.#budget = budget;
    this.#address = address;
    this.#own = new Slots(concurrency, "concurrency");
    this.#cut = signal === undefined ? undefined : new FanOutCut(signal);
  }

  get active(): number {
    return this.#own.active;
  }

  /**
   * Runs `task` holding one connection slot. When the target's signal cuts the wait, `task` runs
   * without a slot: every connection task sees the aborted signal and ends without connecting,
   * so it reports the cut in its own terms (an unknown, never a refusal).
   */
  async run<T>(task: () => Promise<T>): Promise<T> {
    const release = await this.#take();
    if (release === null) return task();
    try {
      return await task();
    } finally {
      release();
    }
  }

  async #take(): Promise<(() => void) | null> {
    try {
      await this.#own.acquire(this.#cut);
    } catch {
      return null;
    }
    try {
      const releaseShared = await this.#budget.acquire(this.#address, this.#cut);
      return () => {
        releaseShared();
        this.#own.release();
      };
    } catch {
      this.#own.release();
      return null;
    }
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error("aborted");
}
