import { verdictOf, type Evaluation, type GateOptions, type ScanReport } from "@tlsgate/core";
import { EXIT, type ExitCode } from "./exit-codes.js";

/**
 * The exit code of a run: 1 when a finding at or above the threshold fails; otherwise 3 when a
 * target could not be scanned, or when only inconclusive findings gate; otherwise 0.
 */
export function exitCodeOf(
  evaluations: readonly Evaluation[],
  reports: readonly ScanReport[],
  gate: GateOptions,
): ExitCode {
  const { verdict, blocking } = verdictOf(evaluations, gate);
  if (verdict === "fail" && blocking.some((finding) => finding.status === "fail")) {
    return EXIT.policyViolation;
  }
  const unscannable = reports.some((report) => report.reachable !== true);
  if (verdict === "fail" || (unscannable && gate.failOn !== "never")) return EXIT.unscannable;
  return EXIT.pass;
}
