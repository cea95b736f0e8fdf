/**
 * The gate of a run: from evaluations and reports to one outcome with its reasons. The CLI maps
 * the outcome to an exit code and the Action to a failed step; neither decides anything itself.
 */
import { verdictOf } from "../policy/evaluate.js";
import type { Evaluation, Finding, GateOptions } from "../policy/types.js";
import { lostWithWorker, notScannedReason } from "../scan-report/not-scanned.js";
import type { ScanReport } from "../scan-report/types.js";

export const RUN_OUTCOMES = [
  /** Nothing blocks. */
  "pass",
  /** A finding at or above the threshold fails. */
  "violation",
  /** No violation, but a target could not be scanned. */
  "unscannable",
  /** No violation and every target scanned, but rules that gate could not be decided. */
  "inconclusive",
] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

export interface RunGate {
  outcome: RunOutcome;
  verdict: "pass" | "fail";
  /** Why the gate failed, one sentence each; empty when it passes. */
  reasons: string[];
  /** The findings that block. */
  blocking: Finding[];
  /** Targets (as written) that could not be scanned (see `notScannedReason`). */
  unscanned: string[];
}

/**
 * Decides a run. A target that could not be scanned blocks even with `failOn: "never"` (that
 * setting is about findings): only `inconclusive: "pass"` lets it through, since an unscanned
 * target is the most inconclusive result there is.
 */
export function gateRun(
  evaluations: readonly Evaluation[],
  reports: readonly ScanReport[],
  gate: GateOptions = {},
): RunGate {
  const failOn = gate.failOn ?? "error";
  const { blocking } = verdictOf(evaluations, gate);
  const unscanned = reports
    .filter((report) => notScannedReason(report) !== null)
    .map((report) => report.target.input);
  // A target lost with its worker thread is a failure of the run: it blocks whatever
  // `inconclusive` says, as the same fault in one thread rejects the run.
  const unscannedBlocks =
    unscanned.length > 0 &&
    ((gate.inconclusive ?? "fail") === "fail" || reports.some(lostWithWorker));
  const failing = blocking.filter((finding) => finding.status === "fail");
  const down = new Set(unscanned);
  const inconclusive = blocking.filter(
    (finding) => finding.status === "inconclusive" && !down.has(finding.target),
  );

  const reasons: string[] = [];
  if (failing.length > 0) {
    reasons.push(
      `policy violation: ${ruleCount(failing)} rule failure(s) at or above ${failOn} (${failing.length} finding(s))`,
    );
  }
  if (unscannedBlocks) {
    reasons.push(`${unscanned.length} target(s) could not be scanned: ${unscanned.join(", ")}`);
  }
  if (inconclusive.length > 0) {
    reasons.push(
      `${ruleCount(inconclusive)} rule(s) at or above ${failOn} are inconclusive (the scan could not establish what they check)`,
    );
  }
  const outcome: RunOutcome =
    failing.length > 0
      ? "violation"
      : unscannedBlocks
        ? "unscannable"
        : inconclusive.length > 0 || blocking.length > 0
          ? "inconclusive"
          : "pass";
  return {
    outcome,
    verdict: outcome === "pass" ? "pass" : "fail",
    reasons,
    blocking,
    unscanned,
  };
}

/** Distinct (target, rule) pairs: a rule failing at three pointers is one failure. */
function ruleCount(findings: readonly Finding[]): number {
  return new Set(findings.map((finding) => `${finding.target}\0${finding.ruleId}`)).size;
}
