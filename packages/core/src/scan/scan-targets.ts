/**
 * scanTargets(): many targets, many at a time under one connection budget (the run's, the
 * address's and each target's own limit), reports in the order of the targets. Each target has a deadline, and the run's signal stops them all:
 * a target cut short keeps what it established, the rest is null, and its errors name the cut.
 * With `workers`, a large fleet is spread over worker threads (worker-pool.ts) under a split of
 * the same budget.
 */
import { parseTarget, type Target } from "../probe/target.js";
import type { ScanReport } from "../scan-report/types.js";
import { ConnectionBudget, FanOutCut } from "./connection-budget.js";
import { isPromiseLike, RunFailed, scanWithDeadline, UnreadReports } from "./deadline.js";
import type { ScanTargetOptions } from "./scan-target.js";
import { scanInWorkers, workerCountFor } from "./worker-pool.js";

export { DeadlineReached } from "./deadline.js";

export interface ScanTargetsOptions extends ScanTargetOptions {
  /**
   * Targets in flight at once: enough that the budget stays full while some targets wait on
   * round trips. Default: the run's connections divided by a target's, times two (at least 1).
   */
  parallelTargets?: number;
  /** Connections open at once in the run. Default 256; ignored when `budget` is given. */
  maxConnections?: number;
  /** Connections open at once to one address. Default 64; ignored when `budget` is given. */
  maxPerAddress?: number;
  /** Milliseconds a target may take in all (probes, handshakes, clients); none when absent. */
  deadlineMs?: number;
  /**
   * Called as each target's report is ready, in completion order, with its index. While a
   * promise it returned is pending, no target starts (a slow reader slows the run rather than
   * letting reports pile up; only the targets already in flight still report), never past the
   * run's cut; the run resolves once every report is read. A rejection, like a throw, fails
   * the run.
   */
  onReport?: (report: ScanReport, index: number) => void | PromiseLike<void>;
  /**
   * Keep every report for the result (default). False: reports go only to `onReport` and the
   * result is empty, so a fleet's memory stays bounded by the targets in flight.
   */
  keepReports?: boolean;
  /**
   * Worker threads to spread the targets over (default 1: this thread). Used only for a fleet
   * large enough to pay for starting them (MIN_TARGETS_FOR_WORKERS), and only when every option
   * can cross to a thread: a `budget`, `connect` or `lookup` of the caller keeps the scan here.
   */
  workers?: number;
  /** @internal The worker entry module (tests); the built `worker.js` by default. */
  workerUrl?: URL;
}

export async function scanTargets(
  targets: readonly (string | Target)[],
  options: ScanTargetsOptions = {},
): Promise<ScanReport[]> {
  checkCounts(options);
  const {
    onReport,
    keepReports = true,
    deadlineMs,
    signal: runSignal,
    parallelTargets,
    maxConnections = 256,
    maxPerAddress = 64,
    workers = 1,
    workerUrl,
    ...rest
  } = options;
  const reports: ScanReport[] = keepReports ? new Array<ScanReport>(targets.length) : [];
  const deliver = (report: ScanReport, index: number): void | PromiseLike<void> => {
    if (keepReports) reports[index] = report;
    return onReport?.(report, index);
  };
  const threads =
    rest.budget === undefined && rest.connect === undefined && rest.lookup === undefined
      ? workerCountFor(targets.length, workers, {
          maxConnections,
          maxPerAddress,
          concurrency: rest.concurrency ?? 8,
          parallelTargets,
        })
      : 1;
  if (threads > 1) {
    const { onProgress, ...scanOptions } = rest;
    // Parsed here, so that bad input throws before any thread starts, as it would in this one.
    const parsed = targets.map((target) =>
      typeof target === "string"
        ? parseTarget(target, rest.starttls === undefined ? {} : { starttls: rest.starttls })
        : target,
    );
    await scanInWorkers(
      parsed,
      {
        workers: threads,
        maxConnections,
        maxPerAddress,
        parallelTargets,
        deadlineMs,
        concurrency: rest.concurrency ?? 8,
        scanOptions,
        signal: runSignal,
        onProgress,
        workerUrl,
      },
      deliver,
    );
    return reports;
  }
  const budget = rest.budget ?? new ConnectionBudget({ maxConnections, maxPerAddress });
  const scanOptions: ScanTargetOptions = { ...rest, budget };
  const inFlight =
    parallelTargets ?? Math.ceil((2 * budget.maxConnections) / (rest.concurrency ?? 8));
  // The run's cut: the caller's signal, or the run failing (a scan threw, or `deliver` did).
  const cut = new AbortController();
  const onRunAbort = (): void => cut.abort(runSignal?.reason);
  if (runSignal?.aborted === true) onRunAbort();
  else runSignal?.addEventListener("abort", onRunAbort, { once: true });
  // One listener on the cut for every target in flight.
  const runCut = new FanOutCut(cut.signal);
  let failure: { error: unknown } | undefined;
  let next = 0;
  const unread = new UnreadReports(runCut, { failed: (error) => onLaneFailed(error) });
  const lane = async (): Promise<void> => {
    for (;;) {
      // No target starts while a report is unread: a slow reader holds the whole run back.
      await unread.allRead();
      if (failure !== undefined || next >= targets.length) return;
      const index = next++;
      const report = await scanWithDeadline(targets[index]!, scanOptions, deadlineMs, runCut);
      // A scan cut because the run failed is never delivered: the run rejects instead.
      if (failure !== undefined) return;
      const held = deliver(report, index);
      if (isPromiseLike(held)) unread.add(held);
    }
  };
  // The first lane to fail stops the others taking targets and cuts their scans; the run
  // rejects once every scan has settled, so nothing outlives it.
  const onLaneFailed = (error: unknown): void => {
    if (failure !== undefined) return;
    failure = { error };
    cut.abort(new RunFailed(error));
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(inFlight, targets.length) }, () => lane().catch(onLaneFailed)),
    );
    // The run ends once its last reports are read (or the cut ended the wait).
    await unread.allRead();
  } finally {
    runSignal?.removeEventListener("abort", onRunAbort);
    runCut.close();
  }
  if (failure !== undefined) throw failure.error;
  return reports;
}

/** The counts of a run, each a positive safe integer when given: a RangeError names the first that is not. */
const COUNTS = [
  "workers",
  "parallelTargets",
  "concurrency",
  "maxConnections",
  "maxPerAddress",
] as const satisfies readonly (keyof ScanTargetsOptions)[];

function checkCounts(options: ScanTargetsOptions): void {
  for (const name of COUNTS) {
    const value = options[name];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1)) {
      throw new RangeError(
        `scanTargets: ${name} must be a positive safe integer, got ${String(value)}`,
      );
    }
  }
}
