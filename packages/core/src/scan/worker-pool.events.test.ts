/**
 * What the pool does with two events of its worker threads that the other pool tests cannot
 * provoke: a progress callback of the caller's that throws (the run rejects with it, as in one
 * thread, and the workers are stopped), and a message this thread could not deserialize. Node
 * emits 'messageerror' only when a received value cannot be instantiated here (Node's own objects
 * in a vm context, or an allocation that fails): nothing a worker entry can send to a normal main
 * thread on purpose. So that one test emits the event on the real Worker object, while the worker
 * runs the real built entry and scans real servers on loopback. The Worker class is the real one,
 * extended only to record each instance and the targets handed to it.
 */
import type * as WorkerThreads from "node:worker_threads";
import type { Worker as NodeWorker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeTlsFleet, startTlsFleet, type FleetEndpoint } from "../../test/support/tls-fleet.js";
import { gateRun } from "../run/gate.js";
import { scanTargets } from "./scan-targets.js";
import { MIN_TARGETS_FOR_WORKERS, type ToWorker } from "./worker-pool.js";

const { created, handed, exits } = vi.hoisted(() => ({
  created: [] as NodeWorker[],
  /** The target indices handed to each worker. */
  handed: new Map<NodeWorker, number[]>(),
  /** Each worker's exit code, once it has exited. */
  exits: new Map<NodeWorker, Promise<number>>(),
}));

vi.mock("node:worker_threads", async (importOriginal) => {
  const actual = await importOriginal<typeof WorkerThreads>();
  class RecordedWorker extends actual.Worker {
    constructor(...args: ConstructorParameters<typeof actual.Worker>) {
      super(...args);
      created.push(this);
      handed.set(this, []);
      exits.set(this, new Promise((resolve) => this.once("exit", resolve)));
    }

    override postMessage(value: unknown, transferList?: readonly unknown[]): void {
      const message = value as ToWorker;
      if (message.type === "scan") handed.get(this)!.push(message.index);
      super.postMessage(value, transferList as Parameters<NodeWorker["postMessage"]>[1]);
    }
  }
  return { ...actual, Worker: RecordedWorker };
});

const BUILT_WORKER = new URL("../../dist/scan/worker.js", import.meta.url);
let endpoints: FleetEndpoint[] = [];
let targets: string[] = [];

beforeAll(async () => {
  endpoints = await startTlsFleet(8, ["127.0.0.1", "127.0.0.2"], (i) => i % 2 === 0);
  targets = Array.from({ length: MIN_TARGETS_FOR_WORKERS }, (_, i) => {
    const endpoint = endpoints[i % endpoints.length]!;
    return `${endpoint.address}:${endpoint.port}`;
  });
}, 60_000);

afterAll(async () => {
  await Promise.all(created.map((worker) => worker.terminate()));
  await closeTlsFleet(endpoints);
});

/** `promise`, or a rejection naming `what` if it has not settled within `ms`; the timer is cleared. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not settle in ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The worker's exit code, once it has exited. */
function exited(worker: NodeWorker): Promise<number> {
  return exits.get(worker)!;
}

describe("the worker pool's events", () => {
  it("a progress callback that throws rejects the run with its error, and the workers stop", async () => {
    created.length = 0;
    const thrown = new Error("the progress line could not be written");
    const outcome = await within(
      scanTargets(targets, {
        workers: 2,
        timeoutMs: 20_000,
        workerUrl: BUILT_WORKER,
        onProgress: () => {
          throw thrown;
        },
      }).then(
        () => "resolved",
        (error: unknown) => error,
      ),
      60_000,
      "the run",
    );
    expect(outcome).toBe(thrown);
    expect(created).toHaveLength(2);
    // The run stopped both threads: each exits.
    expect(await within(Promise.all(created.map(exited)), 30_000, "the workers' exit")).toEqual(
      created.map(() => expect.any(Number)),
    );
  }, 120_000);

  it("a message that could not be read ends its worker: each target it held is a worker error", async () => {
    created.length = 0;
    const run = scanTargets(targets, {
      workers: 2,
      timeoutMs: 20_000,
      workerUrl: BUILT_WORKER,
    });
    // The pool starts its workers and hands out the targets before scanTargets returns.
    expect(created).toHaveLength(2);
    const [lost, kept] = created as [NodeWorker, NodeWorker];
    const held = handed.get(lost)!;
    expect(held.length).toBeGreaterThan(0);
    lost.emit("messageerror", new Error("Unable to deserialize cloned data."));
    const reports = await within(run, 60_000, "the run");

    expect(reports.map((report) => report.target.input)).toEqual(targets);
    const failed = reports.flatMap((report, index) =>
      report.errors.some((error) => error.probe === "worker") ? [index] : [],
    );
    // Exactly what the lost worker held when its message was lost; nothing it found was kept.
    expect(failed).toEqual([...held].sort((a, b) => a - b));
    for (const index of failed) {
      expect(reports[index]!.reachable).toBeNull();
      expect(reports[index]!.errors).toEqual([
        {
          probe: "worker",
          code: "internal",
          message:
            "the worker thread scanning it sent a message this thread could not read " +
            "(Unable to deserialize cloned data.) and was stopped; nothing it found was kept",
        },
      ]);
    }
    // The rest were scanned by the other worker, for real.
    expect(handed.get(kept)!.length + held.length).toBeGreaterThanOrEqual(targets.length);
    reports.forEach((report, index) => {
      if (failed.includes(index)) return;
      expect(report.reachable).toBe(true);
      expect(report.protocols["TLSv1.2"]).toBe(true);
    });
    // Never a pass: the lost targets block the gate even when inconclusive targets may pass.
    expect(gateRun([], reports, { inconclusive: "pass" }).verdict).toBe("fail");
    expect(await within(exited(lost), 30_000, "the lost worker's exit")).toEqual(
      expect.any(Number),
    );
  }, 120_000);
});
