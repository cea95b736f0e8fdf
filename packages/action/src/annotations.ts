/**
 * Workflow annotations: one per failing (or inconclusive) rule and target, at the rule's line in
 * the policy file when that file is in the repository; one per target that could not be scanned
 * (not one per rule it left unknown); and one for a policy that cannot load. GitHub drops what is
 * over its limits silently, so the Action stays under them and says what it left out.
 */
import { resolve } from "node:path";
import {
  WaiverSet,
  findingMessage,
  notScannedReason,
  repoPath,
  type Evaluation,
  type Finding,
  type PolicyError,
  type RuleInfo,
  type ScanReport,
} from "@tlsgate/core";
import { formatPolicyIssue } from "@tlsgate/core/policy";
import type { ActionsCore, AnnotationProperties } from "./toolkit.js";

export { repoPath };

/**
 * GitHub shows 10 annotations of each level per step (and keeps 50 per job, more than these add
 * up to). One error is kept for the failed step's message, one notice for the count left out.
 */
export const ANNOTATION_BUDGET: Readonly<Record<Level, number>> = {
  error: 9,
  warning: 10,
  notice: 9,
};

/** Findings listed in one annotation before "and N more". */
const MAX_MESSAGES = 5;

type Level = "error" | "warning" | "notice";

const RANK: Record<Level, number> = { error: 0, warning: 1, notice: 2 };

export interface Annotation {
  level: Level;
  message: string;
  properties: AnnotationProperties;
}

function levelOf(severity: RuleInfo["severity"], status: Finding["status"]): Level {
  if (severity === "info") return "notice";
  return status === "fail" && severity === "error" ? "error" : "warning";
}

export interface AnnotationContext {
  workspace: string;
  /** The reports evaluated, to tell a target that could not be scanned. */
  reports: readonly ScanReport[];
  /** Whether a target that could not be scanned fails the gate (an error) or not (a warning). */
  inconclusive: "fail" | "pass";
  /** Where waiver files named relative to the working directory are (default: workspace). */
  cwd?: string;
}

/**
 * The annotations of evaluations, errors first: one per target that could not be scanned, saying
 * why; else one per rule and target.
 */
/**
 * A warning per waived rule and target whose waiver ends within WAIVER_EXPIRY_WARNING_DAYS days,
 * at the waiver's line when its file is in the repository.
 */
export function waiverAnnotations(
  evaluations: readonly Evaluation[],
  context: { workspace: string; cwd: string },
): Annotation[] {
  const seen = new Set<string>();
  const annotations: Annotation[] = [];
  for (const finding of WaiverSet.expiringSoon(evaluations)) {
    const waiver = finding.waiver!;
    const key = `${finding.target}\0${finding.ruleId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const properties: AnnotationProperties = {
      title: `tlsgate: waiver of ${finding.ruleId} expires soon`,
    };
    const where = /^(.*):([0-9]+):([0-9]+)$/.exec(waiver.source);
    const file =
      where === null ? null : repoPath(resolve(context.cwd, where[1]!), context.workspace);
    if (where !== null && file !== null) {
      properties.file = file;
      properties.startLine = Number(where[2]);
      properties.startColumn = Number(where[3]);
    }
    annotations.push({
      level: "warning",
      message: `${finding.target}: the waiver of ${finding.ruleId} expires on ${waiver.expires} (${waiver.daysLeft} day(s) left): ${waiver.reason}`,
      properties,
    });
  }
  return annotations;
}

export function findingAnnotations(
  evaluations: readonly Evaluation[],
  context: AnnotationContext,
): Annotation[] {
  const { workspace } = context;
  const annotations: Annotation[] = [];
  const reportOf = new Map(context.reports.map((report) => [report.target.input, report]));
  const unscanned = new Map(
    context.reports.flatMap((report) => {
      const reason = notScannedReason(report);
      return reason === null ? [] : [[report.target.input, reason] as const];
    }),
  );
  for (const [target, reason] of unscanned) {
    annotations.push({
      level: context.inconclusive === "fail" ? "error" : "warning",
      message: `${target}: not scanned: ${reason}`,
      properties: { title: "tlsgate: target not scanned" },
    });
  }
  for (const evaluation of evaluations) {
    // Every rule of a target that was not scanned is unknown: its one annotation says why.
    if (unscanned.has(evaluation.target)) continue;
    const byRule = new Map<string, Finding[]>();
    for (const finding of evaluation.findings) {
      if (finding.status === "pass" || finding.status === "waived") continue;
      byRule.set(finding.ruleId, [...(byRule.get(finding.ruleId) ?? []), finding]);
    }
    for (const [ruleId, findings] of byRule) {
      const rule = evaluation.rules[ruleId];
      const failed = findings.filter((f) => f.status === "fail");
      const status = failed.length > 0 ? "fail" : "inconclusive";
      const shown = status === "fail" ? failed : findings;
      const severity = rule?.severity ?? findings[0]!.severity;
      const lines = [
        `${evaluation.target}: ${status === "fail" ? "" : "inconclusive: "}${rule?.title ?? ruleId}`,
        ...shown
          .slice(0, MAX_MESSAGES)
          .map((f) => `- ${findingMessage(f, reportOf.get(evaluation.target))}`),
      ];
      if (shown.length > MAX_MESSAGES) lines.push(`- and ${shown.length - MAX_MESSAGES} more`);
      const properties: AnnotationProperties = { title: ruleId };
      const file = repoPath(rule?.source.file ?? null, workspace);
      if (file !== null) {
        properties.file = file;
        if (rule?.source.line != null) properties.startLine = rule.source.line;
        if (rule?.source.column != null) properties.startColumn = rule.source.column;
      }
      annotations.push({ level: levelOf(severity, status), message: lines.join("\n"), properties });
    }
  }
  return annotations.sort((a, b) => RANK[a.level] - RANK[b.level]);
}

/**
 * Emits the annotations of evaluations within ANNOTATION_BUDGET, errors first, and a notice of
 * how many it left out; returns that number.
 */
export function annotateFindings(
  core: Pick<ActionsCore, "error" | "warning" | "notice">,
  evaluations: readonly Evaluation[],
  context: AnnotationContext,
): number {
  const used: Record<Level, number> = { error: 0, warning: 0, notice: 0 };
  let left = 0;
  const all = [
    ...findingAnnotations(evaluations, context),
    ...waiverAnnotations(evaluations, {
      workspace: context.workspace,
      cwd: context.cwd ?? context.workspace,
    }),
  ];
  for (const { level, message, properties } of all) {
    if (used[level] >= ANNOTATION_BUDGET[level]) {
      left += 1;
      continue;
    }
    used[level] += 1;
    core[level](message, properties);
  }
  if (left > 0) {
    core.notice(
      `tlsgate: ${left} more annotation(s) left out (GitHub shows 10 of each level per step); the job summary has every finding.`,
      { title: "tlsgate: annotations left out" },
    );
  }
  return left;
}

/**
 * A policy that cannot load: one error annotation per problem, at its file, line and column
 * when the file is in the repository (the failed step's message has the same lines).
 */
export function annotatePolicyError(
  core: Pick<ActionsCore, "error">,
  error: PolicyError,
  workspace: string,
): void {
  for (const issue of error.issues) {
    const file = repoPath(issue.file, workspace);
    const properties: AnnotationProperties = { title: `tlsgate policy error (${issue.code})` };
    const where = issue.pointer ? `${issue.pointer}: ` : "";
    if (file !== null) {
      properties.file = file;
      if (issue.line !== null) properties.startLine = issue.line;
      if (issue.column !== null) properties.startColumn = issue.column;
    }
    core.error(file === null ? formatPolicyIssue(issue) : `${where}${issue.message}`, properties);
  }
}
