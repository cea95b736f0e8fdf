import { describe, expect, it } from "vitest";
import { ConnectionBudget, Slots, cutBy } from "./connection-budget.js";

/** A task that counts itself open per address and in all, and ends when `release()` is called. */
function tracker() {
  const open = new Map<string, number>();
  let total = 0;
  let peakTotal = 0;
  const peakPerAddress = new Map<string, number>();
  const pending: (() => void)[] = [];
  const task = (address: string) => async (): Promise<string> => {
    total += 1;
    open.set(address, (open.get(address) ?? 0) + 1);
    peakTotal = Math.max(peakTotal, total);
    peakPerAddress.set(address, Math.max(peakPerAddress.get(address) ?? 0, open.get(address)!));
    await new Promise<void>((resolve) => pending.push(resolve));
    total -= 1;
    open.set(address, open.get(address)! - 1);
    return address;
  };
  const releaseAll = async (): Promise<void> => {
    while (pending.length > 0) {
      pending.splice(0).forEach((resolve) => resolve());
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return {
    task,
    releaseAll,
    get total() {
      return total;
    },
    get peakTotal() {
      return peakTotal;
    },
    peakOf: (address: string) => peakPerAddress.get(address) ?? 0,
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("Slots", () => {
  it("grants in FIFO order and never more than the limit", async () => {
    const slots = new Slots(2, "test");
    const order: number[] = [];
    await slots.acquire();
    await slots.acquire();
    const third = slots.acquire().then(() => order.push(3));
    const fourth = slots.acquire().then(() => order.push(4));
    await settle();
    expect(slots.active).toBe(2);
    expect(slots.waiting).toBe(2);
    slots.release();
    await third;
    expect(order).toEqual([3]);
    slots.release();
    await fourth;
    expect(order).toEqual([3, 4]);
    expect(slots.active).toBe(2);
  });

  it("a signal cuts a wait: rejected with its reason, the queue forgets the waiter", async () => {
    const slots = new Slots(1, "test");
    await slots.acquire();
    await expect(slots.acquire(cutBy(AbortSignal.abort(new Error("early"))))).rejects.toThrow(
      "early",
    );
    const controller = new AbortController();
    const waiting = slots.acquire(cutBy(controller.signal));
    await settle();
    expect(slots.waiting).toBe(1);
    controller.abort(new Error("deadline"));
    await expect(waiting).rejects.toThrow("deadline");
    expect(slots.waiting).toBe(0);
    slots.release();
    expect(slots.active).toBe(0);
  });

  it("refuses a limit that is not a positive integer", () => {
    expect(() => new Slots(0, "max connections")).toThrow(/max connections/);
    expect(() => new Slots(1.5, "x")).toThrow(RangeError);
  });
});

describe("ConnectionBudget", () => {
  it("never exceeds the run's, the address's or a target's limit", async () => {
    const budget = new ConnectionBudget({ maxConnections: 10, maxPerAddress: 4 });
    const seen = tracker();
    const ownPeaks: number[] = [];
    const runs: Promise<string>[] = [];
    // 6 targets over 3 addresses, 5 connections each, 3 at once per target.
    for (let t = 0; t < 6; t += 1) {
      const address = `127.0.0.${(t % 3) + 1}`;
      const target = budget.forTarget(address, { concurrency: 3 });
      for (let c = 0; c < 5; c += 1) {
        runs.push(
          target.run(async () => {
            ownPeaks.push(target.active);
            return seen.task(address)();
          }),
        );
      }
    }
    await settle();
    expect(seen.total).toBe(10);
    expect(budget.active).toBe(10);
    await seen.releaseAll();
    const done = await Promise.all(runs);
    expect(done).toHaveLength(30);
    expect(seen.peakTotal).toBe(10);
    expect(budget.peak).toBe(10);
    for (const address of ["127.0.0.1", "127.0.0.2", "127.0.0.3"]) {
      expect(seen.peakOf(address)).toBe(4);
    }
    expect(Math.max(...ownPeaks)).toBe(3);
    expect(budget.active).toBe(0);
  });

  it("a target's deadline cuts its wait for a slot: the task runs seeing the aborted signal", async () => {
    const budget = new ConnectionBudget({ maxConnections: 1, maxPerAddress: 1 });
    const seen = tracker();
    const busy = budget.forTarget("127.0.0.1", { concurrency: 1 }).run(seen.task("127.0.0.1"));
    const controller = new AbortController();
    const waiting = budget.forTarget("127.0.0.2", { concurrency: 1, signal: controller.signal });
    let ranAborted: boolean | null = null;
    const cut = waiting.run(async () => {
      ranAborted = controller.signal.aborted;
      return "cut";
    });
    await settle();
    expect(ranAborted).toBeNull();
    controller.abort(new Error("deadline"));
    await expect(cut).resolves.toBe("cut");
    expect(ranAborted).toBe(true);
    // The slot held by the first target was never taken by the cut one.
    expect(budget.active).toBe(1);
    await seen.releaseAll();
    await busy;
    expect(budget.active).toBe(0);
    expect(budget.peak).toBe(1);
  });

  it("a cut wait for the run's slot gives back the address slot it held", async () => {
    const budget = new ConnectionBudget({ maxConnections: 1, maxPerAddress: 2 });
    const seen = tracker();
    const busy = budget.forTarget("10.0.0.1", { concurrency: 1 }).run(seen.task("10.0.0.1"));
    const controller = new AbortController();
    const target = budget.forTarget("127.0.0.1", { concurrency: 1, signal: controller.signal });
    const cut = target.run(async () => "cut");
    await settle();
    controller.abort();
    await cut;
    expect(target.active).toBe(0);
    // A later target to the same address gets both slots once the run slot is free.
    const later = budget.forTarget("127.0.0.1", { concurrency: 1 }).run(seen.task("127.0.0.1"));
    await seen.releaseAll();
    await busy;
    await settle();
    await seen.releaseAll();
    await expect(later).resolves.toBe("127.0.0.1");
    expect(seen.peakTotal).toBe(1);
    expect(budget.active).toBe(0);
  });

  it("an already aborted target never waits and never takes a slot", async () => {
    const budget = new ConnectionBudget({ maxConnections: 1, maxPerAddress: 1 });
    const seen = tracker();
    const busy = budget.forTarget("127.0.0.1", { concurrency: 1 }).run(seen.task("127.0.0.1"));
    const cut = budget
      .forTarget("127.0.0.1", { concurrency: 1, signal: AbortSignal.abort() })
      .run(async () => "cut");
    await expect(cut).resolves.toBe("cut");
    expect(budget.active).toBe(1);
    await seen.releaseAll();
    await busy;
  });

  it("a target's many waits put one listener on its signal", async () => {
    const budget = new ConnectionBudget({ maxConnections: 1, maxPerAddress: 1 });
    const controller = new AbortController();
    let listeners = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    controller.signal.addEventListener = (...args: Parameters<typeof add>) => {
      listeners += 1;
      add(...args);
    };
    const target = budget.forTarget("127.0.0.1", { concurrency: 2, signal: controller.signal });
    const release = budget.forTarget("127.0.0.1", { concurrency: 1 });
    let open: () => void = () => undefined;
    const busy = release.run(() => new Promise<void>((resolve) => (open = resolve)));
    const waits = Array.from({ length: 50 }, () =>
      target.run(async () => controller.signal.aborted),
    );
    await settle();
    expect(listeners).toBe(1);
    controller.abort();
    expect(await Promise.all(waits)).toEqual(Array.from({ length: 50 }, () => true));
    open();
    await busy;
    expect(budget.active).toBe(0);
  });

  it("a task that throws gives its slots back", async () => {
    const budget = new ConnectionBudget({ maxConnections: 1, maxPerAddress: 1 });
    const target = budget.forTarget("127.0.0.1", { concurrency: 1 });
    await expect(target.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(target.run(async () => "next")).resolves.toBe("next");
    expect(budget.active).toBe(0);
  });
});
