// What the formatters read out of evaluations: each rule's outcome, and evaluations and reports
// grouped by target.
import { verdictOf } from "../policy/evaluate.js";
import type { Evaluation, Finding, FindingStatus, GateOptions } from "../policy/types.js";
import { notScannedReason } from "../scan-report/not-scanned.js";
import type { ScanReport } from "../scan-report/types.js";

/** One rule's outcome for one target: its findings folded into one status. */
export interface RuleOutcome {
  ruleId: string;
  status: FindingStatus;
  findings: Finding[];
}

/** The report each evaluation ran on, by target (`report.target.input`). */
export function reportsByTarget(reports: readonly ScanReport[]): Map<string, ScanReport> {
  return new Map(reports.map((report) => [report.target.input, report]));
}

/** Outcomes of every evaluated rule, in evaluation order (a rule without findings passed). */
export function outcomes(evaluation: Evaluation): RuleOutcome[] {
  const byRule = new Map<string, RuleOutcome>();
  for (const ruleId of Object.keys(evaluation.rules)) {
    byRule.set(ruleId, { ruleId, status: "pass", findings: [] });
  }
  for (const finding of evaluation.findings) {
    let outcome = byRule.get(finding.ruleId);
    if (outcome === undefined) {
      outcome = { ruleId: finding.ruleId, status: "pass", findings: [] };
      byRule.set(finding.ruleId, outcome);
    }
    if (finding.status === "pass") continue;
    outcome.findings.push(finding);
    if (finding.status === "fail") outcome.status = "fail";
    else if (finding.status === "inconclusive") {
      if (outcome.status !== "fail") outcome.status = "inconclusive";
    } else if (outcome.status === "pass") outcome.status = "waived";
  }
  return [...byRule.values()];
}

/** Evaluations grouped by target, in order of first appearance. */
export function byTarget(evaluations: readonly Evaluation[]): Map<string, Evaluation[]> {
  const groups = new Map<string, Evaluation[]>();
  for (const evaluation of evaluations) {
    groups.set(evaluation.target, [...(groups.get(evaluation.target) ?? []), evaluation]);
  }
  return groups;
}

/** A target's verdict in every output: the gate's view of that one target. */
export type TargetVerdict = "pass" | "warn" | "fail";

/**
 * fail: the target blocks the gate (a finding at or above fail-on, an inconclusive one when
 * inconclusive gates, or the target could not be scanned); warn: it has failing or inconclusive
 * findings that do not block; pass: none.
 */
export function targetVerdict(
  evaluation: Evaluation,
  report: ScanReport | undefined,
  gate: GateOptions = {},
): TargetVerdict {
  const unscannedBlocks =
    report !== undefined &&
    notScannedReason(report) !== null &&
    (gate.inconclusive ?? "fail") === "fail";
  if (unscannedBlocks || verdictOf([evaluation], gate).blocking.length > 0) return "fail";
  return evaluation.findings.some((finding) => finding.status !== "pass") ? "warn" : "pass";
}
