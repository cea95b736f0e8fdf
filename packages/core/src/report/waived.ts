// The waived part of a run, for every reporter: one row per waived rule and target.
import type { Evaluation, FindingWaiver } from "../policy/types.js";
import { outcomes } from "./outcomes.js";

export interface WaivedRow {
  target: string;
  ruleId: string;
  /** Waived findings of the rule on the target. */
  findings: number;
  waiver: FindingWaiver;
}

export function waivedRows(evaluations: readonly Evaluation[]): WaivedRow[] {
  const rows: WaivedRow[] = [];
  for (const evaluation of evaluations) {
    for (const outcome of outcomes(evaluation)) {
      const waiver = outcome.findings[0]?.waiver;
      if (outcome.status !== "waived" || waiver === undefined) continue;
      rows.push({
        target: evaluation.target,
        ruleId: outcome.ruleId,
        findings: outcome.findings.length,
        waiver,
      });
    }
  }
  return rows;
}

/** "until 2027-03-31 (12 days left)". */
export function waivedUntil(waiver: FindingWaiver): string {
  const left = waiver.daysLeft === 0 ? "last day" : `${waiver.daysLeft} day(s) left`;
  return `until ${waiver.expires} (${left})`;
}
