/**
 * runPlan(): scan every target of a plan, evaluate each report against its policy, and gate.
 * The only scan → evaluate → gate loop of tlsgate; the CLI and the Action format what it returns.
 */
import { evaluate } from "../policy/evaluate.js";
import { WaiverSet } from "../policy/waivers.js";
import type { Evaluation } from "../policy/types.js";
import type { ScanReport } from "../scan-report/types.js";
import type { ProgressEvent } from "../scan/context.js";
import { DeadlineReached, scanTargets } from "../scan/scan-targets.js";
import { gateRun, type RunGate } from "./gate.js";
import type { RunPlan } from "./plan.js";

export interface RunPlanOptions {
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /** Called as each target's report is ready, in completion order. */
  onReport?: (report: ScanReport) => void;
  /** The time certificate validity is judged at; now by default. */
  now?: Date;
}

export interface RunResult {
  /** In the order of the plan's targets. */
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
  const toScan = plan.targets.flatMap((planned) =>
    planned.target === null ? [] : [planned.target],
  );
  const scanned = await scanTargets(toScan, {
    timeoutMs: plan.timeoutMs,
    concurrency: plan.concurrency,
    parallelTargets: plan.parallelTargets,
    ca: plan.ca,
    deadlineMs: plan.deadlineMs,
    signal,
    ...(plan.clients === null ? {} : { clients: plan.clients }),
    ...plan.starttls,
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.onReport === undefined ? {} : { onReport: options.onReport }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const reports = plan.targets.map((planned) => planned.saved ?? scanned.shift()!);
  const policies = new Set(plan.targets.map((planned) => planned.policy));
  const waivers = new WaiverSet(
    [...[...policies].flatMap((policy) => policy.waivers), ...plan.waivers],
    plan.now,
  );
  const evaluations = reports.map((report, i) => {
    const { policy } = plan.targets[i]!;
    return waivers.apply(evaluate(policy, report), [...policy.waivers, ...plan.waivers]);
  });
  return {
    reports,
    evaluations,
    gate: gateRun(evaluations, reports, plan.gate),
    warnings: waivers.unused(),
  };
}
