/**
 * Workflow annotations: one per failing (or inconclusive) rule and target, at the rule's line in
 * the policy file when that file is in the repository; and one for a policy that cannot load.
 */
import { isAbsolute, relative, sep } from "node:path";
import type { Evaluation, Finding, PolicyError, RuleInfo } from "@tlsgate/core";
import { formatPolicyIssue } from "@tlsgate/core/policy";
import type { ActionsCore, AnnotationProperties } from "./toolkit.js";

/** GitHub keeps at most 50 annotations per job (and shows 10 of each level per step). */
export const MAX_ANNOTATIONS = 50;

/** Findings listed in one annotation before "and N more". */
const MAX_MESSAGES = 5;

type Level = "error" | "warning" | "notice";

const RANK: Record<Level, number> = { error: 0, warning: 1, notice: 2 };

export interface Annotation {
  level: Level;
  message: string;
  properties: AnnotationProperties;
}

/** A path relative to the repository root (with forward slashes), or null when outside it. */
export function repoPath(file: string | null, workspace: string): string | null {
  if (file === null || !isAbsolute(file)) return null;
  const rel = relative(workspace, file);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return null;
  return rel.split(sep).join("/");
}

function levelOf(severity: RuleInfo["severity"], status: Finding["status"]): Level {
  if (severity === "info") return "notice";
  return status === "fail" && severity === "error" ? "error" : "warning";
}

/** The annotations of evaluations, errors first, one per rule and target. */
export function findingAnnotations(
  evaluations: readonly Evaluation[],
  workspace: string,
): Annotation[] {
  const annotations: Annotation[] = [];
  for (const evaluation of evaluations) {
    const byRule = new Map<string, Finding[]>();
    for (const finding of evaluation.findings) {
      if (finding.status === "pass") continue;
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
        ...shown.slice(0, MAX_MESSAGES).map((f) => `- ${f.message}`),
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

/** Emits the annotations of evaluations (at most MAX_ANNOTATIONS); returns how many it left out. */
export function annotateFindings(
  core: Pick<ActionsCore, "error" | "warning" | "notice" | "info">,
  evaluations: readonly Evaluation[],
  workspace: string,
): number {
  const annotations = findingAnnotations(evaluations, workspace);
  for (const { level, message, properties } of annotations.slice(0, MAX_ANNOTATIONS)) {
    core[level](message, properties);
  }
  const left = Math.max(0, annotations.length - MAX_ANNOTATIONS);
  if (left > 0) {
    core.info(`tlsgate: ${left} more rule failure(s) not annotated; see the job summary.`);
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
