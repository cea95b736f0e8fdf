/**
 * A fleet spread over worker threads (`--workers`): where one core is the limit, each worker scans
 * its share of the targets under its share of the connection budget, and this thread hands out
 * targets, forwards progress and collects reports. The budget holds across workers because it is
 * split: the run's connections and the per-address cap are divided between the workers (shares
 * that add up to the caps), so no address sees more than the cap even when every worker scans it.
 * A worker that crashes, stops answering or sends a message this thread cannot read is an error
 * for the targets it held, never a pass and never a hang: its targets get a report that names the
 * failure, with every fact unknown.
 */
import { Worker } from "node:worker_threads";
import type { Target } from "../probe/target.js";
import type { ScanReport } from "../scan-report/types.js";
import type { ProgressEvent } from "./context.js";
import { isIP } from "node:net";
import { emptyReport } from "./scan.js";
import { WORKER_PROBE } from "../scan-report/not-scanned.js";
import type { ScanTargetOptions } from "./scan-target.js";
import { FanOutCut } from "./connection-budget.js";
import { DeadlineReached, isPromiseLike, UnreadReports } from "./deadline.js";

/**
 * Each worker gets at least this many targets, so that its start-up pays for itself: a worker
 * takes about 180 ms of CPU to start (loading the scanner and registry), a loopback target
 * 20-30 ms, and on a shared two-core machine 16 and 32 targets were slower over two workers than
 * in one thread, 64 and more faster (`npm run bench:fleet -- --n N --workers 1|2`).
 */
export const MIN_TARGETS_PER_WORKER = 32;
/** Fewer targets than this are scanned in this thread: starting workers would cost more. */
export const MIN_TARGETS_FOR_WORKERS = 2 * MIN_TARGETS_PER_WORKER;
/**
 * Each worker's young generation, MiB: with V8's default nursery, two workers took a 1000-target
 * loopback fleet to 283-327 MB peak RSS, at 16 MiB to 276-311 MB, at 8 MiB to 288-294 MB with no
 * CPU cost that stood out of the noise (23.5-24.2 s against 22.9-24.4 s).
 */
const YOUNG_GENERATION_MB = 8;
/**
 * How long past a target's deadline (or the run's) a worker may take to hand back what it holds
 * before it is taken for stuck and stopped: cut probes end at once, so this is only for a worker
 * whose event loop no longer turns.
 */
const STUCK_GRACE_MS = 10_000;
const WATCHDOG_INTERVAL_MS = 1_000;

/** What a worker is told once, at start: every setting its scans share. */
export interface WorkerSetup {
  /** The serialisable scan options (no signal, budget, seams or callbacks). */
  options: ScanTargetOptions;
  /** This worker's share of the run's budget. */
  maxConnections: number;
  maxPerAddress: number;
  deadlineMs: number | undefined;
  /** Forward progress events (only when someone listens). */
  progress: boolean;
}

export type ToWorker =
  | { type: "scan"; index: number; target: Target }
  /** The run was cut (its deadline, or the caller's signal); `ms`: the run deadline's length. */
  | { type: "abort"; ms: number | null };

export type FromWorkerItem =
  | { kind: "progress"; event: ProgressEvent }
  | { kind: "report"; index: number; report: ScanReport }
  | { kind: "failed"; index: number; message: string };

/** Items are sent in batches, one message per event-loop turn, to keep messaging cheap. */
export interface FromWorker {
  type: "batch";
  items: FromWorkerItem[];
}

export interface PoolOptions {
  workers: number;
  maxConnections: number;
  maxPerAddress: number;
  /** Targets in flight over all workers; by default each worker's budget times two, per target. */
  parallelTargets: number | undefined;
  deadlineMs: number | undefined;
  /** The per-target connection limit, for the default targets in flight. */
  concurrency: number;
  /** Serialisable scan options handed to each worker. */
  scanOptions: ScanTargetOptions;
  signal: AbortSignal | undefined;
  onProgress: ((event: ProgressEvent) => void) | undefined;
  /** The worker's entry module; the built `worker.js` beside this module by default. */
  workerUrl?: URL | undefined;
}

/**
 * How many workers a run gets: 1 (this thread) below MIN_TARGETS_FOR_WORKERS targets, else as
 * many as asked, with at least MIN_TARGETS_PER_WORKER targets apiece, and few enough that each
 * worker's share of the caps still lets one target open its `concurrency` connections: a
 * per-address share of at least min(concurrency, maxPerAddress) and a total share of at least
 * `concurrency` (splitting the caps thinner would cut every target's own concurrency).
 */
export function workerCountFor(
  targets: number,
  requested: number,
  limits: {
    maxConnections: number;
    maxPerAddress: number;
    concurrency: number;
    parallelTargets?: number | undefined;
  },
): number {
  if (requested <= 1 || targets < MIN_TARGETS_FOR_WORKERS) return 1;
  const perTarget = Math.max(1, limits.concurrency);
  return Math.max(
    1,
    Math.min(
      requested,
      Math.floor(targets / MIN_TARGETS_PER_WORKER),
      Math.floor(limits.maxConnections / Math.min(perTarget, limits.maxConnections)),
      Math.floor(limits.maxPerAddress / Math.min(perTarget, limits.maxPerAddress)),
      limits.parallelTargets ?? Number.MAX_SAFE_INTEGER,
    ),
  );
}

/** Worker `i`'s share of `total` split `parts` ways: the shares differ by at most one and sum to `total`. */
export function shareOf(total: number, parts: number, i: number): number {
  return Math.floor(total / parts) + (i < total % parts ? 1 : 0);
}

interface InFlight {
  target: Target;
  /** When it was handed to the worker (ms since the epoch), for the stuck-worker watchdog. */
  since: number;
}

interface PoolWorker {
  worker: Worker;
  capacity: number;
  inFlight: Map<number, InFlight>;
  /** Why the worker is gone (crash, exit, stopped as stuck); null while it runs. */
  failure: string | null;
  /** Why this thread stopped it, when it did. */
  stopReason: string | null;
}

/**
 * Scans `targets` over `options.workers` threads; `deliver` gets each report as it is ready, in
 * completion order, with its index. While a promise `deliver` returned is pending, no target is
 * handed out (the reader of the reports is behind). Resolves when every target has a report
 * and every report was read.
 */
export function scanInWorkers(
  targets: readonly Target[],
  options: PoolOptions,
  deliver: (report: ScanReport, index: number) => void | PromiseLike<void>,
): Promise<void> {
  const count = options.workers;
  const url = options.workerUrl ?? new URL("./worker.js", import.meta.url);
  return new Promise<void>((resolve, reject) => {
    let next = 0;
    let remaining = targets.length;
    // One listener on the run's signal for every wait on a reader.
    const runCut = options.signal === undefined ? undefined : new FanOutCut(options.signal);
    /** Reports delivered and not yet read: no target is handed out while there are any. */
    const unread = new UnreadReports(runCut, {
      failed: (error) => finish(error),
      allRead: () => {
        if (settled) return;
        if (remaining === 0) finish();
        else dispatch();
      },
    });
    let abortedAt: number | null = null;
    let settled = false;
    const pool: PoolWorker[] = [];

    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      options.signal?.removeEventListener("abort", onAbort);
      runCut?.close();
      // Workers are stopped, not awaited: a report is never held back by a thread's exit.
      for (const entry of pool) {
        entry.stopReason ??= "the run ended";
        void entry.worker.terminate();
      }
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new Error(String(error)));
    };

    const settleOne = (index: number, report: ScanReport): void => {
      remaining -= 1;
      let held: void | PromiseLike<void>;
      try {
        held = deliver(report, index);
      } catch (error) {
        // The caller's callback threw: the run fails as it would in this thread.
        finish(error);
        return;
      }
      if (isPromiseLike(held)) unread.add(held);
      if (remaining === 0 && unread.count === 0) finish();
    };

    /**
     * A report for a target its worker never finished: unknown everywhere, and why. Its
     * `worker` error blocks the gate whatever `inconclusive` says (see gateRun): a lost thread
     * is a fault of the run, not of the server.
     */
    const failedReport = (target: Target, message: string): ScanReport => {
      const report = emptyReport(target, new Date());
      // A pinned `host@ip` (or an IP literal) is known without a look-up: say where it was.
      if (isIP(target.connectAddress) !== 0) report.target.address = target.connectAddress;
      report.errors.push({ probe: WORKER_PROBE, code: "internal", message });
      return report;
    };

    const dispatch = (): void => {
      // One at a time to the least loaded worker, so that a small fleet is spread too; none
      // while a report is unread.
      while (next < targets.length && unread.count === 0) {
        let least: PoolWorker | undefined;
        for (const entry of pool) {
          if (entry.failure !== null || entry.inFlight.size >= entry.capacity) continue;
          if (least === undefined || entry.inFlight.size < least.inFlight.size) least = entry;
        }
        if (least === undefined) break;
        const index = next++;
        const target = targets[index]!;
        least.inFlight.set(index, { target, since: Date.now() });
        least.worker.postMessage({ type: "scan", index, target } satisfies ToWorker);
      }
      // No worker left to take the rest: each is an error, never silently dropped.
      if (pool.every((entry) => entry.failure !== null)) {
        while (next < targets.length && !settled) {
          const index = next++;
          settleOne(index, failedReport(targets[index]!, "no worker thread was left to scan it"));
        }
      }
    };

    const onGone = (entry: PoolWorker, why: string): void => {
      if (entry.failure !== null || settled) return;
      entry.failure = why;
      const held = [...entry.inFlight];
      entry.inFlight.clear();
      for (const [index, { target }] of held) {
        if (settled) return;
        settleOne(
          index,
          failedReport(target, `the worker thread scanning it ${why}; nothing it found was kept`),
        );
      }
      if (!settled) dispatch();
    };

    const onAbort = (): void => {
      if (abortedAt !== null) return;
      abortedAt = Date.now();
      const reason: unknown = options.signal?.reason;
      const ms = reason instanceof DeadlineReached ? reason.ms : null;
      for (const entry of pool) {
        if (entry.failure === null)
          entry.worker.postMessage({ type: "abort", ms } satisfies ToWorker);
      }
    };

    // A worker that holds a target long past its deadline (or the run's) is stuck: stop it.
    const watchdog = setInterval(() => {
      const now = Date.now();
      for (const entry of pool) {
        if (entry.failure !== null) continue;
        for (const { since } of entry.inFlight.values()) {
          const byTarget =
            options.deadlineMs === undefined
              ? Infinity
              : since + options.deadlineMs + STUCK_GRACE_MS;
          const byRun = abortedAt === null ? Infinity : Math.max(since, abortedAt) + STUCK_GRACE_MS;
          if (now > Math.min(byTarget, byRun)) {
            entry.stopReason = `stopped answering ${STUCK_GRACE_MS} ms past its deadline and was stopped`;
            void entry.worker.terminate();
            break;
          }
        }
      }
    }, WATCHDOG_INTERVAL_MS);
    watchdog.unref();

    try {
      for (let i = 0; i < count; i += 1) {
        const maxConnections = shareOf(options.maxConnections, count, i);
        const setup: WorkerSetup = {
          options: options.scanOptions,
          maxConnections,
          maxPerAddress: shareOf(options.maxPerAddress, count, i),
          deadlineMs: options.deadlineMs,
          progress: options.onProgress !== undefined,
        };
        const capacity =
          options.parallelTargets === undefined
            ? Math.ceil((2 * maxConnections) / options.concurrency)
            : Math.max(1, shareOf(options.parallelTargets, count, i));
        const entry: PoolWorker = {
          worker: new Worker(url, {
            workerData: setup,
            resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
          }),
          capacity,
          inFlight: new Map(),
          failure: null,
          stopReason: null,
        };
        pool.push(entry);
        let crash: string | null = null;
        entry.worker.on("message", (message: FromWorker) => {
          for (const item of message.items) {
            if (settled) return;
            if (item.kind === "progress") {
              try {
                options.onProgress?.(item.event);
              } catch (error) {
                // The caller's callback threw: the run fails as it would in this thread.
                finish(error);
                return;
              }
              continue;
            }
            const held = entry.inFlight.get(item.index);
            if (held === undefined) continue;
            entry.inFlight.delete(item.index);
            if (item.kind === "failed") {
              // The scanner threw: the run fails as it does when the same scan throws in this thread.
              finish(new Error(item.message));
              return;
            }
            settleOne(item.index, item.report);
          }
          if (!settled) dispatch();
        });
        entry.worker.on("messageerror", (error: unknown) => {
          // A batch this thread could not deserialize is lost, and with it the reports of the
          // targets it carried: end the worker as a lost one now, rather than let its targets
          // wait for reports that never come (a hang with no deadline, else a misleading
          // "stopped answering").
          const cause = error instanceof Error ? error.message : String(error);
          const why = `sent a message this thread could not read (${cause}) and was stopped`;
          entry.stopReason ??= why;
          void entry.worker.terminate();
          onGone(entry, why);
        });
        entry.worker.on("error", (error: Error) => {
          crash = `crashed (${error.message})`;
        });
        entry.worker.on("exit", (code) => {
          onGone(entry, entry.stopReason ?? crash ?? `exited with code ${code}`);
        });
      }
    } catch (error) {
      // A worker that cannot even be created (bad options, no threads): the run fails loudly.
      finish(error);
      return;
    }
    if (options.signal?.aborted === true) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
    if (targets.length === 0) finish();
    else dispatch();
  });
}
