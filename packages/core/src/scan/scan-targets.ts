/**
 * scanTargets(): many targets, many at a time under one connection budget (the run's, the
 * address's and each target's own limit), reports in the order of the targets. Each target has a deadline, and the run's signal stops them all:
 * a target cut short keeps what it established, the rest is null, and its errors name the cut.
 */
import type { Target } from "../probe/target.js";
import type { ScanReport } from "../scan-report/types.js";
import { ConnectionBudget, FanOutCut, type WaitCut } from "./connection-budget.js";
import { scanTarget, type ScanTargetOptions } from "./scan-target.js";

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
  /** Called as each target's report is ready, in completion order, with its index. */
  onReport?: (report: ScanReport, index: number) => void;
  /**
   * Keep every report for the result (default). False: reports go only to `onReport` and the
   * result is empty, so a fleet's memory stays bounded by the targets in flight.
   */
  keepReports?: boolean;
}

/** Why a scan was cut short; the abort reason its signal carries. */
export class DeadlineReached extends Error {
  override readonly name = "DeadlineReached" as const;
  constructor(
    readonly scope: "target" | "run",
    readonly ms: number | null,
  ) {
    super(
      scope === "target"
        ? `the target's deadline of ${ms} ms was reached: what was not established by then is null`
        : `the run's deadline${ms === null ? "" : ` of ${ms} ms`} was reached: what was not established by then is null`,
    );
  }
}

export async function scanTargets(
  targets: readonly (string | Target)[],
  options: ScanTargetsOptions = {},
): Promise<ScanReport[]> {
  const {
    onReport,
    keepReports = true,
    deadlineMs,
    signal: runSignal,
    parallelTargets,
    maxConnections = 256,
    maxPerAddress = 64,
    ...rest
  } = options;
  const budget = rest.budget ?? new ConnectionBudget({ maxConnections, maxPerAddress });
  const scanOptions: ScanTargetOptions = { ...rest, budget };
  const inFlight =
    parallelTargets ?? Math.ceil((2 * budget.maxConnections) / (rest.concurrency ?? 8));
  // One listener on the run's signal for every target in flight.
  const runCut = runSignal === undefined ? undefined : new FanOutCut(runSignal);
  const reports: ScanReport[] = keepReports ? new Array<ScanReport>(targets.length) : [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < targets.length; index = next++) {
      const report = await scanWithDeadline(targets[index]!, scanOptions, deadlineMs, runCut);
      if (keepReports) reports[index] = report;
      onReport?.(report, index);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(inFlight, targets.length) }, worker));
  } finally {
    runCut?.close();
  }
  return reports;
}

/**
 * One target under its deadline and the run's signal. The timer is ours and cleared when the
 * scan ends (an AbortSignal.timeout can be collected before it fires on Node 20).
 */
async function scanWithDeadline(
  target: string | Target,
  options: ScanTargetOptions,
  deadlineMs: number | undefined,
  runCut: WaitCut | undefined,
): Promise<ScanReport> {
  const controller = new AbortController();
  const onRunAbort = (): void => {
    const reason: unknown = runCut?.reason;
    controller.abort(reason instanceof DeadlineReached ? reason : new DeadlineReached("run", null));
  };
  let unsubscribe = (): void => undefined;
  if (runCut?.aborted === true) onRunAbort();
  else if (runCut !== undefined) unsubscribe = runCut.subscribe(onRunAbort);
  const timer =
    deadlineMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new DeadlineReached("target", deadlineMs)), deadlineMs);
  try {
    const report = await scanTarget(target, { ...options, signal: controller.signal });
    const reason: unknown = controller.signal.reason;
    if (controller.signal.aborted && reason instanceof DeadlineReached) {
      report.errors.push({ probe: "deadline", code: "deadline", message: reason.message });
    }
    return report;
  } finally {
    clearTimeout(timer);
    unsubscribe();
  }
}
