// The fleet at a glance: one row per target and policy, worst first. Text, Markdown and HTML all
// read these rows, so every output ranks and counts targets the same way.
import { verdictOf } from "../policy/evaluate.js";
import type { Evaluation, Finding, GateOptions, Severity } from "../policy/types.js";
import type { Protocol } from "../registry/protocols.js";
import type { AcceptedCipherSuite, ScanReport } from "../scan-report/types.js";
import { notScannedReason } from "../scan-report/not-scanned.js";
import { findingMessage } from "./certificates.js";
import { weakestSuite } from "./negotiated.js";
import { reportsByTarget } from "./outcomes.js";

export interface OverviewRow {
  evaluation: Evaluation;
  report: ScanReport | undefined;
  target: string;
  /** "unscanned" when the target could not be scanned at all. */
  verdict: Evaluation["verdict"] | "unscanned";
  /** Findings that block the gate. */
  blocking: number;
  /** The most severe failing (else inconclusive) finding, or null when every rule passed. */
  worst: Finding | null;
  /** Days until the first served leaf certificate expires; null when unknown. */
  daysToExpiry: number | null;
  /** That certificate's notAfter (ISO), or null. */
  expires: string | null;
  /** Protocols the target accepts; null when unknown. */
  protocols: Protocol[] | null;
  /** The weakest suite the target accepts; null when unknown or none. */
  weakestSuite: AcceptedCipherSuite | null;
}

/** Above this many targets, text and Markdown show the overview only unless asked for details. */
export const DETAILS_TARGET_LIMIT = 5;

/** Whether text and Markdown print per-target details: asked for, or few targets. */
export function showDetails(evaluations: readonly Evaluation[], details?: boolean): boolean {
  return details ?? new Set(evaluations.map((e) => e.target)).size <= DETAILS_TARGET_LIMIT;
}

const SEVERITY_RANK: Record<Exclude<Severity, "off">, number> = { error: 0, warning: 1, info: 2 };
const VERDICT_RANK: Record<OverviewRow["verdict"], number> = {
  fail: 0,
  unscanned: 1,
  inconclusive: 2,
  pass: 3,
};

function worstFinding(findings: readonly Finding[]): Finding | null {
  let worst: Finding | null = null;
  const rank = (f: Finding): number =>
    (f.status === "fail" ? 0 : 3) + SEVERITY_RANK[f.severity] * 0.5;
  for (const finding of findings) {
    if (finding.status === "pass" || finding.status === "waived") continue;
    if (worst === null || rank(finding) < rank(worst)) worst = finding;
  }
  return worst;
}

function leafExpiry(report: ScanReport | undefined): { days: number; notAfter: string } | null {
  const chains = report?.certificates ?? (report?.certificate ? [report.certificate] : []);
  let first: { days: number; notAfter: string } | null = null;
  for (const chain of chains) {
    const leaf = chain.chain[0];
    if (leaf !== undefined && (first === null || leaf.daysRemaining < first.days)) {
      first = { days: leaf.daysRemaining, notAfter: leaf.notAfter };
    }
  }
  return first;
}

/** One row per evaluation, worst first: verdict, blocking findings, worst finding, expiry. */
export function fleetOverview(
  evaluations: readonly Evaluation[],
  reports: readonly ScanReport[],
  gate: GateOptions = {},
): OverviewRow[] {
  const reportOf = reportsByTarget(reports);
  const rows = evaluations.map((evaluation, index) => {
    const report = reportOf.get(evaluation.target);
    const expiry = leafExpiry(report);
    const unscanned = report !== undefined && notScannedReason(report) !== null;
    const versions = Object.entries(report?.protocols ?? {}) as [Protocol, boolean | null][];
    // A partly known list is not what the target accepts: unknown, like an unscanned one.
    const protocols =
      report === undefined || unscanned || versions.some(([, on]) => on === null)
        ? null
        : versions.filter(([, on]) => on === true).map(([protocol]) => protocol);
    const row: OverviewRow = {
      evaluation,
      report,
      target: evaluation.target,
      verdict: unscanned ? "unscanned" : evaluation.verdict,
      blocking: verdictOf([evaluation], gate).blocking.length,
      worst: worstFinding(evaluation.findings),
      daysToExpiry: expiry?.days ?? null,
      expires: expiry?.notAfter ?? null,
      protocols,
      weakestSuite: weakestSuite(report?.cipherSuites ?? []),
    };
    return { row, index };
  });
  return rows
    .sort(
      (a, b) =>
        VERDICT_RANK[a.row.verdict] - VERDICT_RANK[b.row.verdict] ||
        b.row.blocking - a.row.blocking ||
        (a.row.daysToExpiry ?? Infinity) - (b.row.daysToExpiry ?? Infinity) ||
        a.index - b.index,
    )
    .map(({ row }) => row);
}

/** "error no-legacy-protocols: TLSv1.0 is enabled", or "—". */
export function worstLabel(row: OverviewRow): string {
  const { worst } = row;
  if (worst === null) return "—";
  const status = worst.status === "inconclusive" ? " (inconclusive)" : "";
  return `${worst.severity} ${worst.ruleId}${status}: ${findingMessage(worst, row.report)}`;
}
