/**
 * runPlan(): scan every target of a plan, evaluate each report against its policy, and gate.
 * The only scan → evaluate → gate loop of tlsgate; the CLI and the Action format what it returns.
 */
import { evaluate } from "../policy/evaluate.js";
import { WaiverSet } from "../policy/waivers.js";
import type { Evaluation } from "../policy/types.js";
import type { ScanReport } from "../scan-report/types.js";
import type { LookupAllFunction } from "../probe/resolve-target.js";
import type { ProgressEvent } from "../scan/context.js";
import { cutBy } from "../scan/connection-budget.js";
import { isPromiseLike, untilRead } from "../scan/deadline.js";
import { DeadlineReached, scanTargets } from "../scan/scan-targets.js";
import { gateRun, type RunGate } from "./gate.js";
import { expandAddresses } from "./all-addresses.js";
import type { Target } from "../probe/target.js";
import type { RunPlan } from "./plan.js";

export interface RunPlanOptions {
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /** Called as each target's report is ready, in completion order. */
  onReport?: (report: ScanReport) => void;
  /**
   * Called as each target is judged, in completion order (saved reports first): a shell can
   * stream results (`--format ndjson`) instead of waiting for the whole run. A promise it
   * returns holds back the targets not yet started until it settles (see scanTargets'
   * onReport): a reader that falls behind slows the run instead of results piling up.
   */
  onResult?: (result: TargetResult) => void | PromiseLike<void>;
  /**
   * Keep every report and evaluation in the result (default). False: they go only to
   * `onResult`, the result's lists are empty and the gate is decided from what each target left
   * behind, so a fleet's memory is bounded by the targets in flight.
   */
  retain?: boolean;
  /** The time certificate validity is judged at; now by default. */
  now?: Date;
  /** How `allAddresses` looks up every address of a name; node:dns by default. */
  lookupAll?: LookupAllFunction;
}

/** One target of the plan, judged. */
export interface TargetResult {
  /** Its index in the plan's targets. */
  index: number;
  report: ScanReport;
  evaluation: Evaluation;
}

export interface RunResult {
  /** In the order of the plan's targets; empty when not retained. */
  reports: ScanReport[];
  evaluations: Evaluation[];
  gate: RunGate;
  /** Waivers that match no target or waive nothing, one sentence each. */
  warnings: string[];
}

export async function runPlan(plan: RunPlan, options: RunPlanOptions = {}): Promise<RunResult> {
  // The run's deadline: our own timer, cleared when the run ends, aborting every target still
  // being scanned (they keep what they established). A caller's signal stops the run as well.
  const run = new AbortController();
  const timer = setTimeout(
    () => run.abort(new DeadlineReached("run", plan.runDeadlineMs)),
    plan.runDeadlineMs,
  );
  const onCallerAbort = (): void => run.abort(options.signal?.reason);
  if (options.signal?.aborted === true) onCallerAbort();
  else options.signal?.addEventListener("abort", onCallerAbort, { once: true });
  try {
    return await scanEvaluateGate(plan, options, run.signal);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onCallerAbort);
  }
}

async function scanEvaluateGate(
  plan: RunPlan,
  options: RunPlanOptions,
  signal: AbortSignal,
): Promise<RunResult> {
  const targets = plan.allAddresses
    ? await expandAddresses(plan.targets, {
        timeoutMs: plan.timeoutMs,
        signal,
        ...(options.lookupAll === undefined ? {} : { lookupAll: options.lookupAll }),
      })
    : plan.targets;
  const retain = options.retain ?? true;
  const count = targets.length;
  const reports = new Array<ScanReport>(retain ? count : 0);
  const evaluations = new Array<Evaluation>(count);
  // What the gate reads of a report; all that is kept of it when reports are not retained.
  const gateFacts = new Array<ScanReport>(count);
  const policies = new Set(targets.map((planned) => planned.policy));
  const waivers = new WaiverSet(
    [...[...policies].flatMap((policy) => policy.waivers), ...plan.waivers],
    plan.now,
  );
  const judge = (index: number, report: ScanReport): void | PromiseLike<void> => {
    const { policy } = targets[index]!;
    const evaluation = waivers.apply(evaluate(policy, report), [
      ...policy.waivers,
      ...plan.waivers,
    ]);
    evaluations[index] = evaluation;
    if (retain) reports[index] = report;
    gateFacts[index] = retain ? report : gateFactsOf(report);
    return options.onResult?.({ index, report, evaluation });
  };

  const toScan: Target[] = [];
  const planIndex: number[] = [];
  targets.forEach((planned, index) => {
    if (planned.target === null) return;
    toScan.push(planned.target);
    planIndex.push(index);
  });
  for (const [index, planned] of targets.entries()) {
    if (planned.saved === null) continue;
    const held = judge(index, planned.saved);
    if (isPromiseLike(held)) await untilRead(held, cutBy(signal));
  }
  await scanTargets(toScan, {
    timeoutMs: plan.timeoutMs,
    concurrency: plan.concurrency,
    maxConnections: plan.maxConnections,
    maxPerAddress: plan.maxPerAddress,
    parallelTargets: plan.parallelTargets,
    workers: plan.workers,
    ca: plan.ca,
    deadlineMs: plan.deadlineMs,
    signal,
    keepReports: false,
    onReport: (report, index) => {
      options.onReport?.(report);
      return judge(planIndex[index]!, report);
    },
    ...(plan.clients === null ? {} : { clients: plan.clients }),
    ...plan.starttls,
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const gate = gateRun(evaluations, gateFacts, plan.gate);
  const warnings = waivers.unused();
  return retain
    ? { reports, evaluations, gate, warnings }
    : { reports: [], evaluations: [], gate, warnings };
}

/** The part of a report the gate reads (whether it was reached, and as what). */
function gateFactsOf(report: ScanReport): ScanReport {
  return {
    // notScannedReason's facts: whether and how far the target was reached.
    target: report.target,
    reachable: report.reachable,
    protocols: report.protocols,
    errors: report.errors,
  } as ScanReport;
}
